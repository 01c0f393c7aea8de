#!/usr/bin/env python3
"""Checks what a server answers to the bodies of a load test, before the load is measured.

    check_answers.py --url URL --bodies FILE [--sample N] [--expect routed|cdr|http200] [--wait-ready S]

POSTs the first N bodies of FILE (one JSON body per line) one by one to URL and checks each
answer: `http200` wants HTTP 200; `routed` also wants a JSON object whose rtjson.success is
true and which has at least one route (a routing answer that found its DID); `cdr` wants
{"success": true, "cdr": {...}} (a stored CDR). Prints one
JSON object on stdout: {"checked": N, "ok": K, "statuses": {"200": …}, "body_bytes":
{"min", "median", "max"}, "first_failure": {...} or null}. Exit status 1 when any answer
fails the check (the first failure is in the output), so a benchmark never measures the
speed of wrong answers. With --wait-ready S, the first body is retried (every 100 ms, up to S
seconds) until its answer passes: a server answers before its first snapshot is loaded.
"""
import argparse
import json
import statistics
import sys
import time
import urllib.error
import urllib.request


def post(url, body):
    req = urllib.request.Request(url, data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def failure(expect, status, answer):
    if status != 200:
        return "HTTP %d" % status
    if expect == "routed":
        try:
            doc = json.loads(answer)
        except ValueError as e:
            return "not JSON: %s" % e
        rtjson = doc.get("rtjson") if isinstance(doc, dict) else None
        if not isinstance(rtjson, dict) or rtjson.get("success") is not True:
            return "rtjson.success is not true"
        if not rtjson.get("routes"):
            return "rtjson.routes is empty"
    if expect == "cdr":
        try:
            doc = json.loads(answer)
        except ValueError as e:
            return "not JSON: %s" % e
        if not isinstance(doc, dict) or doc.get("success") is not True or not isinstance(doc.get("cdr"), dict):
            return "not {\"success\": true, \"cdr\": {...}}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--bodies", required=True)
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--expect", choices=("routed", "cdr", "http200"), default="routed")
    ap.add_argument("--wait-ready", type=float, default=0)
    args = ap.parse_args()
    if args.wait_ready > 0:
        with open(args.bodies) as f:
            first_body = f.readline().strip()
        deadline = time.monotonic() + args.wait_ready
        while True:
            try:
                status, answer = post(args.url, first_body)
            except OSError:
                status, answer = 0, b""
            if failure(args.expect, status, answer) is None or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    statuses, sizes, ok, first = {}, [], 0, None
    with open(args.bodies) as f:
        for i, line in enumerate(f):
            if i >= args.sample:
                break
            status, answer = post(args.url, line.strip())
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            sizes.append(len(answer))
            why = failure(args.expect, status, answer)
            if why is None:
                ok += 1
            elif first is None:
                first = {"line": i + 1, "why": why, "request": line.strip(), "answer": answer[:2000].decode(errors="replace")}
    if not sizes:
        sys.exit("check_answers.py: %s holds no body" % args.bodies)
    print(json.dumps({"checked": len(sizes), "ok": ok, "statuses": statuses,
                      "body_bytes": {"min": min(sizes), "median": int(statistics.median(sizes)), "max": max(sizes)},
                      "first_failure": first}))
    sys.exit(0 if ok == len(sizes) else 1)


if __name__ == "__main__":
    main()
