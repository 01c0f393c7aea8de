"""The processes of an end-to-end run: c4confd, Kamailio and sipp, on loopback addresses.

Every process is started through a Stack and stopped by Stack.stop() (SIGTERM, then SIGKILL
after a grace period), which the drivers call from a `finally`, so nothing outlives a run,
even a failed one. Python 3 standard library only.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
SCENARIOS = os.path.join(HERE, "scenarios")
KAMAILIO_CFG = os.path.join(SOURCE_DIR, "examples", "kamailio", "kamailio.cfg")
KAMAILIO_FIXED_CFG = os.path.join(SOURCE_DIR, "examples", "kamailio", "kamailio-fixed.cfg")


class E2EError(Exception):
    """A failed expectation or a process that would not start, with what was expected."""


def free_port(ip, kind=socket.SOCK_DGRAM):
    """A port free on `ip` now (UDP by default): the kernel picks it, we release it."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def free_udp_and_tcp_port(ip):
    """A port free for both UDP and TCP on `ip` (Kamailio may open both on its port)."""
    for _ in range(50):
        port = free_port(ip, socket.SOCK_STREAM)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind((ip, port))
            return port
        except OSError:
            continue
    raise E2EError(f"no port free for both UDP and TCP on {ip}")


def wait_until(what, predicate, timeout, interval=0.1):
    """Calls predicate() until it returns a true value (returned), or raises after timeout."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # the thing waited for may fail until it is ready
            last_error = e
        time.sleep(interval)
    detail = f" (last error: {last_error})" if last_error else ""
    raise E2EError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")


def http(method, url, body=None, headers=None, timeout=5):
    """(status, parsed JSON or text or None) of one HTTP request; never raises on 4xx/5xx."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, raw = reply.status, reply.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if not raw:
        return status, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Stack:
    """Owns a work directory and every process started for one run."""

    def __init__(self, name, keep_dir=False):
        self.dir = tempfile.mkdtemp(prefix=f"c4confd-e2e-{name}-")
        self.keep_dir = keep_dir
        self.procs = []  # (name, Popen, log path)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def start(self, name, argv, env=None):
        """Starts argv in its own process group, output to <dir>/<name>.out."""
        log = self.path(f"{name}.out")
        out = open(log, "wb")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=self.dir,
                                env=env, start_new_session=True)
        out.close()
        self.procs.append((name, proc, log))
        return proc

    def alive(self, proc):
        return proc.poll() is None

    def check_alive(self, proc, name):
        if proc.poll() is not None:
            raise E2EError(f"{name} exited with status {proc.returncode}:\n{self.tail(name)}")

    def tail(self, name, lines=40):
        try:
            with open(self.path(f"{name}.out"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop_one(self, proc, grace=5.0):
        """SIGTERM to the process group of proc, SIGKILL if it is still there after grace."""
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=grace)

    def stop(self):
        """Stops every process started, newest first. Safe to call more than once."""
        for _, proc, _ in reversed(self.procs):
            try:
                self.stop_one(proc)
            except Exception:
                pass
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


# ----------------------------------------------------------------------------- Kamailio

def start_kamailio(stack, name, listen_port, c4confd_url=None, fixed_dst=None,
                   workers=8, log_level=2, shm_mb=256):
    """Kamailio in the foreground (-DD -E) on udp:127.0.0.1:listen_port, with the example
    router (c4confd_url) or its fixed-destination variant (fixed_dst); waits until it
    listens (its log says so)."""
    argv = ["kamailio", "-DD", "-E", "-m", str(shm_mb), "-M", "16",
            "-A", f"SIP_LISTEN=udp:127.0.0.1:{listen_port}",
            "-A", f"WORKERS={workers}", "-A", f"LOG_LEVEL={log_level}"]
    if fixed_dst:
        argv += ["-f", KAMAILIO_FIXED_CFG, "-A", f'FIXED_DST="{fixed_dst}"']
    else:
        argv += ["-f", KAMAILIO_CFG, "-A", f'C4CONFD_URL="{c4confd_url}"']
    # runtime files (ctl sockets, none loaded today) stay in the work directory
    argv += ["-Y", stack.path(f"{name}-run")]
    os.makedirs(stack.path(f"{name}-run"), exist_ok=True)
    proc = stack.start(name, argv)

    def listening():
        stack.check_alive(proc, name)
        with open(stack.path(f"{name}.out"), errors="replace") as f:
            text = f.read()
        return "probe_max_receive_buffer" in text or "SO_RCVBUF is finally" in text
    wait_until(f"{name} to listen on 127.0.0.1:{listen_port}", listening, 20)
    time.sleep(0.3)  # the workers fork after the sockets are bound
    stack.check_alive(proc, name)
    return proc


# ----------------------------------------------------------------------------- sipp

def start_uas(stack, name, ip, port, scenario="uas.xml", trace=True):
    """A sipp UAS (a PBX or a trunk) on ip:port, logging one line per call when trace."""
    argv = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), "-i", ip, "-p", str(port),
            "-nostdin", "-trace_err", "-error_file", stack.path(f"{name}-errors.log")]
    if trace:
        argv += ["-trace_logs", "-log_file", stack.path(f"{name}-calls.log")]
    proc = stack.start(name, argv)
    time.sleep(0.2)
    stack.check_alive(proc, name)
    return proc


def uas_calls(stack, name):
    """The calls a UAS logged: a list of dicts (call, ruri_user, to_user, from_user, pai)."""
    calls = []
    try:
        with open(stack.path(f"{name}-calls.log"), errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("call="):
                    continue
                fields = {}
                # "pai=" is last and may contain spaces
                head, _, pai = line.partition(" pai=")
                for part in head.split(" "):
                    key, _, value = part.partition("=")
                    fields[key] = value
                fields["pai"] = pai
                calls.append(fields)
    except OSError:
        pass
    return calls


def run_uac(stack, name, kamailio_port, ip, called, caller, from_domain="e2e.test",
            scenario="uac.xml", calls=1, rate=10, limit=None, timeout=30, extra=None):
    """Runs a sipp UAC from ip (a random port) to Kamailio until it has placed `calls`
    calls; returns (exit status, statistics dict of the last line of its CSV)."""
    port = free_port(ip)
    stat = stack.path(f"{name}.csv")
    argv = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), f"127.0.0.1:{kamailio_port}",
            "-i", ip, "-p", str(port), "-s", called,
            "-key", "caller", caller, "-key", "from_domain", from_domain,
            "-m", str(calls), "-r", str(rate), "-nostdin",
            # a 180 overtaken by its 200 is not a reason to abort the call (see uac.xml)
            "-default_behaviors", "all,-abortunexp",
            "-timeout", f"{timeout}s", "-timeout_error",
            "-trace_stat", "-stf", stat, "-fd", "1",
            "-trace_err", "-error_file", stack.path(f"{name}-errors.log")]
    if limit:
        argv += ["-l", str(limit)]
    argv += extra or []
    log = stack.path(f"{name}.out")
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=stack.dir,
                                start_new_session=True)
        stack.procs.append((name, proc, log))
        try:
            rc = proc.wait(timeout=timeout + 15)
        except subprocess.TimeoutExpired:
            stack.stop_one(proc)
            raise E2EError(f"{name}: sipp did not finish within {timeout + 15} s")
    return rc, read_sipp_stats(stat)


def read_sipp_stats(csv_path):
    """The cumulative counters of the last line of a sipp -trace_stat CSV, by name."""
    try:
        with open(csv_path, errors="replace") as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
    except OSError:
        return {}
    if len(lines) < 2:
        return {}
    header = lines[0].split(";")
    values = lines[-1].split(";")
    return dict(zip(header, values))


def stat_int(stats, key):
    try:
        return int(stats.get(key, "0") or 0)
    except ValueError:
        return 0
