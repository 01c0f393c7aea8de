#!/usr/bin/env python3
"""Fuzzes the running API against its own OpenAPI document with schemathesis.

Starts the real binary (`c4confd all examples/`, so every path of the document is mounted and
there is data) on a scratch database of the ./c4 test PostgreSQL and the ./c4 test Redis,
points schemathesis at GET /openapi.json with the admin token, and fails on any finding of
the checks below: a 5xx, a status code the document does not list for the operation, a
content type it does not list, a body that breaks the documented schema, a request valid per
the document that is refused. Bounded: --max-examples per operation, the whole run under about
three minutes on two cores.

Usage: schemathesis_run.py --binary build/c4confd --venv build/schemathesis-venv
Needs C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL (./c4 test sets them).
"""

import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
ADMIN_TOKEN = "schemathesis-admin-token-4e1b"
KAMAILIO_TOKEN = "schemathesis-kamailio-token-9c2d"
# The paths only Kamailio may call (with its token, or from a trusted network without one).
KAMAILIO_PATHS = r"^/1\.0/kamailio/"
# The demo secrets of examples/README.md ("Secrets").
SECRETS = {
    "C4_SECRET_ORANGE_PARIS_PASSWORD": "demo-orange", "C4_SECRET_VOXBONE_PASSWORD": "demo-voxbone",
    "C4_SECRET_TIM_MILANO_PASSWORD": "demo-tim", "C4_SECRET_ACME_LYON_SIP_PASSWORD": "demo-lyon",
    "C4_SECRET_LAGOON_ROMA_SIP_PASSWORD": "demo-roma",
}


def say(message):
    print(f"schemathesis_run: {message}", flush=True)


def ensure_venv(venv):
    """The virtual environment with requirements.txt installed; reinstalled when it changes.
    Made with the interpreter running this script: Debian's 3.11.2 has a bug in ast.parse
    ("AST constructor recursion depth mismatch", fixed in 3.11.5) that hypothesis trips over,
    so a newer python3 first on PATH is used when there is one."""
    with open(REQUIREMENTS, "rb") as f:
        wanted = hashlib.sha256(f.read() + sys.executable.encode()).hexdigest()
    stamp = os.path.join(venv, "requirements.sha256")
    tool = os.path.join(venv, "bin", "schemathesis")
    if os.path.exists(tool) and os.path.exists(stamp) and open(stamp).read().strip() == wanted:
        return tool
    say(f"installing {REQUIREMENTS} into {venv} with Python {sys.version.split()[0]} ({sys.executable})")
    if sys.version_info < (3, 11, 5):
        say("warning: this Python has the ast.parse bug hypothesis may trip over; a newer python3 on PATH avoids it")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "--disable-pip-version-check",
                    "-r", REQUIREMENTS], check=True)
    with open(stamp, "w") as f:
        f.write(wanted + "\n")
    return tool


def psql():
    return shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"


def database(base_url, name, create):
    sql = f'create database "{name}"' if create else f'drop database if exists "{name}" with (force)'
    done = subprocess.run([psql(), "-X", "-q", base_url, "-c", sql], capture_output=True, text=True)
    if create and done.returncode != 0:
        sys.exit(f"could not create database {name}: {done.stderr.strip()}")
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, proc, timeout):
    """Until GET /status is 204 and a routing question routes (the examples are live)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"c4confd exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/status", timeout=2) as reply:
                if reply.status == 204:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    sys.exit(f"c4confd was not ready within {timeout} s")


def run_schemathesis(tool, url, args):
    """Two runs: the Kamailio paths with the Kamailio token (they refuse every other token),
    everything else with the admin token. The first failure's status is returned."""
    rc = run_schemathesis_as(tool, url, args, KAMAILIO_TOKEN, ["--include-path-regex", KAMAILIO_PATHS])
    return run_schemathesis_as(tool, url, args, ADMIN_TOKEN, ["--exclude-path-regex", KAMAILIO_PATHS]) or rc


def run_schemathesis_as(tool, url, args, token, selection):
    argv = [tool, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run",
            args.schema or f"{url}/openapi.json", "--url", url, *selection,
            "-H", f"Authorization: Bearer {token}",
            "--max-examples", str(args.max_examples), "--seed", str(args.seed),
            "--workers", "2", "--request-timeout", "10", "--phases", "examples,coverage,fuzzing",
            "--suppress-health-check", "all", "--generation-database", "none", "--no-color"] + args.extra
    say(" ".join(argv))
    # In a scratch directory: nothing it may write lands in the source tree.
    with tempfile.TemporaryDirectory(prefix="c4confd-schemathesis-") as scratch:
        return subprocess.run(argv, cwd=scratch).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--schema", help="a document to test instead of the served /openapi.json (to try an edit "
                                         "without rebuilding)")
    parser.add_argument("--extra", action="append", default=[], help="one more argument for schemathesis run")
    args = parser.parse_args()
    base_url = os.environ.get("C4CONFD_DATABASE_URL")
    redis_url = os.environ.get("C4CONFD_REDIS_URL")
    if not base_url or not redis_url:
        sys.exit("C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL must be set (run through ./c4 test)")
    tool = ensure_venv(args.venv)

    name = f"c4confd_schemathesis_{os.getpid()}"
    db_url = database(base_url, name, create=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile(prefix="c4confd-schemathesis-", suffix=".log", delete=False)
    env = dict(os.environ, **SECRETS, C4CONFD_ADMIN_TOKEN=ADMIN_TOKEN, C4CONFD_KAMAILIO_TOKEN=KAMAILIO_TOKEN)
    env.pop("C4CONFD_WEBHOOK_SECRET", None)
    proc = subprocess.Popen([args.binary, "all", os.path.join(SOURCE, "examples"), "--listen", f"127.0.0.1:{port}",
                             "--database-url", db_url, "--redis-url", redis_url, "--interval", "1h",
                             "--log-level", "warn"], env=env, stdout=log, stderr=subprocess.STDOUT)
    started = time.monotonic()
    try:
        wait_ready(url, proc, 60)
        rc = run_schemathesis(tool, url, args)
        if proc.poll() is not None:
            say(f"c4confd exited with {proc.returncode} during the run")
            rc = rc or 1
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        database(base_url, name, create=False)
        log.close()
        if proc.returncode not in (0, None) or "rc" not in locals() or rc != 0:
            with open(log.name, errors="replace") as f:
                tail = f.read()[-4000:]
            say(f"c4confd log (last 4000 characters):\n{tail}")
        os.unlink(log.name)
    say(f"finished in {time.monotonic() - started:.0f} s, schemathesis exit status {rc}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
