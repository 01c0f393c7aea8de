#!/usr/bin/env python3
"""Turns one benchmark's measurements into a printed table and one JSON line of results.

Input (stdin), a JSON object written by a bench/*.sh script:

    {"benchmark": "apply", "title": "Cold apply of the 1M-DID repository",
     "command": "bench/apply.sh --runs 3", "loadavg_before": 0.12,
     "params": {...}, "figures": {...}, "floor": {...}, "notes": ["..."],
     "checks": [{"name": "wall time", "value": 5.6, "unit": "s",
                 "floor": 1.9, "floor_name": "psql \\copy",              # optional
                 "target": {"on": "ratio", "op": "<=", "limit": 3}}]}  # on: ratio | value
     # A check without "target" is shown for information (e.g. a second floor) and is left
     # out of `met`.

For every check it computes `ratio` (value / floor, when there is a floor) and `met` (the
target holds), so no script states a result it did not measure. It adds the date, the Git
commit (and whether the work tree had changes), the machine (cores, CPU model, memory,
kernel) and the load average now, then prints a table and, unless --results is empty,
appends the record as one line to that file. The record's top level also carries `ratio`
(of the first check that has a floor), `target` (every check's target, as text) and `met`
(every check met).

Exit status: 0, or 2 when the input is not such an object (the message names the field).
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

OPS = {"<=": (lambda a, b: a <= b, "≤"), ">=": (lambda a, b: a >= b, "≥")}


def machine():
    cpuinfo = open("/proc/cpuinfo").read()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", open("/proc/meminfo").read(), re.M)
    return {"nproc": os.cpu_count(), "cpu": model.group(1).strip() if model else platform.machine(),
            "mem_gib": round(int(mem.group(1)) / 1048576, 1) if mem else None, "kernel": platform.release()}


def git(root, *args):
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def target_text(check):
    t = check["target"]
    sym = OPS[t["op"]][1]
    if t["on"] == "ratio":
        return "%s %g× %s" % (sym, t["limit"], check.get("floor_name", "floor"))
    return "%s %g %s" % (sym, t["limit"], check.get("unit", ""))


def fail(message):
    print("bench/lib/record.py: " + message, file=sys.stderr)
    sys.exit(2)


def evaluate(checks):
    """Fills ratio, met and target_text of every check; fails on a malformed one."""
    for i, c in enumerate(checks):
        where = "checks[%d]" % i
        for field in ("name", "value"):
            if field not in c:
                fail("%s: missing field \"%s\"" % (where, field))
        value = c["value"]
        floor = c.get("floor")
        c["ratio"] = round(value / floor, 4) if value is not None and floor else None
        t = c.get("target")
        if t is None:
            c["met"], c["target_text"] = None, "—"
            continue
        if t.get("on") not in ("ratio", "value") or t.get("op") not in OPS or not isinstance(t.get("limit"), (int, float)):
            fail("%s.target: expected {\"on\": ratio|value, \"op\": <=|>=, \"limit\": number}, got %s" % (where, json.dumps(t)))
        measured = c["ratio"] if t["on"] == "ratio" else value
        c["met"] = None if measured is None else bool(OPS[t["op"]][0](measured, t["limit"]))
        c["target_text"] = target_text(c)


def fmt(v, unit=""):
    if v is None:
        return "—"
    if isinstance(v, float):
        s = ("%.3g" % v) if abs(v) < 100 else ("{:,.0f}".format(v))
    else:
        s = "{:,}".format(v)
    return s + (" " + unit if unit else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", default="", help="JSON-lines file to append to (empty: do not record)")
    ap.add_argument("--root", required=True, help="repository root (for the Git commit)")
    args = ap.parse_args()
    try:
        record = json.load(sys.stdin)
    except ValueError as e:
        fail("input is not JSON: %s" % e)
    if not isinstance(record, dict):
        fail("input is not a JSON object")
    for field in ("benchmark", "checks"):
        if field not in record:
            fail("missing field \"%s\"" % field)
    evaluate(record["checks"])

    commit = git(args.root, "rev-parse", "--short=12", "HEAD") or "unknown"
    # The results files are appended during a run: a change there does not make the code dirty.
    dirty = bool(git(args.root, "status", "--porcelain", "--untracked-files=no", "--", ".",
                     ":!bench/results", ":!bench/RESULTS.md"))
    load_after = float(open("/proc/loadavg").read().split()[0])
    with_floor = [c for c in record["checks"] if c.get("ratio") is not None and c.get("target") is not None]
    targeted = [c for c in record["checks"] if c.get("target") is not None]
    known = [c["met"] for c in targeted if c["met"] is not None]
    out = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "benchmark": record["benchmark"],
        "title": record.get("title", record["benchmark"]),
        "command": record.get("command"),
        "commit": commit, "dirty": dirty,
        "machine": machine(),
        "loadavg_before": record.get("loadavg_before"), "loadavg_after": load_after,
        "params": record.get("params", {}),
        "figures": record.get("figures", {}),
        "floor": record.get("floor", {}),
        "ratio": with_floor[0]["ratio"] if with_floor else None,
        "target": "; ".join(c["name"] + " " + c["target_text"] for c in targeted),
        # False as soon as one check fails; None while one could not be measured.
        "met": False if False in known else (True if known and len(known) == len(targeted) else None),
        "checks": record["checks"],
        "notes": record.get("notes", []),
    }

    m = out["machine"]
    print()
    print("%s (commit %s%s)" % (out["title"], commit, ", uncommitted changes" if dirty else ""))
    print("machine: %d cores, %s, %s GiB; load average %s before, %.2f after" % (
        m["nproc"], m["cpu"], m["mem_gib"], out["loadavg_before"], load_after))
    print()
    rows = [("check", "figure", "floor", "ratio", "target", "met")]
    for c in record["checks"]:
        floor = fmt(c.get("floor"), c.get("unit", "")) + (" (%s)" % c["floor_name"] if c.get("floor_name") else "")
        rows.append((c["name"], fmt(c["value"], c.get("unit", "")), floor if c.get("floor") is not None else "—",
                     fmt(c["ratio"]), c["target_text"],
                     "—" if c.get("target") is None else {True: "yes", False: "NO", None: "?"}[c["met"]]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    for note in out["notes"]:
        print("note: " + note)
    if args.results:
        os.makedirs(os.path.dirname(args.results), exist_ok=True)
        with open(args.results, "a") as f:
            f.write(json.dumps(out, ensure_ascii=False) + "\n")
        print("\nappended to %s" % os.path.relpath(args.results))


if __name__ == "__main__":
    main()
