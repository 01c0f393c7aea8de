# Shared steps of the bench/*.sh benchmarks. Source it; it defines functions and these
# variables, and changes nothing else:
#   BENCH_ROOT   the repository root
#   PY           the Python 3 interpreter (standard library only)
#   BENCH_TMP    a private temporary directory, removed at exit (with every cleanup registered
#                by bench_on_exit, run in reverse order)
# Every function prints progress on stderr ("== ..."), results on stdout, and exits the
# benchmark with a message naming what failed: a benchmark that cannot measure says why.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
BENCH_NAME=${BENCH_NAME:-$(basename "$0" .sh)}

. "$BENCH_ROOT/bench/lib/options.sh"

bench_say() { echo "== $*" >&2; }
bench_die() { echo "bench/$BENCH_NAME.sh: $*" >&2; exit 1; }
bench_usage_error() { echo "bench/$BENCH_NAME.sh: $*" >&2; exit 2; }

# --- cleanup: one EXIT trap runs every registered command, last registered first -------------
BENCH_CLEANUPS=()
bench_on_exit() { BENCH_CLEANUPS+=("$1"); }
bench_run_cleanups() {
  local rc=$? i
  trap - EXIT
  for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${BENCH_CLEANUPS[i]}" || true; done
  exit "$rc"
}
trap bench_run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/c4bench-$BENCH_NAME.XXXXXX")
chmod 755 "$BENCH_TMP"  # an unprivileged server (nginx) reads its files from here
bench_on_exit 'rm -rf "$BENCH_TMP"'

# bench_require_number NAME VALUE: exits with a usage error unless VALUE is a whole number.
bench_require_number() {
  [[ "$2" =~ ^[0-9]+$ ]] || bench_usage_error "$1 expects a whole number, got \"$2\""
}

# bench_install_packages PACKAGE...: installs the Debian packages that are missing (as root, or
# with sudo). The benchmarks' own tools are listed in scripts/packages-bench.txt too, so
# `./c4 deps` installs them ahead of time.
bench_install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  bench_say "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -q)
  "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2 ||
    { "${apt[@]}" update >&2 && "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2; } ||
    bench_die "could not install ${missing[*]}"
}

. "$BENCH_ROOT/bench/lib/enable.sh"

# bench_build BUILD_DIR TARGET...: bench_enable BUILD_DIR, then builds only TARGETs (incremental).
bench_build() {
  local dir=$1
  shift
  bench_enable "$dir"
  bench_say "building $*"
  cmake --build "$dir" --target "$@" >&2 || bench_die "building $* failed"
}

# bench_private_copy BINARY: prints the path of a private copy of BINARY in BENCH_TMP, so a
# concurrent rebuild in the build directory cannot swap it between runs.
bench_private_copy() {
  [ -x "$1" ] || bench_die "$1 not found (build first, or drop --no-build)"
  local copy
  copy="$BENCH_TMP/bin/$(basename "$1")"
  mkdir -p "$BENCH_TMP/bin"
  cp "$1" "$copy"
  echo "$copy"
}

# bench_repo DIDS FILES TENANTS PREFIXES SEED REGEN: sets BENCH_REPO to the directory of the
# generated repository with these parameters (bench/.data/repo-d…-f…-t…-p…-s…), generating it unless a
# copy made by the same gen_repo.py (SHA-256) with the same parameters and no --change-one
# since is already there (REGEN=1 forces it). Sets BENCH_REPO_GENERATED=1 when it generated.
bench_repo() {
  local dids=$1 files=$2 tenants=$3 prefixes=$4 seed=$5 regen=$6
  local data="$BENCH_ROOT/bench/.data/repo-d$dids-f$files-t$tenants-p$prefixes-s$seed"
  local gen_sha
  gen_sha=$(sha256sum "$BENCH_ROOT/bench/gen_repo.py" | cut -d' ' -f1)
  BENCH_REPO_GENERATED=0
  if [ "$regen" -eq 1 ] || ! "$PY" - "$data/.bench-gen.json" "$dids" "$files" "$tenants" "$prefixes" "$seed" \
      "$gen_sha" <<'EOF'
import json, sys
try:
    m = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
p = m.get("params", {})
want = [int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]]
have = [p.get("dids"), p.get("files"), p.get("tenants"), p.get("routing_prefixes"), p.get("seed"),
        m.get("generator_sha256")]
sys.exit(0 if have == want and p.get("prefixes_per_rule") == 100 and not m.get("changed") else 1)
EOF
  then
    bench_say "generating $data"
    mkdir -p "$data"
    "$PY" "$BENCH_ROOT/bench/gen_repo.py" --out "$data" --force --dids "$dids" --files "$files" \
      --tenants "$tenants" --routing-prefixes "$prefixes" --seed "$seed" >/dev/null ||
      bench_die "bench/gen_repo.py failed"
    BENCH_REPO_GENERATED=1
  else
    bench_say "using cached $data"
  fi
  BENCH_REPO=$data
}

# bench_free_port: prints a TCP port that is free on 127.0.0.1 (bind test), below Linux's
# ephemeral range so outgoing connections do not take it meanwhile.
bench_free_port() {
  "$PY" - <<'EOF'
import random, socket
for port in random.sample(range(20000, 32768), 12768):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port on 127.0.0.1")
EOF
}

# bench_wait_http URL SECONDS: waits until URL answers any HTTP status; fails after SECONDS.
bench_wait_http() {
  "$PY" - "$1" "$2" <<'EOF' || bench_die "nothing answered on $1 within $2 s"
import sys, time, urllib.error, urllib.request
url, limit = sys.argv[1], float(sys.argv[2])
deadline = time.monotonic() + limit
while time.monotonic() < deadline:
    try:
        urllib.request.urlopen(url, timeout=1).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)  # it answers, with some status
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

# bench_database_server: makes C4CONFD_DATABASE_URL point at a PostgreSQL server. When it is not
# set, the worktree's private servers (./c4 services) are used, started here when they do not
# run, and stopped at exit when started here.
bench_database_server() {
  if [ -n "${C4CONFD_DATABASE_URL:-}" ]; then return 0; fi
  if ! "$BENCH_ROOT/c4" services status >/dev/null 2>&1; then
    bench_say "starting the private PostgreSQL and Redis (./c4 services start)"
    "$BENCH_ROOT/c4" services start >/dev/null || bench_die "./c4 services start failed"
    bench_on_exit '"$BENCH_ROOT/c4" services stop >&2'
  fi
  eval "$("$BENCH_ROOT/c4" services env)"
}

# bench_database_url NAME: prints C4CONFD_DATABASE_URL with its database name replaced by NAME.
bench_database_url() {
  "$PY" - "$C4CONFD_DATABASE_URL" "$1" <<'EOF'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(urllib.parse.urlunsplit(u._replace(path="/" + sys.argv[2])))
EOF
}

# bench_fresh_database NAME: drops and creates database NAME on the server of
# C4CONFD_DATABASE_URL, and drops it again at exit. Sets BENCH_DB_URL to its URL. (Not to be
# called in $(...): the cleanup must be registered in the benchmark's own shell.)
bench_fresh_database() {
  local admin
  admin=$(bench_database_url postgres)
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin" \
    -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
    -c "CREATE DATABASE $1" >&2 || bench_die "could not create database $1 via $admin"
  if [[ " ${BENCH_DATABASES:-} " != *" $1 "* ]]; then
    BENCH_DATABASES="${BENCH_DATABASES:-} $1"
    bench_on_exit "psql -X -q \"$admin\" -c 'DROP DATABASE IF EXISTS $1 WITH (FORCE)' >&2"
  fi
  BENCH_DB_URL=$(bench_database_url "$1")
}

# bench_loadavg: the 1-minute load average. Warns when other processes will skew the figures.
bench_loadavg() {
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
    echo "bench/$BENCH_NAME.sh: warning: load average is $load; other processes will skew the figures" >&2
  fi
  echo "$load"
}

# bench_record: reads a JSON document (benchmark, params, figures, floor, checks, …) on stdin,
# adds the date, commit, machine and load averages, prints the table of checks, and appends one
# line to bench/results/$BENCH_NAME.jsonl unless RECORD=0. See bench/lib/record.py.
bench_record() {
  local out="$BENCH_ROOT/bench/results/$BENCH_NAME.jsonl"
  [ "${RECORD:-1}" -eq 1 ] || out=""
  "$PY" "$BENCH_ROOT/bench/lib/record.py" --results "$out" --root "$BENCH_ROOT"
}

# bench_timed LABEL COMMAND...: runs COMMAND under /usr/bin/time -v; its output (stdout and
# stderr) goes to $BENCH_TMP/LABEL.out, the measurements to $BENCH_TMP/LABEL.time (read them
# with bench/lib/timev.py). Returns COMMAND's exit status.
bench_timed() {
  local label=$1
  shift
  [ -x /usr/bin/time ] || bench_install_packages time
  /usr/bin/time -v -o "$BENCH_TMP/$label.time" "$@" >"$BENCH_TMP/$label.out" 2>&1
}
