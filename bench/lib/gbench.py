#!/usr/bin/env python3
"""Runs a Google Benchmark binary and prints the medians of its benchmarks as one JSON object.

    gbench.py --binary BIN [--filter REGEX] [--repetitions N] [--min-time S] [-- ARGS]

Runs BIN ARGS --benchmark_out=<temporary file> --benchmark_out_format=json
--benchmark_repetitions=N (and --benchmark_filter, --benchmark_min_time), and prints
{"context": {...}, "printed": [...], "benchmarks": {name: {"real_time_ns", "cpu_time_ns",
"iterations", "repetitions", "counters": {...}}}}, where each figure is the median over the
repetitions (Google Benchmark's own "median" aggregate when it wrote one, else the median of
the runs), times converted to nanoseconds whatever time_unit the benchmark used. Counters are
the benchmark's user counters. `printed` holds the lines of the binary's own output that are
JSON objects (a binary may print figures of its own before the benchmarks run, e.g. the
snapshot build of bench/routing_bench.cc). ARGS come first: a binary may take a positional
argument (a repository) before the --benchmark_* flags.

Exit status 1, with the binary's stderr, when it fails or matches no benchmark.
"""
import argparse
import json
import statistics
import os
import subprocess
import sys
import tempfile

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
STANDARD = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
            "real_time", "cpu_time", "time_unit", "family_index", "per_family_instance_index",
            "aggregate_name", "aggregate_unit", "error_occurred", "error_message"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--filter", default="")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--min-time", default="")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out_file = os.path.join(tmp, "benchmarks.json")
        cmd = [args.binary, *args.extra, "--benchmark_out=" + out_file, "--benchmark_out_format=json",
               "--benchmark_repetitions=%d" % args.repetitions]
        if args.filter:
            cmd.append("--benchmark_filter=" + args.filter)
        if args.min_time:
            cmd.append("--benchmark_min_time=" + args.min_time)
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stdout[-2000:] + p.stderr[-2000:])
            sys.exit("gbench.py: %s exited with %d" % (" ".join(cmd), p.returncode))
        if not os.path.exists(out_file) or not os.path.getsize(out_file):
            sys.exit("gbench.py: %s wrote no results (no benchmark matches %r?): %s" % (
                args.binary, args.filter, (p.stderr or p.stdout).strip()[-500:]))
        try:
            with open(out_file) as f:
                doc = json.load(f)
        except ValueError as e:
            sys.exit("gbench.py: %s wrote results that are not JSON: %s" % (args.binary, e))
    printed = []
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            try:
                printed.append(json.loads(line))
            except ValueError:
                pass

    runs, medians = {}, {}
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            sys.exit("gbench.py: %s failed: %s" % (b["name"], b.get("error_message")))
        scale = UNIT_NS[b.get("time_unit", "ns")]
        entry = {"real_time_ns": b["real_time"] * scale, "cpu_time_ns": b["cpu_time"] * scale,
                 "iterations": b.get("iterations"),
                 "counters": {k: v for k, v in b.items() if k not in STANDARD and isinstance(v, (int, float))}}
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = entry
        else:
            runs.setdefault(name, []).append(entry)
    if not runs:
        sys.exit("gbench.py: %s ran no benchmark (filter %r)" % (args.binary, args.filter))
    out = {}
    for name, rs in runs.items():
        if name in medians:
            out[name] = dict(medians[name], iterations=rs[0]["iterations"])  # an aggregate's own count is the repetitions
        else:
            counters = sorted({k for r in rs for k in r["counters"]})
            out[name] = {"real_time_ns": statistics.median(r["real_time_ns"] for r in rs),
                         "cpu_time_ns": statistics.median(r["cpu_time_ns"] for r in rs),
                         "iterations": rs[0]["iterations"],
                         "counters": {k: statistics.median(r["counters"][k] for r in rs if k in r["counters"])
                                      for k in counters}}
        out[name]["repetitions"] = len(rs)
    print(json.dumps({"context": doc.get("context", {}), "printed": printed, "benchmarks": out}))


if __name__ == "__main__":
    main()
