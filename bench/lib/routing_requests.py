#!/usr/bin/env python3
"""Writes Kamailio routing requests for a repository made by bench/gen_repo.py.

    routing_requests.py --repo DIR --count N [--seed S] --out FILE

Every line of FILE is one JSON body for POST /1.0/kamailio/routing, as Kamailio's http_client
sends it (see /work/shared/reference/kamailio-contract.md): an inbound call from one of the
carrier trunks of a tenant (source_ip = one of that trunk's allowedSources, port 5060,
auth "1") to a number that one of the same tenant's DIDs claims — from the trunk the DID
names, when it names one (`carrierTrunk`: only calls from that trunk match) — so every request
must route to an IPBX. The callees are N distinct numbers drawn at random (seeded) from all the numbers
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
NAME = re.compile(r"^  name: (\S+)$", re.M)
DID_TRUNK = re.compile(r"^  carrierTrunk: (\S+)$", re.M)
SOURCES = re.compile(r"^  allowedSources: \[([^\]]*)\]$", re.M)


def did_documents(repo):
    """Yields (tenant, trunk name or None, [listed numbers], [(first, last) ranges as ints]) per
    DID document."""
    files = sorted(glob.glob(os.path.join(repo, "dids", "*", "*.yaml")))
    if not files:
        sys.exit("routing_requests.py: no DID file under %s/dids/*/ (not a gen_repo.py repository?)" % repo)
    for path in files:
        tenant = os.path.basename(os.path.dirname(path))
        with open(path) as f:
            documents = f.read().split("\n---\n")
        for doc in documents:
            trunk = DID_TRUNK.search(doc)
            listed, ranges = [], []
            for line in doc.splitlines():
                m = NUMBER.match(line)
                if m:
                    listed.append(m.group(1))
                    continue
                m = RANGE.search(line)
                if m:
                    ranges.append((int(m.group(1)), int(m.group(2))))
            if listed or ranges:
                yield tenant, trunk.group(1) if trunk else None, listed, ranges


def trunk_sources(repo, tenant):
    """{trunk name: [source addresses]} of the tenant's carrier trunks."""
    path = os.path.join(repo, "tenants", tenant, "carriers.yaml")
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        sys.exit("routing_requests.py: %s: %s" % (path, e.strerror))
    trunks = {}
    for doc in text.split("\n---\n"):
        name, sources = NAME.search(doc), SOURCES.search(doc)
        if "\nkind: CarrierTrunk\n" in "\n" + doc and name and sources:
            # A CIDR source stands for any address in it; the first address is one.
            trunks[name.group(1)] = [s.strip().split("/")[0] for s in sources.group(1).split(",") if s.strip()]
    if not trunks:
        sys.exit("routing_requests.py: %s: no CarrierTrunk with allowedSources" % path)
    return trunks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    # Every number, as (caller key, E.164 text or int without '+'), so the draw is uniform over
    # numbers whether they are listed or in a range. The caller key is (tenant, trunk or None).
    callers, numbers = [], []
    for tenant, trunk, listed, ranges in did_documents(args.repo):
        if not callers or callers[-1] != (tenant, trunk):
            callers.append((tenant, trunk))
        k = len(callers) - 1
        numbers.extend((k, n) for n in listed)
        for first, last in ranges:
            numbers.extend((k, n) for n in range(first, last + 1))
    if args.count > len(numbers):
        sys.exit("routing_requests.py: --count %d is more than the %d numbers of %s" % (args.count, len(numbers), args.repo))
    trunks = {tenant: trunk_sources(args.repo, tenant) for tenant in sorted({t for t, _ in callers})}
    for tenant, trunk in callers:
        if trunk is not None and trunk not in trunks[tenant]:
            sys.exit("routing_requests.py: a DID of %s names carrierTrunk %s, which %s/tenants/%s/carriers.yaml "
                     "does not define with allowedSources" % (tenant, trunk, args.repo, tenant))
    # The addresses a call to a DID of each caller key may come from.
    sources = {k: trunks[t][trunk] if trunk else [a for s in trunks[t].values() for a in s]
               for k, (t, trunk) in enumerate(callers)}

    with open(args.out, "w") as out:
        for i, (k, n) in enumerate(rng.sample(numbers, args.count)):
            callee = n if isinstance(n, str) else "+%d" % n
            source = rng.choice(sources[k])
            caller = "+4930%07d" % rng.randrange(10 ** 7)
            out.write(json.dumps({
                "event": "sip-routing", "source_ip": source, "source_port": 5060, "auth": "1",
                "domain": source, "username": "", "call_id": "bench-%d@%s" % (i, source),
                "from_tag": "ft%d" % i, "to_tag": "",
                "from_name": "", "from_uri": "sip:%s@%s" % (caller, source),
                "to_name": "", "to_uri": "sip:%s@c4.bench.example" % callee,
            }, separators=(",", ":")) + "\n")
    print(json.dumps({"requests": args.count, "numbers_in_repo": len(numbers), "tenants": len(trunks),
                      "trunks": sum(len(t) for t in trunks.values())}))


if __name__ == "__main__":
    main()
