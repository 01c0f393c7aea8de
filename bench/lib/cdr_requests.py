#!/usr/bin/env python3
"""Writes CDR bodies, as Kamailio posts them at dialog end, for the tenants of a database.

    cdr_requests.py --database-url URL --count N [--seed S] --out FILE

Reads the tenants (uuid), carrier trunks and IPBXs that an apply wrote (psql), and writes N
lines to FILE, each one JSON body for POST /1.0/kamailio/cdr (kamailio-contract.md, section
3): half inbound (carrier_trunk_id of one of the tenant's trunks), half outbound (ipbx_id of
one of its IPBXs), a unique call_id, call_start within the last hour (epoch seconds, so the
current month's partition takes it), a duration of 0 to 3,600 s. Prints {"cdrs": N,
"tenants": T}. Exit status 1 when the database has no tenant with a trunk or an IPBX.
"""
import argparse
import json
import random
import subprocess
import sys
import time


def rows(url, sql):
    p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", url, "-c", sql], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("cdr_requests.py: psql failed: %s" % p.stderr.strip())
    return [line.split("\t") for line in p.stdout.splitlines() if line]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    tenants = {tid: {"uuid": uuid, "trunks": [], "ipbxs": []}
               for tid, uuid in rows(args.database_url, "SELECT id, uuid FROM tenants ORDER BY id")}
    for tid, trunk in rows(args.database_url, "SELECT tenant_id, id FROM carrier_trunks ORDER BY id"):
        tenants[tid]["trunks"].append(int(trunk))
    for tid, ipbx in rows(args.database_url, "SELECT tenant_id, id FROM ipbxs ORDER BY id"):
        tenants[tid]["ipbxs"].append(int(ipbx))
    usable = [t for t in tenants.values() if t["trunks"] and t["ipbxs"]]
    if not usable:
        sys.exit("cdr_requests.py: no tenant with both a carrier trunk and an IPBX: apply a repository first")

    now = int(time.time())
    with open(args.out, "w") as out:
        for i in range(args.count):
            t = rng.choice(usable)
            inbound = i % 2 == 0
            caller, callee = "+4930%07d" % rng.randrange(10 ** 7), "+3314%07d" % rng.randrange(10 ** 7)
            out.write(json.dumps({
                "event": "cdr", "tenant_uuid": t["uuid"],
                "carrier_trunk_id": rng.choice(t["trunks"]) if inbound else None,
                "ipbx_id": None if inbound else rng.choice(t["ipbxs"]),
                "source_ip": "198.18.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)), "source_port": 5060,
                "call_id": "bench-cdr-%d-%d@c4.bench.example" % (args.seed, i),
                "from_uri": "sip:%s@c4.bench.example" % caller, "to_uri": "sip:%s@c4.bench.example" % callee,
                "call_start": now - rng.randrange(3600), "duration": rng.randrange(3601),
            }, separators=(",", ":")) + "\n")
    print(json.dumps({"cdrs": args.count, "tenants": len(usable)}))


if __name__ == "__main__":
    main()
