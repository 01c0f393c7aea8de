#!/usr/bin/env python3
"""End-to-end tests of c4confd with the real client: Kamailio 5.6 and sipp 3.6 on loopback.

    e2e.py fixed                      the fixed-destination router relays calls (no c4confd)
    e2e.py unreachable                the example router answers 500 when c4confd is down
    e2e.py routing --binary C4CONFD   the example router asking c4confd `all`: inbound DID,
                                      outbound plan, 503 failover, 404, CDRs, a Git change
    e2e.py load --binary C4CONFD [--calls N] [--variant routed|fixed|both]
                                      a bounded load run; prints calls/s, fails on any failed call
    e2e.py bench --binary C4CONFD     load on both routers, prints calls/s of each and the ratio

routing and load need C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL (the ./c4 services).
Exit status: 0 passed, 1 failed. --keep keeps the work directory (logs).
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import argparse  # noqa: E402 (after the line above, on purpose)
import json
import os
import resource
import socket
import time
import urllib.parse

from c4confd_service import C4confd
from stack import (E2EError, Stack, digest_response, free_port, free_udp_and_tcp_port, http,
                   read_sipp_periods,
                   run_uac, start_kamailio, start_uas, stat_int, stop_on_signals, uas_calls,
                   wait_until)
from topology import HOSTS, NOC_TOKEN, SECRETS, make_repository, move_did



def say(message):
    print(message, flush=True)


def expect(condition, message):
    if not condition:
        raise E2EError(message)


def ip_of(name):
    return HOSTS[name][1]


def uac_call(stack, name, kamailio_port, source, called, caller, scenario="uac.xml",
             from_domain="e2e.test", extra=None):
    """One call from host `source`; fails unless sipp says the call went as the scenario
    expects (answered, or refused with 404 for uac_404.xml)."""
    rc, stats = run_uac(stack, name, kamailio_port, ip_of(source), called, caller,
                        from_domain=from_domain, scenario=scenario, calls=1, rate=1,
                        timeout=30, extra=extra)
    expect(rc == 0 and stat_int(stats, "SuccessfulCall(C)") == 1,
           f"{name}: the call from {source} to {called} failed (sipp exit {rc}):\n"
           f"{stack.tail(name, 25)}")



# ----------------------------------------------------------------------------- fixed

def test_fixed(args):
    """The fixed-destination router relays answered calls to its one destination."""
    stack = Stack("fixed", keep_dir=args.keep)
    try:
        kamailio_port = free_udp_and_tcp_port("127.0.0.1")
        uas_port = free_port(ip_of("acme-paris-hq"))
        start_uas(stack, "uas-paris-hq", ip_of("acme-paris-hq"), uas_port)
        start_kamailio(stack, "kamailio-fixed", kamailio_port,
                       fixed_dst=f"sip:{ip_of('acme-paris-hq')}:{uas_port}", workers=4)
        rc, stats = run_uac(stack, "uac", kamailio_port, ip_of("orange-paris"), "0140000123",
                            "0611111111", calls=20, rate=20, timeout=30)
        expect(rc == 0 and stat_int(stats, "SuccessfulCall(C)") == 20,
               f"20 calls through the fixed router: sipp exit {rc}, "
               f"{stat_int(stats, 'SuccessfulCall(C)')} answered, "
               f"{stat_int(stats, 'FailedCall(C)')} failed")
        calls = uas_calls(stack, "uas-paris-hq")
        expect(len(calls) == 20, f"the destination saw {len(calls)} calls, expected 20")
        expect(all(c["to_user"] == "0140000123" for c in calls),
               f"the fixed router changed the To user: {calls[:3]}")
        say("ok: 20 calls relayed by the fixed-destination router, To user untouched")
        return 0
    finally:
        stack.stop()


def test_unreachable(args):
    """The example router answers 500, and calls no one, when c4confd cannot be asked."""
    stack = Stack("unreachable", keep_dir=args.keep)
    try:
        closed_port = free_port("127.0.0.1", kind=socket.SOCK_STREAM)  # nobody listens
        uas_port = free_port(ip_of("acme-paris-hq"))
        start_uas(stack, "uas-paris-hq", ip_of("acme-paris-hq"), uas_port)
        kamailio_port = free_udp_and_tcp_port("127.0.0.1")
        start_kamailio(stack, "kamailio", kamailio_port,
                       c4confd_url=f"http://127.0.0.1:{closed_port}", workers=2)
        uac_call(stack, "uac", kamailio_port, "orange-paris", "0140000123", "0611111111",
                 scenario="uac_500.xml")
        expect(not uas_calls(stack, "uas-paris-hq"), "a call went out without a routing answer")
        say("ok: with c4confd unreachable the router answers 500 and routes nothing")
        return 0
    finally:
        stack.stop()


# ----------------------------------------------------------------------------- routing

class RoutedSwitch:
    """c4confd all on a loopback copy of examples/, the example router, and a sipp UAS for
    every IPBX and trunk (voxbone-fr answers 503 when `voxbone_503`)."""

    def __init__(self, stack, binary, voxbone_503=True, trace=True, log_level=2):
        self.stack = stack
        self.ports = {name: free_port(ip) for name, (_, ip) in HOSTS.items()}
        self.repo = stack.path("repo")
        make_repository(self.repo, self.ports)
        self.c4confd = C4confd(stack, binary, self.repo)
        self.c4confd.wait_ready("orange-paris", "0140000123")
        for name, (_, ip) in HOSTS.items():
            scenario, keys = "uas.xml", None
            if name == "voxbone-fr" and voxbone_503:
                scenario = "uas_503.xml"
            if name == "tim-milano":  # registers with TIM: challenges calls sent to it
                scenario, keys = "uas_challenge.xml", {"auth_realm": "tim.example"}
            start_uas(stack, f"uas-{name}", ip, self.ports[name], scenario, trace=trace,
                      keys=keys)
        self.kamailio_port = free_udp_and_tcp_port("127.0.0.1")
        start_kamailio(stack, "kamailio", self.kamailio_port, c4confd_url=self.c4confd.url,
                       log_level=log_level)

    def call(self, name, source, called, caller, scenario="uac.xml", **kwargs):
        uac_call(self.stack, name, self.kamailio_port, source, called, caller, scenario,
                 **kwargs)

    def received(self, host):
        return uas_calls(self.stack, f"uas-{host}")

    def cdrs_of_call(self, call_id):
        """The CDRs /1.0/cdrs returns for call_id (read with the noc-dashboard token)."""
        query = urllib.parse.urlencode({"call_id": call_id})
        status, answer = http("GET", f"{self.c4confd.url}/1.0/cdrs?{query}",
                              headers={"Authorization": f"Bearer {NOC_TOKEN}"})
        expect(status == 200 and isinstance(answer, dict) and "items" in answer,
               f"GET /1.0/cdrs?{query} answered HTTP {status}: {answer}")
        return [item for item in answer["items"] if item.get("call_id") == call_id]


def last_call(switch, host, what):
    calls = switch.received(host)
    expect(calls, f"{what}: {host} received no call")
    return calls[-1]


def check_inbound_did(switch):
    """A carrier calls a DID in its own format; the IPBX receives national numbers."""
    switch.call("uac-inbound", "orange-paris", "33140000123", "33611111111")
    call = last_call(switch, "acme-paris-hq", "inbound call to +33140000123")
    answered = [call["call"]]
    expect(call["to_user"] == "0140000123" and call["ruri_user"] == "0140000123",
           f"acme-paris-hq should receive the callee as 0140000123, got {call}")
    expect(call["from_user"] == "0611111111",
           f"acme-paris-hq should receive the caller as 0611111111, got {call}")
    say(f"ok: inbound 33140000123 from orange-paris reached acme-paris-hq as "
        f"To {call['to_user']}, From {call['from_user']}")
    switch.call("uac-inbound-venezia", "tim-milano", "0412700042", "0212345678")
    call = last_call(switch, "lagoon-venezia", "inbound call to +390412700042")
    expect(call["to_user"] == "0412700042",
           f"lagoon-venezia should receive 0412700042 (the 0 is kept), got {call}")
    say("ok: inbound 0412700042 from tim-milano reached lagoon-venezia as To 0412700042")
    return answered + [call["call"]]


def check_outbound_plan(switch):
    """An IPBX calls out; the routing plan picks the trunk (lagoon: Milan 02 -> tim-milano).
    tim-milano challenges; the router answers with the trunk's registration credentials."""
    before = len(switch.received("tim-roma"))
    switch.call("uac-outbound", "lagoon-venezia", "0212345678", "0415000153")
    call = last_call(switch, "tim-milano", "outbound call to +390212345678")
    expect(call["to_user"] == "0212345678",
           f"tim-milano should receive 0212345678, got {call}")
    expect(len(switch.received("tim-roma")) == before,
           "rule it-milan sends Milan numbers to tim-milano first; tim-roma was tried too")
    say("ok: outbound 0212345678 from lagoon-venezia left through tim-milano (rule it-milan)")
    header = call.get("proxy_authorization", "").strip()
    expect(header, f"tim-milano challenged, but the router's retry had no credentials: {call}")
    expected, actual, fields = digest_response(header, "INVITE",
                                               SECRETS["TIM_MILANO_PASSWORD"])
    expect(fields.get("username") == "lagoon-mi" and actual == expected,
           f"the router should answer tim-milano's challenge as lagoon-mi with the password of "
           f"TIM_MILANO_PASSWORD; it sent: {header}")
    say("ok: tim-milano's 407 was answered with its registration credentials (uac_auth)")
    return [call["call"]]


def check_digest_caller(switch):
    """An IPBX with a SIP password is challenged, then routed once its digest verifies."""
    switch.call("uac-digest", "acme-lyon", "0450123456", "0472100001",
                scenario="uac_auth.xml", from_domain="lyon.acme.example.com",
                extra=["-au", "acme-lyon", "-ap", SECRETS["ACME_LYON_SIP_PASSWORD"]])
    call = last_call(switch, "orange-lyon", "call from acme-lyon to +33450123456")
    expect(call["to_user"] == "0450123456",
           f"orange-lyon should receive 0450123456, got {call}")
    say("ok: acme-lyon was challenged, its digest verified, the call left through orange-lyon "
        "(rule lyon-fr-local)")
    return [call["call"]]


def check_failover(switch):
    """The first trunk answers 503; the call is answered through the second one."""
    switch.call("uac-failover", "acme-paris-hq", "00390612345678", "0140000001")
    refused = last_call(switch, "voxbone-fr", "first route of +390612345678")
    answered = last_call(switch, "orange-paris", "second route of +390612345678")
    expect(refused["call"] == answered["call"],
           f"the same call should reach voxbone-fr then orange-paris: {refused} / {answered}")
    expect(answered["to_user"] == "00390612345678",
           f"orange-paris should receive 00390612345678, got {answered}")
    say("ok: voxbone-fr answered 503, the call failed over to orange-paris (rule main-italy)")
    return [answered["call"]]


def check_unknown_number(switch):
    """A number no DID claims gets 404, and no host is called."""
    seen = {h: len(switch.received(h)) for h in HOSTS}
    switch.call("uac-unknown", "orange-paris", "0199999999", "0611111111",
                scenario="uac_404.xml")
    expect(all(len(switch.received(h)) == n for h, n in seen.items()),
           "a call to an unknown number reached a host")
    say("ok: inbound call to 0199999999 (no DID) refused with 404")


def check_cdrs(switch, call_ids):
    """Every answered call has its CDR in /1.0/cdrs (posted by Kamailio at the BYE)."""
    def missing():
        return [c for c in call_ids if not switch.cdrs_of_call(c)]
    try:
        wait_until("the CDRs of the answered calls", lambda: not missing(), 15, interval=0.5)
    except E2EError:
        raise E2EError(f"CDRs missing from /1.0/cdrs: {missing()}")
    say(f"ok: the {len(call_ids)} answered calls have their CDR in /1.0/cdrs")


def check_git_change(switch):
    """A commit moves DID venezia-main to lagoon-roma; the next call lands there, no restart."""
    move_did(switch.repo, "venezia-main", "lagoon-roma")
    # the signed webhook makes c4confd fetch at once; the 1 s poll finds the commit anyway,
    # so a webhook that is not served here is reported, not fatal
    status = switch.c4confd.push_webhook()
    if not 200 <= status < 300:
        say(f"note: POST /hooks/git answered HTTP {status}; waiting for the poll instead")
    roma = f"127.0.0.49:{switch.ports['lagoon-roma']}"

    def moved():
        answer = switch.c4confd.route("tim-milano", "0412700042")
        routes = (answer.get("rtjson") or {}).get("routes") or []
        return routes and roma in routes[0].get("dst_uri", "")
    wait_until("the moved DID to route to lagoon-roma", moved, 30, interval=0.3)
    before = len(switch.received("lagoon-roma"))
    switch.call("uac-after-commit", "tim-milano", "0412700042", "0212345678")
    roma_calls = switch.received("lagoon-roma")
    expect(len(roma_calls) == before + 1 and roma_calls[-1]["to_user"] == "0412700042",
           f"after the commit the call should land on lagoon-roma: {roma_calls[-1:]}")
    say("ok: after a commit moving venezia-main, 0412700042 lands on lagoon-roma, no restart")
    return [roma_calls[-1]["call"]]


def test_routing(args):
    stack = Stack("routing", keep_dir=args.keep)
    try:
        switch = RoutedSwitch(stack, args.binary)
        answered = []
        answered += check_inbound_did(switch)
        answered += check_outbound_plan(switch)
        answered += check_digest_caller(switch)
        answered += check_failover(switch)
        check_unknown_number(switch)
        check_cdrs(switch, answered)
        answered += check_git_change(switch)
        check_cdrs(switch, answered)
        return 0
    finally:
        stack.stop()


# ----------------------------------------------------------------------------- load

# Calls in flight during a load run: enough to keep every process busy, few enough that a
# slow process delays calls (sipp waits) rather than losing them to full socket buffers.
LOAD_CALLS_IN_FLIGHT = int(os.environ.get("C4_E2E_CALLS_IN_FLIGHT", "50"))


def load_run(stack, kamailio_port, calls, timeout):
    """Calls from orange-paris to a DID of acme-paris-hq as fast as the router takes them:
    sipp ramps from 500 calls/s up by 500 each second, with at most 50 calls in flight, so
    an overloaded router slows the run down instead of losing calls. Returns a result dict:
    calls_per_second over the whole run, peak_calls_per_second over the best second."""
    cpu_before = stack.cpu_seconds()
    # the caller is waited for inside run_uac: its CPU time shows in our children's usage
    caller_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    rc, stats = run_uac(stack, f"load-{kamailio_port}", kamailio_port, ip_of("orange-paris"),
                        "0140000123", "0611111111", calls=calls, rate=500, limit=LOAD_CALLS_IN_FLIGHT,
                        timeout=timeout,
                        extra=["-rate_increase", "500", "-rate_interval", "1s",
                               "-rate_max", "10000", "-no_rate_quit"])
    elapsed = time.monotonic() - started
    cpu_after = stack.cpu_seconds()
    caller_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU share of each process during the run (1.0 = one core busy the whole run)
    cpu = {name: round((cpu_after[name] - cpu_before[name]) / elapsed, 2)
           for name in cpu_after if name in cpu_before}
    caller = (caller_after.ru_utime + caller_after.ru_stime
              - caller_before.ru_utime - caller_before.ru_stime)
    cpu["sipp-caller"] = round(caller / elapsed, 2)
    cpu = {name: share for name, share in cpu.items() if share > 0.0}
    answered = stat_int(stats, "SuccessfulCall(C)")
    # the periodic lines (one a second); the last line is the final, partial period
    periods = read_sipp_periods(stack.path(f"load-{kamailio_port}.csv"))[:-1]
    peak = max((stat_int(p, "SuccessfulCall(P)") for p in periods), default=0)
    return {"calls": calls, "answered": answered, "failed": stat_int(stats, "FailedCall(C)"),
            "sipp_exit": rc, "seconds": round(elapsed, 2),
            "calls_per_second": round(answered / elapsed, 1) if elapsed > 0 else 0.0,
            "peak_calls_per_second": peak,
            "retransmissions": stat_int(stats, "Retransmissions(C)"),
            "cpu_cores_used": cpu}


def load_routed(args):
    stack = Stack("load-routed", keep_dir=args.keep)
    try:
        switch = RoutedSwitch(stack, args.binary, voxbone_503=False, trace=False, log_level=1)
        return load_run(stack, switch.kamailio_port, args.calls, args.timeout)
    finally:
        stack.stop()


def load_fixed(args):
    stack = Stack("load-fixed", keep_dir=args.keep)
    try:
        uas_port = free_port(ip_of("acme-paris-hq"))
        start_uas(stack, "uas-paris-hq", ip_of("acme-paris-hq"), uas_port, trace=False)
        kamailio_port = free_udp_and_tcp_port("127.0.0.1")
        start_kamailio(stack, "kamailio-fixed", kamailio_port, log_level=1,
                       fixed_dst=f"sip:{ip_of('acme-paris-hq')}:{uas_port}")
        return load_run(stack, kamailio_port, args.calls, args.timeout)
    finally:
        stack.stop()


def report(variant, result):
    say(f"{variant}: {result['answered']}/{result['calls']} calls answered, "
        f"{result['failed']} failed, {result['seconds']} s, "
        f"{result['calls_per_second']} calls/s, best second {result['peak_calls_per_second']} "
        f"({result['retransmissions']} retransmissions)")
    busiest = sorted(result["cpu_cores_used"].items(), key=lambda kv: -kv[1])
    say("  CPU during the run (cores): " + ", ".join(f"{n} {v}" for n, v in busiest))
    say("result " + json.dumps({"variant": variant, **result}, sort_keys=True))


def load_ok(result):
    return result["failed"] == 0 and result["answered"] == result["calls"] \
        and result["sipp_exit"] == 0


def test_load(args):
    variants = ["fixed", "routed"] if args.variant == "both" else [args.variant]
    results = {}
    for variant in variants:
        results[variant] = (load_fixed if variant == "fixed" else load_routed)(args)
        report(variant, results[variant])
    if len(results) == 2 and results["fixed"]["calls_per_second"] > 0:
        ratio = results["routed"]["calls_per_second"] / results["fixed"]["calls_per_second"]
        say(f"ratio routed/fixed: {ratio:.3f}")
        say("result " + json.dumps({"ratio_routed_to_fixed": round(ratio, 3)}))
    bad = [v for v, r in results.items() if not load_ok(r)]
    if bad:
        say(f"FAILED: calls failed in the {', '.join(bad)} run(s)")
        return 1
    return 0


# ----------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("test", choices=["fixed", "unreachable", "routing", "load", "bench"])
    parser.add_argument("--binary", help="the c4confd binary (routing, load, bench)")
    parser.add_argument("--calls", type=int, default=10000, help="calls of a load run")
    parser.add_argument("--timeout", type=int, default=150,
                        help="seconds a load run may take at most")
    parser.add_argument("--variant", choices=["routed", "fixed", "both"], default="routed")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    stop_on_signals()
    if args.test not in ("fixed", "unreachable") and not args.binary:
        parser.error(f"{args.test} needs --binary")
    if args.test == "bench":
        args.variant = "both"
    try:
        if args.test == "fixed":
            return test_fixed(args)
        if args.test == "unreachable":
            return test_unreachable(args)
        if args.test == "routing":
            return test_routing(args)
        return test_load(args)
    except E2EError as e:
        say(f"FAILED: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
