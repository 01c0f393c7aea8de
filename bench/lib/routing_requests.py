#!/usr/bin/env python3
"""Writes Kamailio routing requests for a repository made by bench/gen_repo.py.

    routing_requests.py --repo DIR --count N [--seed S] --out FILE

Every line of FILE is one JSON body for POST /1.0/kamailio/routing, as Kamailio's http_client
sends it (see /work/shared/reference/kamailio-contract.md): an inbound call from one of the
carrier trunks of a tenant (source_ip = one of that trunk's allowedSources, port 5060,
auth "1") to a number that one of the same tenant's DIDs claims, so every request must route
to an IPBX. The callees are N distinct numbers drawn at random (seeded) from all the numbers
in the repository's DID files, `numbers:` lists and `ranges:` alike; the To domain names no
Domain, so the DID lookup decides. Callers are drawn among the tenant's trunks.

Prints a JSON summary on stdout: {"requests": N, "numbers_in_repo": M, "tenants": T,
"trunks": K}. Exit status 1 naming the file when the repository lacks what is needed.
"""
import argparse
import glob
import json
import os
import random
import re
import sys

NUMBER = re.compile(r'^\s*-\s*"(\+\d+)"\s*$')
RANGE = re.compile(r'from:\s*"\+(\d+)",\s*to:\s*"\+(\d+)"')
TRUNK_SOURCES = re.compile(r"^kind: CarrierTrunk$.*?^  allowedSources: \[([^\]]*)\]", re.M | re.S)


def did_blocks(repo):
    """Yields (tenant, [listed numbers], [(first, last) ranges as ints]) per DID file."""
    files = sorted(glob.glob(os.path.join(repo, "dids", "*", "*.yaml")))
    if not files:
        sys.exit("routing_requests.py: no DID file under %s/dids/*/ (not a gen_repo.py repository?)" % repo)
    for path in files:
        tenant = os.path.basename(os.path.dirname(path))
        listed, ranges = [], []
        with open(path) as f:
            for line in f:
                m = NUMBER.match(line)
                if m:
                    listed.append(m.group(1))
                    continue
                m = RANGE.search(line)
                if m:
                    ranges.append((int(m.group(1)), int(m.group(2))))
        yield tenant, listed, ranges


def trunk_sources(repo, tenant):
    path = os.path.join(repo, "tenants", tenant, "carriers.yaml")
    try:
        text = open(path).read()
    except OSError as e:
        sys.exit("routing_requests.py: %s: %s" % (path, e.strerror))
    sources = [s.strip() for m in TRUNK_SOURCES.finditer(text) for s in m.group(1).split(",")]
    # A CIDR source stands for any address in it; the first address is one.
    sources = [s.split("/")[0] for s in sources if s]
    if not sources:
        sys.exit("routing_requests.py: %s: no CarrierTrunk with allowedSources" % path)
    return sources


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    # Every number, as (tenant index, E.164 text or int without '+'), so the draw is uniform
    # over numbers whether they are listed or in a range.
    tenants, numbers = [], []
    for tenant, listed, ranges in did_blocks(args.repo):
        if not tenants or tenants[-1] != tenant:
            tenants.append(tenant)
        t = len(tenants) - 1
        numbers.extend((t, n) for n in listed)
        for first, last in ranges:
            numbers.extend((t, n) for n in range(first, last + 1))
    if args.count > len(numbers):
        sys.exit("routing_requests.py: --count %d is more than the %d numbers of %s" % (args.count, len(numbers), args.repo))
    sources = {t: trunk_sources(args.repo, name) for t, name in enumerate(tenants)}

    with open(args.out, "w") as out:
        for i, (t, n) in enumerate(rng.sample(numbers, args.count)):
            callee = n if isinstance(n, str) else "+%d" % n
            source = rng.choice(sources[t])
            caller = "+4930%07d" % rng.randrange(10 ** 7)
            out.write(json.dumps({
                "event": "sip-routing", "source_ip": source, "source_port": 5060, "auth": "1",
                "domain": source, "username": "", "call_id": "bench-%d@%s" % (i, source),
                "from_tag": "ft%d" % i, "to_tag": "",
                "from_name": "", "from_uri": "sip:%s@%s" % (caller, source),
                "to_name": "", "to_uri": "sip:%s@c4.bench.example" % callee,
            }, separators=(",", ":")) + "\n")
    print(json.dumps({"requests": args.count, "numbers_in_repo": len(numbers), "tenants": len(tenants),
                      "trunk_sources": sum(len(s) for s in sources.values())}))


if __name__ == "__main__":
    main()
