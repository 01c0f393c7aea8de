#!/usr/bin/env python3
"""The floor of the cold-apply benchmark: the same rows loaded with `psql \\copy`.

    copy_floor.py --database-url URL --workdir DIR [--runs R] [--tables LIKE]

Takes the database as c4confd left it after a cold apply, and:

1. dumps every table of schema public that holds rows (but schema_migrations, which
   `c4confd migrate` wrote before the apply; with --tables, only the tables whose name is
   LIKE that pattern, e.g. 'cdrs%': the partitions of cdrs hold its rows) to DIR/<table>.copy with `\\copy … TO` (text
   format), counting rows and bytes;
2. R times: TRUNCATE those tables (CASCADE reaches the empty tables that refer to them) and
   CHECKPOINT (untimed), then times one psql process that runs BEGIN,
   `\\copy <table> FROM DIR/<table>.copy` for every table, parents before children (the
   order of the foreign keys), and COMMIT; checks that every table holds its dumped row count
   again.

Prints one JSON object on stdout: {"tables": {table: rows}, "rows": N, "bytes": N,
"order": [...], "runs_s": [...], "median_s": x}. The tables keep their indexes and constraints,
so the floor does the same index maintenance as the apply. Exit status 1, with the failing psql
command and its output on stderr, when a step fails.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def psql(url, *args, stdin=None):
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", url, *args]
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write("copy_floor.py: %s failed:\n%s" % (" ".join(cmd[:7] + ["…"]), p.stderr))
        sys.exit(1)
    return p.stdout


def tables_with_rows(url, like="%"):
    names = psql(url, "-v", "like=" + like, "-f", "-", stdin=
                 "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                 "AND tablename <> 'schema_migrations' AND tablename LIKE :'like' ORDER BY tablename;").split()
    counts = {}
    for name in names:
        n = int(psql(url, "-c", 'SELECT count(*) FROM ONLY "%s"' % name).strip())
        if n:
            counts[name] = n
    return counts


def parents_first(url, tables):
    """The tables ordered so that every table comes after the tables its foreign keys name."""
    edges = psql(url, "-c", "SELECT conrelid::regclass::text || ' ' || confrelid::regclass::text "
                            "FROM pg_constraint WHERE contype = 'f'").split("\n")
    needs = {t: set() for t in tables}
    for line in edges:
        if line.strip():
            child, parent = line.split()
            if child in needs and parent in needs and parent != child:
                needs[child].add(parent)
    order, done = [], set()
    while len(order) < len(tables):
        ready = sorted(t for t in tables if t not in done and needs[t] <= done)
        if not ready:
            sys.exit("copy_floor.py: the foreign keys of %s form a cycle" % sorted(set(tables) - done))
        order += ready
        done.update(ready)
    return order


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tables", default="%", help="only the tables whose name is LIKE this")
    args = ap.parse_args()
    url, work = args.database_url, args.workdir
    os.makedirs(work, exist_ok=True)

    counts = tables_with_rows(url, args.tables)
    if not counts:
        sys.exit("copy_floor.py: no table LIKE %r holds rows" % args.tables)
    order = parents_first(url, list(counts))
    for t in order:
        psql(url, "-c", "\\copy \"%s\" TO '%s/%s.copy'" % (t, work, t))
    size = sum(os.path.getsize(os.path.join(work, t + ".copy")) for t in order)

    load = "BEGIN;\n" + "".join("\\copy \"%s\" FROM '%s/%s.copy'\n" % (t, work, t) for t in order) + "COMMIT;\n"
    truncate = "TRUNCATE " + ", ".join('"%s"' % t for t in order) + " CASCADE;"
    runs = []
    for _ in range(args.runs):
        psql(url, "-c", truncate)
        psql(url, "-c", "CHECKPOINT")  # the apply starts without a backlog of dirty pages too
        start = time.monotonic()
        psql(url, "-f", "-", stdin=load)
        runs.append(round(time.monotonic() - start, 3))
        again = tables_with_rows(url, args.tables)
        if again != counts:
            sys.exit("copy_floor.py: after the load the row counts are %s, expected %s" % (again, counts))
    print(json.dumps({"tables": counts, "rows": sum(counts.values()), "bytes": size, "order": order,
                      "runs_s": runs, "median_s": statistics.median(runs)}))


if __name__ == "__main__":
    main()
