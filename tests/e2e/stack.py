"""The processes of an end-to-end run: c4confd, Kamailio and sipp, on loopback addresses.

Every process is started through a Stack and stopped by Stack.stop() (SIGTERM, then SIGKILL
after a grace period), which the drivers call from a `finally`, so nothing outlives a run,
even a failed one. Python 3 standard library only.
"""

import ctypes
import hashlib
import json
import os
import re
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


def _die_with_parent():
    """In the child, before exec: SIGTERM when the test driver dies, even by SIGKILL (a ctest
    timeout), so no router or sipp outlives its test. Kamailio's main process stops its
    workers on SIGTERM."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_on_signals():
    """SIGTERM/SIGINT/SIGHUP end the driver through SystemExit, so every `finally` runs."""
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, handler)


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
        self.cleanups = []  # called by stop(), after every process has stopped

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def start(self, name, argv, env=None):
        """Starts argv in its own process group, output to <dir>/<name>.out."""
        log = self.path(f"{name}.out")
        out = open(log, "wb")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=self.dir,
                                env=env, start_new_session=True,
                                preexec_fn=_die_with_parent)
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

    def cpu_seconds(self):
        """CPU time (user + system) used so far by each started process and its process
        group (Kamailio's workers are in their main process's group), by name."""
        ticks = os.sysconf("SC_CLK_TCK")
        groups = {proc.pid: name for name, proc, _ in self.procs if proc.poll() is None}
        used = dict.fromkeys(groups.values(), 0.0)
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pgrp = int(fields[2])  # fields after "(comm)": state ppid pgrp ... utime stime
            if pgrp in groups:
                used[groups[pgrp]] += (int(fields[11]) + int(fields[12])) / ticks
        return used

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

    def on_stop(self, cleanup):
        """cleanup() runs in stop(), once every process has stopped (e.g. dropping the
        database a process used)."""
        self.cleanups.append(cleanup)

    def stop(self):
        """Stops every process started, newest first, then runs the cleanups. Safe to call
        more than once."""
        for _, proc, _ in reversed(self.procs):
            try:
                self.stop_one(proc)
            except Exception:
                pass
        while self.cleanups:
            try:
                self.cleanups.pop()()
            except Exception:
                pass
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


# ----------------------------------------------------------------------------- Kamailio

def sip_ping(ip, port, timeout=0.5):
    """True when a SIP OPTIONS to ip:port (UDP) gets a 200 back within timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.settimeout(timeout)
        local = s.getsockname()[1]
        tag = f"{os.getpid()}{time.monotonic_ns()}"
        message = (f"OPTIONS sip:{ip}:{port} SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK{tag}\r\n"
                   f"From: <sip:ping@127.0.0.1>;tag={tag}\r\n"
                   f"To: <sip:{ip}:{port}>\r\n"
                   f"Call-ID: ping-{tag}@127.0.0.1\r\n"
                   "CSeq: 1 OPTIONS\r\nMax-Forwards: 10\r\nContent-Length: 0\r\n\r\n")
        s.sendto(message.encode(), (ip, port))
        try:
            data = s.recv(65535)
        except OSError:
            return False
        return data.startswith(b"SIP/2.0 200")


# Kamailio's allocators (-X private, -x shared memory). Its default, qm_malloc, came first in
# perf profiles of the routed router: 7 % of its samples in private memory, then, with TLSF
# there, 9 % in shared memory (xavps, transactions and dialogs live there; a first-fit search
# under a lock). TLSF allocates and frees in constant time. Under TLSF, 256 MB of shared
# memory ran out now and then in the load test (ramp to ~1,600 calls/s: t_newtran,
# xavp_new_value); 1 GB leaves room. The same on every router. C4_E2E_SHM_MANAGER,
# C4_E2E_SHM_MB and C4_E2E_WORKERS override them (A/B runs, docs/e2e.md).
KAMAILIO_PRIVATE_MEMORY_MANAGER = "tlsf"
KAMAILIO_SHARED_MEMORY_MANAGER = os.environ.get("C4_E2E_SHM_MANAGER", "tlsf")
KAMAILIO_SHARED_MEMORY_MB = int(os.environ.get("C4_E2E_SHM_MB", "1024"))
KAMAILIO_WORKERS = os.environ.get("C4_E2E_WORKERS")


def start_kamailio(stack, name, listen_port, c4confd_url=None, fixed_dst=None,
                   workers=8, log_level=2, defines=None):
    """Kamailio in the foreground (-DD -E) on udp:127.0.0.1:listen_port, with the example
    router (fixed_dst None) or its fixed-destination variant (fixed_dst); c4confd_url is
    where either posts its CDRs (and the example router asks for routes). defines: more
    -A NAME=VALUE (VALUE None: -A NAME). Waits until it listens (it answers OPTIONS)."""
    argv = ["kamailio", "-DD", "-E", "-m", str(KAMAILIO_SHARED_MEMORY_MB), "-M", "16",
            "-x", KAMAILIO_SHARED_MEMORY_MANAGER, "-X", KAMAILIO_PRIVATE_MEMORY_MANAGER,
            "-A", f"SIP_LISTEN=udp:127.0.0.1:{listen_port}",
            "-A", f"WORKERS={KAMAILIO_WORKERS or workers}", "-A", f"LOG_LEVEL={log_level}"]
    if fixed_dst:
        argv += ["-f", KAMAILIO_FIXED_CFG, "-A", f'FIXED_DST="{fixed_dst}"']
    else:
        argv += ["-f", KAMAILIO_CFG]
    if c4confd_url:
        argv += ["-A", f'C4CONFD_HTTPCON="c4confd=>{c4confd_url}"']
    for define, value in (defines or {}).items():
        argv += ["-A", define if value is None else f"{define}={value}"]
    # runtime files (ctl sockets, none loaded today) stay in the work directory
    argv += ["-Y", stack.path(f"{name}-run")]
    os.makedirs(stack.path(f"{name}-run"), exist_ok=True)
    proc = stack.start(name, argv)

    def answers():
        stack.check_alive(proc, name)
        return sip_ping("127.0.0.1", listen_port)
    wait_until(f"{name} to answer OPTIONS on 127.0.0.1:{listen_port}", answers, 20, 0.2)
    return proc


# ----------------------------------------------------------------------------- sipp

# sipp's default socket buffers (64 KB) overflow in bursts of a load run; the kernel caps
# this at net.core.rmem_max/wmem_max for a non-root user.
SIPP_SOCKET_BUFFER = 4 * 1024 * 1024

def start_uas(stack, name, ip, port, scenario="uas.xml", trace=True, keys=None):
    """A sipp UAS (a PBX or a trunk) on ip:port, logging one line per call when trace;
    keys: {name: value} for the scenario's [name] keywords."""
    argv = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), "-i", ip, "-p", str(port),
            "-nostdin", "-buff_size", str(SIPP_SOCKET_BUFFER),
            # a late ACK or retransmission is no reason to abort a call the host answered
            # (the router's workers may relay a call's messages out of order; see uas.xml)
            "-default_behaviors", "all,-abortunexp",
            "-trace_err", "-error_file", stack.path(f"{name}-errors.log")]
    if trace:
        argv += ["-trace_logs", "-log_file", stack.path(f"{name}-calls.log")]
    for key, value in (keys or {}).items():
        argv += ["-key", key, value]
    proc = stack.start(name, argv)
    time.sleep(0.2)
    stack.check_alive(proc, name)
    return proc


def digest_response(header, method, password):
    """The MD5 digest response a Proxy-Authorization/Authorization header value should carry
    for `password` (RFC 2617 without qop), and the one it carries: (expected, actual)."""
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
    ha1 = md5(f"{fields.get('username')}:{fields.get('realm')}:{password}")
    ha2 = md5(f"{method}:{fields.get('uri')}")
    return md5(f"{ha1}:{fields.get('nonce')}:{ha2}"), fields.get("response"), fields


def uas_calls(stack, name):
    """The calls a UAS logged: a list of dicts (call, ruri_user, to_user, from_user, pai,
    and proxy_authorization for uas_challenge.xml)."""
    calls = []
    try:
        with open(stack.path(f"{name}-calls.log"), errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("auth call="):
                    # uas_challenge.xml: the credentials of the call's second INVITE
                    head, _, value = line.partition(" proxy_authorization=")
                    call_id = head.split(" ")[1].partition("=")[2]
                    for c in calls:
                        if c["call"] == call_id:
                            c["proxy_authorization"] = value
                    continue
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
            scenario="uac.xml", calls=1, rate=10, limit=None, timeout=30, extra=None,
            recv_timeout=20):
    """Runs a sipp UAC from ip (a random port) to Kamailio until it has placed `calls`
    calls; returns (exit status, statistics dict of the last line of its CSV). A call
    waiting recv_timeout seconds for a reply fails."""
    port = free_port(ip)
    stat = stack.path(f"{name}.csv")
    argv = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), f"127.0.0.1:{kamailio_port}",
            "-i", ip, "-p", str(port), "-s", called,
            "-key", "caller", caller, "-key", "from_domain", from_domain,
            "-m", str(calls), "-r", str(rate), "-nostdin", "-buff_size", str(SIPP_SOCKET_BUFFER),
            # a 180 overtaken by its 200 is not a reason to abort the call (see uac.xml)
            "-default_behaviors", "all,-abortunexp",
            "-timeout", f"{timeout}s", "-timeout_error",
            # a call waiting for a reply that will not come fails, instead of holding the
            # whole run until its global timeout
            "-recv_timeout", f"{recv_timeout}s",
            "-trace_stat", "-stf", stat, "-fd", "1",
            "-trace_err", "-error_file", stack.path(f"{name}-errors.log")]
    if limit:
        argv += ["-l", str(limit)]
    argv += extra or []
    log = stack.path(f"{name}.out")
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=stack.dir,
                                start_new_session=True, preexec_fn=_die_with_parent)
        stack.procs.append((name, proc, log))
        try:
            rc = proc.wait(timeout=timeout + 15)
        except subprocess.TimeoutExpired:
            stack.stop_one(proc)
            raise E2EError(f"{name}: sipp did not finish within {timeout + 15} s")
    return rc, read_sipp_stats(stat)


def read_sipp_stats(csv_path):
    """The cumulative counters of the last line of a sipp -trace_stat CSV, by name."""
    rows = read_sipp_periods(csv_path)
    return rows[-1] if rows else {}


def read_sipp_periods(csv_path):
    """Every line of a sipp -trace_stat CSV (one per -fd period, then a final one), as dicts."""
    try:
        with open(csv_path, errors="replace") as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
    except OSError:
        return []
    if len(lines) < 2:
        return []
    header = lines[0].split(";")
    return [dict(zip(header, line.split(";"))) for line in lines[1:]]


def stat_int(stats, key):
    try:
        return int(stats.get(key, "0") or 0)
    except ValueError:
        return 0
