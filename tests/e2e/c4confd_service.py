"""c4confd `all` for an end-to-end run: its own database, the test's repository, a free port."""

import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from stack import E2EError, free_port, http, wait_until
from topology import HOSTS, SECRETS


WEBHOOK_SECRET = "c4confd-e2e-webhook"  # given to c4confd as C4CONFD_WEBHOOK_SECRET


def _psql():
    found = shutil.which("psql")
    return found or "/usr/lib/postgresql/15/bin/psql"


def create_database(base_url, name):
    """Creates database `name` on the server of base_url; returns its URL."""
    done = subprocess.run([_psql(), "-X", "-q", base_url, "-c", f'create database "{name}"'],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise E2EError(f"could not create database {name}: {done.stderr.strip()}")
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(base_url, name):
    subprocess.run([_psql(), "-X", "-q", base_url, "-c",
                    f'drop database if exists "{name}" with (force)'],
                   capture_output=True, text=True)


def routing_question(source, called, caller="0100000000", domain="e2e.test"):
    """The body Kamailio sends for a call from host `source` (a name of HOSTS)."""
    ip = HOSTS[source][1]
    return {"event": "sip-routing", "source_ip": ip, "source_port": 5060, "auth": True,
            "domain": domain, "call_id": f"probe-{time.monotonic_ns()}", "from_tag": "probe",
            "from_uri": f"sip:{caller}@{domain}", "to_uri": f"sip:{called}@127.0.0.1"}


class C4confd:
    """c4confd all, started on a fresh database; stopped with its Stack."""

    def __init__(self, stack, binary, repo_dir):
        base_url = os.environ.get("C4CONFD_DATABASE_URL")
        redis_url = os.environ.get("C4CONFD_REDIS_URL")
        if not base_url or not redis_url:
            raise E2EError("C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL must be set "
                           "(./c4 services start; eval \"$(./c4 services env)\")")
        self.base_db_url = base_url
        self.db_name = f"c4confd_e2e_{os.getpid()}_{int(time.time())}"
        self.db_url = create_database(base_url, self.db_name)
        # dropped when the stack stops, c4confd first (a test that fails leaves none behind)
        stack.on_stop(lambda: drop_database(base_url, self.db_name))
        self.port = free_port("127.0.0.1", kind=socket.SOCK_STREAM)
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, **SECRETS, C4CONFD_WEBHOOK_SECRET=WEBHOOK_SECRET)
        argv = [binary, "all", "--repo", f"file://{repo_dir}",
                "--listen", f"127.0.0.1:{self.port}",
                "--database-url", self.db_url, "--redis-url", redis_url,
                "--interval", "1s"]
        self.stack = stack
        self.proc = stack.start("c4confd", argv, env=env)

    def wait_ready(self, probe_source, probe_called, timeout=60):
        """Waits until /status answers and a probe call routes (the first revision is live)."""
        def routes():
            self.stack.check_alive(self.proc, "c4confd")
            status, answer = http("POST", f"{self.url}/1.0/kamailio/routing",
                                  routing_question(probe_source, probe_called))
            return status == 200 and isinstance(answer, dict) and \
                (answer.get("rtjson") or {}).get("success") is True
        wait_until("c4confd to serve the first revision", routes, timeout, interval=0.3)

    def route(self, source, called, caller="0100000000"):
        status, answer = http("POST", f"{self.url}/1.0/kamailio/routing",
                              routing_question(source, called, caller))
        if status != 200:
            raise E2EError(f"routing question answered HTTP {status}: {answer}")
        return answer

    def push_webhook(self):
        """POST /hooks/git as GitHub signs it (HMAC-SHA256 of the body): fetch now.
        Returns the HTTP status."""
        body = json.dumps({"ref": "refs/heads/main"}).encode()
        signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            f"{self.url}/hooks/git", data=body, method="POST",
            headers={"Content-Type": "application/json", "X-GitHub-Event": "push",
                     "X-Hub-Signature-256": f"sha256={signature}"})
        try:
            with urllib.request.urlopen(request, timeout=5) as reply:
                return reply.status
        except urllib.error.HTTPError as e:
            return e.code

    def close(self):
        """Stops c4confd and drops its database now (the stack would at its end)."""
        self.stack.stop_one(self.proc)
        drop_database(self.base_db_url, self.db_name)
