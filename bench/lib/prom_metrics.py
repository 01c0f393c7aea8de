#!/usr/bin/env python3
"""Reads a Prometheus text endpoint and prints the samples whose names start with a prefix.

    prom_metrics.py URL PREFIX

Prints one JSON object {"sample{labels}": value, ...} (labels kept as written). Exit status 1
naming the URL when it does not answer 200.
"""
import json
import sys
import urllib.request


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: prom_metrics.py URL PREFIX")
    url, prefix = sys.argv[1:]
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            text = r.read().decode()
    except OSError as e:
        sys.exit("prom_metrics.py: %s: %s" % (url, e))
    out = {}
    for line in text.splitlines():
        if line.startswith(prefix):
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                pass
    print(json.dumps(out))


if __name__ == "__main__":
    main()
