"""Load runs of a router: calls from one sipp caller, and the highest rate sustained.

Both routers of the benchmark (the example router asking c4confd, and its fixed-destination
floor) are measured by the same functions, with the same caller, the same called number and
the same kind of destination, so that they differ only by the router's own work.

    uac_load(...)            one sipp caller run: answered/failed calls, calls/s, CPU shares
    max_sustained_rate(...)  the highest constant rate at which every call is answered and
                             hung up, found by steps (see its doc)

A call counts only when it was answered and hung up: zero failed calls is part of every
result. Python 3 standard library only.
"""

import resource
import time

from stack import read_sipp_periods, run_uac, stat_int


def uac_load(stack, name, kamailio_port, caller_ip, called, caller, calls, rate, limit,
             timeout, extra=None, recv_timeout=20):
    """Runs one sipp caller (uac.xml) through the router on kamailio_port and measures it.

    Returns a dict: calls, answered, failed, sipp_exit, seconds (wall time of the caller),
    calls_per_second (answered / seconds), peak_calls_per_second (best whole second),
    retransmissions (sent by the caller), cpu_cores_used (share of one core, by process) and
    cpu_ms_per_call (CPU milliseconds per answered call, by process: what a call costs,
    plus the per-second costs of timers and polling spread over the calls)."""
    cpu_before = stack.cpu_seconds()
    # the caller is waited for inside run_uac: its CPU time shows in our children's usage
    caller_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    rc, stats = run_uac(stack, name, kamailio_port, caller_ip, called, caller, calls=calls,
                        rate=rate, limit=limit, timeout=timeout, extra=extra,
                        recv_timeout=recv_timeout)
    elapsed = time.monotonic() - started
    cpu_after = stack.cpu_seconds()
    caller_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU share of each process during the run (1.0 = one core busy the whole run)
    cpu = {n: round((cpu_after[n] - cpu_before[n]) / elapsed, 2)
           for n in cpu_after if n in cpu_before}
    used = (caller_after.ru_utime + caller_after.ru_stime
            - caller_before.ru_utime - caller_before.ru_stime)
    cpu["sipp-caller"] = round(used / elapsed, 2)
    cpu = {n: share for n, share in cpu.items() if share > 0.0}
    answered = stat_int(stats, "SuccessfulCall(C)")
    per_call = {n: round(share * elapsed * 1000 / answered, 3) for n, share in cpu.items()} \
        if answered else {}
    # the periodic lines (one a second); the last line is the final, partial period
    periods = read_sipp_periods(stack.path(f"{name}.csv"))[:-1]
    peak = max((stat_int(p, "SuccessfulCall(P)") for p in periods), default=0)
    return {"calls": calls, "answered": answered, "failed": stat_int(stats, "FailedCall(C)"),
            "sipp_exit": rc, "seconds": round(elapsed, 2),
            "calls_per_second": round(answered / elapsed, 1) if elapsed > 0 else 0.0,
            "peak_calls_per_second": peak,
            "retransmissions": stat_int(stats, "Retransmissions(C)"),
            "cpu_cores_used": cpu, "cpu_ms_per_call": per_call}


def all_answered(result):
    """Every call placed was answered and hung up, and sipp says so."""
    return result["failed"] == 0 and result["answered"] == result["calls"] \
        and result["sipp_exit"] == 0


# A step sustains its rate when every call is answered and hung up, and the calls took at
# most 1/0.95 of the time the offered rate gives them: a router that falls behind makes the
# caller wait (calls in flight are capped), so the step lasts longer.
SUSTAINED_SHARE = 0.95


def sustained(step):
    return all_answered(step) and \
        step["calls_per_second"] >= SUSTAINED_SHARE * step["offered_calls_per_second"]


def max_sustained_rate(run_step, first_rate=250, max_rate=16000, refine=4, settle=2.0,
                       say=print):
    """The highest offered rate (calls/s) that run_step sustains (see `sustained`).

    run_step(rate) offers `rate` calls/s for a fixed time and returns a uac_load result with
    offered_calls_per_second added. Steps: first_rate, doubled after each sustained step up
    to max_rate; after the first step not sustained, `refine` halvings of the gap between the
    best rate sustained and the lowest not sustained. settle seconds pass between steps, so
    a step does not meet the retransmissions of the one before. Returns a dict:
      best                  the result of the highest step sustained (None: not one was)
      lowest_not_sustained  the result of the lowest step not sustained (None: max_rate was)
      steps                 a short line per step, in the order run."""
    steps, best, lowest_not = [], None, None

    def run(rate):
        if steps:
            time.sleep(settle)
        result = run_step(rate)
        ok = sustained(result)
        steps.append({"offered": rate, "calls_per_second": result["calls_per_second"],
                      "answered": result["answered"], "failed": result["failed"],
                      "retransmissions": result["retransmissions"], "sustained": ok})
        say(f"  {rate} calls/s offered: {result['calls_per_second']} calls/s, "
            f"{result['answered']}/{result['calls']} answered, {result['failed']} failed, "
            f"{result['retransmissions']} retransmissions -> "
            f"{'sustained' if ok else 'NOT sustained'}")
        return result, ok

    rate = first_rate
    while rate <= max_rate:
        result, ok = run(rate)
        if not ok:
            lowest_not = result
            break
        best = result
        rate *= 2
    for _ in range(refine):
        if lowest_not is None:
            break
        low = best["offered_calls_per_second"] if best else 0
        high = lowest_not["offered_calls_per_second"]
        rate = (low + high) // 2
        if rate - low < max(10, low // 50):  # finer than 2 %: noise decides, not the router
            break
        result, ok = run(rate)
        if ok:
            best = result
        else:
            lowest_not = result
    return {"best": best, "lowest_not_sustained": lowest_not, "steps": steps}
