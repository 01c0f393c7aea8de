#!/usr/bin/env python3
"""Reads files written by `/usr/bin/time -v -o FILE` and prints, as one JSON list on stdout,
{"wall_s", "user_s", "sys_s", "cpu_s", "max_rss_mib"} for each file, in argument order.

    timev.py RUN1.time RUN2.time ...

Exit status 1 naming the file and the field when one is missing (the command did not run).
"""
import json
import re
import sys


def parse(path):
    text = open(path).read()

    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r": (.*)$", text, re.M)
        if not m:
            sys.exit("timev.py: %s: no \"%s\" line (did the command run?)" % (path, name))
        return m.group(1).strip()

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    user, sys_ = float(field("User time (seconds)")), float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)"))
    return {"wall_s": round(wall, 3), "user_s": user, "sys_s": sys_, "cpu_s": round(user + sys_, 3),
            "max_rss_mib": round(rss / 1024, 1)}


if __name__ == "__main__":
    print(json.dumps([parse(p) for p in sys.argv[1:]]))
