#!/usr/bin/env bash
# Renders a pull-request comment (markdown, e.g. `c4confd plan --output markdown`) as GitHub
# shows it and takes a screenshot: cmark-gfm (GitHub's own markdown library, with its table,
# autolink, strikethrough and tagfilter extensions), a GitHub-like stylesheet, headless
# Chromium. Used for docs/images/plan-comment*.png (docs/pull-requests.md).
#
#   docs/images/render_comment.sh COMMENT.md OUT.png [WIDTH] [--open-details]
#
# --open-details renders every <details> section expanded, as after a reviewer's click.
# Debian packages: cmark-gfm, chromium, fonts-noto-color-emoji (scripts/packages-docs.txt).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 64; }
in=$1 out=$2 width=${3:-900} open=${4:-}
for tool in cmark-gfm chromium; do
  command -v "$tool" >/dev/null || { echo "render_comment.sh: $tool is missing (scripts/packages-docs.txt)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
body=$(cmark-gfm --unsafe -e table -e autolink -e strikethrough -e tagfilter "$in")
[ "$open" = --open-details ] && body=${body//<details>/<details open>}
cat >"$tmp/comment.html" <<HTML
<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
body { margin: 0; background: #ffffff; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
       font-size: 14px; line-height: 1.5; color: #1f2328; }
.comment { margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; width: ${width}px; }
.header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e;
          border-radius: 6px 6px 0 0; }
.header b { color: #1f2328; }
.body { padding: 16px; }
h3 { font-size: 1.25em; margin: 0 0 16px; font-weight: 600; }
h4 { font-size: 1em; margin: 24px 0 16px; font-weight: 600; }
p { margin: 0 0 16px; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; width: max-content; max-width: 100%; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
code { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 85%;
       background: rgba(129, 139, 152, 0.12); border-radius: 6px; padding: 0.2em 0.4em; }
details { margin: 0 0 16px; }
summary { cursor: pointer; margin-bottom: 8px; }
blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: 0.25em solid #d1d9e0; }
</style></head><body><div class="comment">
<div class="header"><b>github-actions</b> <span>bot</span> commented</div>
<div class="body">
$body
</div></div></body></html>
HTML
# A tall window, then the picture is cut to the comment's height by a second pass.
height=$(( $(wc -l <"$tmp/comment.html") * 24 + 200 ))
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size=$((width + 40)),"$height" --screenshot="$tmp/full.png" "file://$tmp/comment.html" >/dev/null 2>&1
python3 - "$tmp/full.png" "$out" <<'PY'
import struct, sys, zlib
# Crops the bottom white rows of a PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes).
src, dst = sys.argv[1:3]
data = open(src, "rb").read()
pos, chunks = 8, []
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunks.append((kind, data[pos + 8:pos + 8 + n]))
    pos += 12 + n
ihdr = dict(chunks)[b"IHDR"]
w, h, depth, colour = struct.unpack(">IIBB", ihdr[:10])
bpp = {2: 3, 6: 4}[colour]
raw = zlib.decompress(b"".join(c for k, c in chunks if k == b"IDAT"))
stride = w * bpp
rows, prev = [], bytearray(stride)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
last = max((y for y, r in enumerate(rows) if r.count(255) != len(r)), default=h - 1)
keep = min(h, last + 17)
out = b"".join(b"\0" + r for r in rows[:keep])
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, keep, depth, colour, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(out, 9)) + chunk(b"IEND", b"")
open(dst, "wb").write(png)
PY
echo "$out: ${width}px wide"
