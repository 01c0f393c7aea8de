#!/usr/bin/env python3
"""Times how long a Git commit takes to become live in a running c4confd.

    change_timer.py --work DIR --database-url URL [--message M]
                    [--webhook-url URL --secret-file F]
                    [--status-url URL --status-field a.b [--token-file F]]
                    [--timeout S] [--cold]

Without --cold: commits what is changed in the work tree DIR (git commit -a), POSTs the
webhook (GitHub style: X-Hub-Signature-256: sha256=HMAC-SHA256(secret, body)) when
--webhook-url is given, then polls until
  - applied: reconciler_status.live_commit_id in the database is the new commit (one psql
    process kept open, polled every 5 ms), and
  - live: the JSON at --status-url, at the dotted path --status-field, holds the new commit
    (or a string that starts or ends with it, e.g. "12:<commit>"), when --status-url is given;
    with --token-file, the request carries "Authorization: Bearer <token>".
With --cold: commits nothing; the commit is DIR's HEAD, and the clock started when the caller
started c4confd: pass its start time with --since (seconds since the epoch, float).

Prints one JSON object: {"commit", "commit_s" (git commit), "applied_s", "live_s" (null when
no --status-url)}, times from the start (before git commit, or --since). Exit status 1 when
the commit is not live within --timeout seconds, or when the database shows it failed
(the last revision for it has result "failed"), naming which.
"""
import argparse
import hashlib
import hmac
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request


class Psql:
    """One psql process answering one-value queries, so polling costs no process start."""

    def __init__(self, url):
        self.p = subprocess.Popen(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=0", url], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def value(self, sql):
        # A marker line after the answer: the answer may be empty (NULL) or missing (no row).
        self.p.stdin.write(sql + ";\nSELECT '--end--';\n")
        self.p.stdin.flush()
        lines = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                sys.exit("change_timer.py: psql exited")
            line = line.rstrip("\n")
            if line == "--end--":
                return lines[0] if lines else None
            lines.append(line)

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def field(doc, path):
    """The value at a dotted path; in a list, a part is an index ("0") or KEY=VALUE, the first
    element whose KEY is VALUE ("name=routing")."""
    for part in path.split("."):
        if isinstance(doc, dict):
            doc = doc.get(part)
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        elif isinstance(doc, list) and "=" in part:
            key, _, value = part.partition("=")
            doc = next((e for e in doc if isinstance(e, dict) and str(e.get(key)) == value), None)
        else:
            return None
    return doc


def status_shows(url, path, commit, token):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            doc = json.loads(r.read())
    except (OSError, ValueError):
        return False
    v = field(doc, path)
    return isinstance(v, str) and (v == commit or v.startswith(commit) or v.endswith(commit))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--message", default="bench: change one file")
    ap.add_argument("--webhook-url", default="")
    ap.add_argument("--secret-file", default="")
    ap.add_argument("--status-url", default="")
    ap.add_argument("--status-field", default="snapshot.snapshots.0.revision")
    ap.add_argument("--token-file", default="")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--since", type=float, default=0)
    args = ap.parse_args()

    git = ["git", "-C", args.work]
    if args.cold:
        start_wall = args.since or time.time()
        start = time.monotonic() - (time.time() - start_wall)
        commit_s = 0.0
    else:
        start = time.monotonic()
        subprocess.run(git + ["commit", "-q", "-a", "-m", args.message], check=True)
        commit_s = time.monotonic() - start
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()

    if args.webhook_url and not args.cold:
        secret = open(args.secret_file, "rb").read().strip()
        body = json.dumps({"ref": "refs/heads/main", "after": commit}).encode()
        sig = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        req = urllib.request.Request(args.webhook_url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-GitHub-Event": "push", "X-Hub-Signature-256": sig})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                if r.status >= 300:
                    sys.exit("change_timer.py: the webhook answered %d" % r.status)
        except urllib.error.HTTPError as e:
            sys.exit("change_timer.py: the webhook answered %d: %s" % (e.code, e.read()[:300].decode(errors="replace")))

    token = open(args.token_file).read().strip() if args.token_file else ""
    db = Psql(args.database_url)
    applied_s = live_s = None
    deadline = start + args.timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        if applied_s is None and db.value("SELECT live_commit_id FROM reconciler_status") == commit:
            applied_s = now - start
        if live_s is None and args.status_url and status_shows(args.status_url, args.status_field, commit, token):
            live_s = now - start
        if applied_s is not None and (live_s is not None or not args.status_url):
            break
        if db.value("SELECT result FROM revisions WHERE commit_id = '%s' ORDER BY id DESC LIMIT 1" % commit) == "failed":
            sys.exit("change_timer.py: commit %s was recorded as failed (see the revisions table)" % commit)
        time.sleep(0.005)
    db.close()
    if applied_s is None or (args.status_url and live_s is None):
        sys.exit("change_timer.py: commit %s not %s within %g s" % (
            commit, "applied" if applied_s is None else "live at " + args.status_url, args.timeout))
    print(json.dumps({"commit": commit, "commit_s": round(commit_s, 4), "applied_s": round(applied_s, 4),
                      "live_s": round(live_s, 4) if live_s is not None else None}))


if __name__ == "__main__":
    main()
