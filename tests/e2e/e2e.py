#!/usr/bin/env python3
"""End-to-end tests of c4confd with the real client: Kamailio 5.6 and sipp 3.6 on loopback.

    e2e.py fixed                      the fixed-destination router relays calls (no c4confd)
    e2e.py unreachable                the example router answers 500 when c4confd is down
    e2e.py routing --binary C4CONFD   the example router asking c4confd `all`: inbound DID,
                                      outbound plan, 503 failover, 404, CDRs, a Git change
    e2e.py load --binary C4CONFD [--calls N] [--variant routed|fixed|fixed-bare|both|all]
                                      a bounded load run; prints calls/s, fails on any failed call
    e2e.py bench --binary C4CONFD [--step-seconds S] [--first-rate R] [--refine N]
                                      the highest rate each router (fixed, fixed-bare, routed) sustains
                                      with zero failed calls, and the ratios routed/fixed (target)
                                      and routed/fixed-bare (information)

routing and load need C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL (the ./c4 services).
Exit status: 0 passed, 1 failed. --keep keeps the work directory (logs).
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import argparse  # noqa: E402 (after the line above, on purpose)
import json
import os
import socket
import urllib.parse

from c4confd_service import C4confd
from capacity import all_answered, max_sustained_rate, uac_load
from stack import (E2EError, Stack, digest_response, free_port, free_udp_and_tcp_port, http,
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
                       fixed_dst=f"sip:{ip_of('acme-paris-hq')}:{uas_port}", workers=4,
                       defines={"NO_CDR": None})
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

def start_hosts(stack, ports, voxbone_503=True, trace=True):
    """A sipp UAS for every IPBX and trunk of HOSTS, on ports[name], named uas-<name>
    (voxbone-fr answers 503 when `voxbone_503`; tim-milano challenges)."""
    for name, (_, ip) in HOSTS.items():
        scenario, keys = "uas.xml", None
        if name == "voxbone-fr" and voxbone_503:
            scenario = "uas_503.xml"
        if name == "tim-milano":  # registers with TIM: challenges calls sent to it
            scenario, keys = "uas_challenge.xml", {"auth_realm": "tim.example"}
        start_uas(stack, f"uas-{name}", ip, ports[name], scenario, trace=trace, keys=keys)


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
        start_hosts(stack, self.ports, voxbone_503, trace)
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
    # The caller's From is "E2E Caller" (quoted): Kamailio sends $fn with its quotes, and the
    # name must come out quoted once, not as "\"E2E Caller\"".
    expect(call["pai"].strip().startswith('"E2E Caller" <sip:0611111111@'),
           f"acme-paris-hq should receive P-Asserted-Identity \"E2E Caller\" <sip:0611111111@…>, got {call}")
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
                                               SECRETS["C4_SECRET_TIM_MILANO_PASSWORD"])
    expect(fields.get("username") == "lagoon-mi" and actual == expected,
           f"the router should answer tim-milano's challenge as lagoon-mi with the password of "
           f"C4_SECRET_TIM_MILANO_PASSWORD; it sent: {header}")
    say("ok: tim-milano's 407 was answered with its registration credentials (uac_auth)")
    return [call["call"]]


def check_digest_caller(switch):
    """An IPBX with a SIP password is challenged, then routed once its digest verifies."""
    switch.call("uac-digest", "acme-lyon", "0450123456", "0472100001",
                scenario="uac_auth.xml", from_domain="lyon.acme.example.com",
                extra=["-au", "acme-lyon", "-ap", SECRETS["C4_SECRET_ACME_LYON_SIP_PASSWORD"]])
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
    expect(answered["to_user"] == "00390612345678" and answered["ruri_user"] == "00390612345678",
           f"orange-paris should receive 00390612345678 (To and the route's uri), got {answered}")
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
    # every caller of the scenarios is a trunk or an IPBX: its CDR is charged to it, and
    # carries the caller's port (numbers the router copies from the answer and $sp)
    for call_id in call_ids:
        for cdr in switch.cdrs_of_call(call_id):
            expect(cdr.get("carrier_trunk_id") or cdr.get("ipbx_id"),
                   f"the CDR of {call_id} names neither a trunk nor an IPBX: {cdr}")
            expect(isinstance(cdr.get("source_port"), int) and cdr["source_port"] > 0,
                   f"the CDR of {call_id} has no source port: {cdr}")
    say(f"ok: the {len(call_ids)} answered calls have their CDR in /1.0/cdrs, "
        "each charged to its trunk or IPBX")


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

# Every load run, on either router: calls from the orange-paris trunk to a DID of
# acme-paris-hq. The routed router finds acme-paris-hq by asking c4confd; the fixed router is
# given its address. Both stacks run the same sipp hosts (one UAS per IPBX and trunk), so the
# two runs differ only by the router's work.
LOAD_SOURCE, LOAD_CALLED, LOAD_CALLER, LOAD_DESTINATION = \
    "orange-paris", "0140000123", "0611111111", "acme-paris-hq"

# Calls in flight during a ramped load run: enough to keep every process busy, few enough
# that a slow process delays calls (sipp waits) rather than losing them to full socket buffers.
LOAD_CALLS_IN_FLIGHT = int(os.environ.get("C4_E2E_CALLS_IN_FLIGHT", "50"))


def routed_router(stack, args):
    """The example router asking c4confd all; returns its SIP port."""
    switch = RoutedSwitch(stack, args.binary, voxbone_503=False, trace=False, log_level=1)
    return switch.kamailio_port


def fixed_router(stack, args, cdrs=True):
    """kamailio-fixed.cfg sending every call to acme-paris-hq's UAS; returns its SIP port.
    With cdrs (the floor the target is measured against), c4confd all runs as for the routed
    router and the fixed router posts each call's CDR to it, charged to the tenant and trunk
    c4confd names for the load call (asked once, here): only the lookup differs. Without
    (the bare floor, for information), no c4confd and no CDR."""
    ports = {name: free_port(ip) for name, (_, ip) in HOSTS.items()}
    c4confd_url, defines = None, {"NO_CDR": None}
    if cdrs:
        repo = stack.path("repo")
        make_repository(repo, ports)
        c4confd = C4confd(stack, args.binary, repo)
        c4confd.wait_ready(LOAD_SOURCE, LOAD_CALLED)
        c4confd_url, defines = c4confd.url, cdr_charge_defines(
            c4confd.route(LOAD_SOURCE, LOAD_CALLED, LOAD_CALLER))
    start_hosts(stack, ports, voxbone_503=False, trace=False)
    kamailio_port = free_udp_and_tcp_port("127.0.0.1")
    start_kamailio(stack, "kamailio-fixed", kamailio_port, log_level=1,
                   fixed_dst=f"sip:{ip_of(LOAD_DESTINATION)}:{ports[LOAD_DESTINATION]}",
                   c4confd_url=c4confd_url, defines=defines)
    return kamailio_port


def cdr_charge_defines(answer):
    """kamailio-fixed.cfg's FIXED_TENANT_ID, FIXED_CARRIER_TRUNK_ID and FIXED_IPBX_ID from
    c4confd's routing answer: the CDRs of the floor are charged as the routed router's are."""
    auth = answer.get("auth") or {}
    expect(auth.get("success") and auth.get("tenant_id"),
           f"c4confd does not recognise the load call's caller: {answer}")
    defines = {"FIXED_TENANT_ID": f'"{auth["tenant_id"]}"'}
    for key in ("carrier_trunk_id", "ipbx_id"):
        if isinstance(auth.get(key), int):
            defines[f"FIXED_{key.upper()}"] = str(auth[key])
    return defines


def bare_fixed_router(stack, args):
    return fixed_router(stack, args, cdrs=False)


# The target is routed/fixed; routed/fixed-bare is reported for information.
ROUTERS = {"fixed": fixed_router, "fixed-bare": bare_fixed_router, "routed": routed_router}


def caller_run(stack, kamailio_port, name, calls, rate, limit, timeout, extra=None,
               recv_timeout=20):
    return uac_load(stack, name, kamailio_port, ip_of(LOAD_SOURCE), LOAD_CALLED, LOAD_CALLER,
                    calls=calls, rate=rate, limit=limit, timeout=timeout, extra=extra,
                    recv_timeout=recv_timeout)


def load_run(stack, kamailio_port, calls, timeout):
    """As fast as the router takes them: sipp ramps from 500 calls/s up by 500 each second,
    with at most LOAD_CALLS_IN_FLIGHT calls in flight, so an overloaded router slows the run
    down instead of losing calls."""
    return caller_run(stack, kamailio_port, f"load-{kamailio_port}", calls, rate=500,
                      limit=LOAD_CALLS_IN_FLIGHT, timeout=timeout,
                      extra=["-rate_increase", "500", "-rate_interval", "1s",
                             "-rate_max", "10000", "-no_rate_quit"])


def report(variant, result):
    say(f"{variant}: {result['answered']}/{result['calls']} calls answered, "
        f"{result['failed']} failed, {result['seconds']} s, "
        f"{result['calls_per_second']} calls/s, best second {result['peak_calls_per_second']} "
        f"({result['retransmissions']} retransmissions)")
    say_cpu(result)
    say("result " + json.dumps({"variant": variant, **result}, sort_keys=True))


def say_cpu(result):
    busiest = sorted(result["cpu_cores_used"].items(), key=lambda kv: -kv[1])
    say("  CPU during the run (cores): " + ", ".join(f"{n} {v}" for n, v in busiest))
    per_call = result.get("cpu_ms_per_call") or {}
    if per_call:
        costly = sorted(per_call.items(), key=lambda kv: -kv[1])
        say("  CPU per call (ms): " + ", ".join(f"{n} {v}" for n, v in costly if n in CALL_PATH)
            + f"; in all {sum(v for n, v in per_call.items() if n in CALL_PATH):.2f}")


# The processes a load call goes through (the idle hosts' CPU is per second, not per call).
CALL_PATH = ("sipp-caller", "kamailio", "kamailio-fixed", "c4confd", f"uas-{LOAD_DESTINATION}")


def say_ratio(results):
    """The ratios of calls/s routed/fixed (the target: the floor posts CDRs as the routed
    router does) and routed/fixed-bare (for information: no CDR at all), each with, as the
    processes on the call's path spent it (not PostgreSQL nor Redis, outside the stack), the
    ratio of CPU per call floor/routed, which explains the first where CPU is what limits
    (per-second costs, timers and polling, weigh more per call at a lower rate)."""
    if "routed" not in results:
        return
    record = {}
    for floor, suffix in (("fixed", ""), ("fixed-bare", "_bare")):
        if floor not in results or results[floor]["calls_per_second"] <= 0:
            continue
        ratio = results["routed"]["calls_per_second"] / results[floor]["calls_per_second"]
        record[f"ratio_routed_to_fixed{suffix}"] = round(ratio, 3)
        cost = {v: sum(ms for name, ms in (results[v].get("cpu_ms_per_call") or {}).items()
                       if name in CALL_PATH)
                for v in (floor, "routed")}
        if cost[floor] > 0 and cost["routed"] > 0:
            record[f"cpu_per_call_fixed{suffix}_to_routed"] = round(cost[floor] / cost["routed"], 3)
        say(f"ratio routed/{floor}: {ratio:.3f} (CPU per call {floor}/routed: "
            f"{record.get(f'cpu_per_call_fixed{suffix}_to_routed', '?')})")
    if record:
        say("result " + json.dumps(record))


def test_load(args):
    variants = {"both": ["fixed", "routed"],
                "all": ["fixed", "fixed-bare", "routed"]}.get(args.variant, [args.variant])
    results = {}
    for variant in variants:
        stack = Stack(f"load-{variant}", keep_dir=args.keep)
        try:
            kamailio_port = ROUTERS[variant](stack, args)
            results[variant] = load_run(stack, kamailio_port, args.calls, args.timeout)
        finally:
            stack.stop()
        report(variant, results[variant])
    say_ratio(results)
    bad = [v for v, r in results.items() if not all_answered(r)]
    if bad:
        say(f"FAILED: calls failed in the {', '.join(bad)} run(s)")
        return 1
    return 0


# ----------------------------------------------------------------------------- bench

# A call of a bench step that waits this long for a reply fails (a lost datagram costs
# retransmissions of 0.5 + 1 + 2 + 4 s at most before that).
BENCH_RECV_TIMEOUT = 10


def bench_router(variant, args):
    """The highest rate `variant` sustains with zero failed calls (capacity.max_sustained_rate):
    each step offers a constant rate for args.step_seconds, at most one second of calls in
    flight, on one stack started once."""
    stack = Stack(f"bench-{variant}", keep_dir=args.keep)
    try:
        kamailio_port = ROUTERS[variant](stack, args)
        say(f"{variant}: steps of {args.step_seconds} s at a constant rate")

        def step(rate):
            seconds = args.step_seconds
            result = caller_run(stack, kamailio_port, f"step-{rate}", int(rate * seconds),
                                rate=rate, limit=rate, timeout=int(2 * seconds) + 15,
                                recv_timeout=BENCH_RECV_TIMEOUT)
            result["offered_calls_per_second"] = rate
            return result
        return max_sustained_rate(step, first_rate=args.first_rate, max_rate=args.max_rate,
                                  refine=args.refine, say=say)
    finally:
        stack.stop()


def bench_result(search):
    """The record of one router: its best step (calls/s, failed calls, CPU), the lowest step
    not sustained, and every step."""
    best, failed = search["best"], search["lowest_not_sustained"]
    if best:
        result = {key: best[key] for key in ("calls", "answered", "failed", "seconds",
                                             "calls_per_second", "offered_calls_per_second",
                                             "peak_calls_per_second", "retransmissions",
                                             "cpu_cores_used", "cpu_ms_per_call")}
    else:  # not even the first step: its failed calls are the result
        result = {"calls_per_second": 0.0, "offered_calls_per_second": 0,
                  "failed": failed["failed"], "cpu_cores_used": failed["cpu_cores_used"],
                  "cpu_ms_per_call": failed["cpu_ms_per_call"]}
    result["not_sustained"] = None if failed is None else {
        key: failed[key] for key in ("offered_calls_per_second", "calls_per_second", "calls",
                                     "answered", "failed", "retransmissions", "cpu_cores_used")}
    result["rate_limit_reached"] = failed is None  # the router took the most the bench offers
    result["steps"] = search["steps"]
    return result


def test_bench(args):
    results = {}
    for variant in ("fixed", "fixed-bare", "routed"):
        results[variant] = bench_result(bench_router(variant, args))
        r = results[variant]
        say(f"{variant}: sustains {r['calls_per_second']} calls/s "
            f"(offered {r['offered_calls_per_second']}) with {r['failed']} failed calls")
        if r["not_sustained"]:
            n = r["not_sustained"]
            say(f"  not at {n['offered_calls_per_second']} calls/s: {n['calls_per_second']} "
                f"calls/s, {n['failed']} failed, {n['retransmissions']} retransmissions")
        say_cpu(r)
        say("result " + json.dumps({"variant": variant, **r}, sort_keys=True))
    say_ratio(results)
    bad = [v for v, r in results.items() if r["calls_per_second"] <= 0]
    if bad:
        say(f"FAILED: no rate sustained without failed calls by the {', '.join(bad)} router")
        return 1
    return 0


# ----------------------------------------------------------------------------- main

def positive(kind):
    """An argparse type: a number of `kind` above zero, or a clear error."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number")
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text} is not above zero")
        return value
    return parse


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("test", choices=["fixed", "unreachable", "routing", "load", "bench"])
    parser.add_argument("--binary", help="the c4confd binary (routing, load, bench)")
    parser.add_argument("--calls", type=int, default=10000, help="calls of a load run")
    parser.add_argument("--timeout", type=int, default=150,
                        help="seconds a load run may take at most")
    parser.add_argument("--variant", choices=["routed", "fixed", "fixed-bare", "both", "all"],
                        default="routed", help="load: both = fixed and routed; all = the three")
    parser.add_argument("--step-seconds", type=positive(float), default=4.0,
                        help="bench: seconds each rate is offered")
    parser.add_argument("--first-rate", type=positive(int), default=250,
                        help="bench: calls/s of the first step (then doubled)")
    parser.add_argument("--max-rate", type=positive(int), default=16000,
                        help="bench: calls/s never offered beyond")
    parser.add_argument("--refine", type=int, default=4, choices=range(0, 9),
                        metavar="{0..8}", help="bench: halvings of the gap after a failed step")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    stop_on_signals()
    if args.test not in ("fixed", "unreachable") and not args.binary:
        parser.error(f"{args.test} needs --binary")
    if args.binary:
        # the processes run in their work directory: a relative path would not be found there
        args.binary = os.path.abspath(args.binary)
        if not os.access(args.binary, os.X_OK):
            parser.error(f"--binary {args.binary}: not an executable file")
    try:
        if args.test == "fixed":
            return test_fixed(args)
        if args.test == "unreachable":
            return test_unreachable(args)
        if args.test == "routing":
            return test_routing(args)
        if args.test == "bench":
            return test_bench(args)
        return test_load(args)
    except E2EError as e:
        say(f"FAILED: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
