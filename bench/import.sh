#!/usr/bin/env bash
# `c4confd import` of an old wazo-router-confd database holding 1,000,000 DIDs (default), built
# the old way: the old tables (tests/legacy/wazo_router_confd_schema.sql) filled with
# generate_series — 20 tenants, 5 IPBXs each, numbers without '+' in did_regex ('^33…$'), 90 %
# in blocks of 100 (which the import writes as ranges) and 10 % scattered (single numbers).
#
#   bench/import.sh                    # 1,000,000 DIDs, 3 runs
#   bench/import.sh --dids 100000      # quick
#
# Each run: `c4confd import --from-database … --out NEW_DIR` under /usr/bin/time -v (process
# start, the COPY of every table, mapping, the in-process validation of the whole repository,
# writing the tree and renaming it into place). Target: under 30 s (wall, median). The floor
# is psql's \copy of the same tables to /dev/null: reading the rows alone.
set -euo pipefail
BENCH_NAME=import
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'EOF2'
Usage: bench/import.sh [OPTIONS]
  --dids N          DIDs in the old database (default 1000000)
  --runs R          timed runs (default 3)
  --no-record       do not append to bench/results/import.jsonl
  --build-dir DIR   CMake build directory (default <repo>/build)
  --no-build        use the existing DIR/c4confd as is
PostgreSQL: the server of C4CONFD_DATABASE_URL, else the worktree's ./c4 services (started and
stopped here when they do not run). The benchmark creates and drops its own database.
EOF2
}

DIDS=1000000 RUNS=3 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build"
ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --dids) DIDS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --no-record) RECORD=0; shift ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_usage_error "unknown option $1" ;;
  esac
done
for v in DIDS RUNS; do bench_require_number "--${v,,}" "${!v}"; done
[ "$RUNS" -ge 1 ] || bench_usage_error "--runs must be at least 1"
[ "$DIDS" -ge 100 ] || bench_usage_error "--dids must be at least 100"

[ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd
BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
bench_database_server
command -v psql >/dev/null || bench_install_packages postgresql-client-15
bench_fresh_database c4bench_import_old

bench_say "filling the old database: $DIDS DIDs"
psql -X -q -v ON_ERROR_STOP=1 "$BENCH_DB_URL" -f "$BENCH_ROOT/tests/legacy/wazo_router_confd_schema.sql" >&2
psql -X -q -v ON_ERROR_STOP=1 -v dids="$DIDS" "$BENCH_DB_URL" >&2 <<'SQL'
INSERT INTO tenants SELECT md5('tenant' || t)::uuid, 'Tenant ' || t FROM generate_series(1, 20) t;
INSERT INTO domains (id, tenant_uuid, domain)
  SELECT t, md5('tenant' || t)::uuid, 'pbx.tenant' || t || '.example.com' FROM generate_series(1, 20) t;
INSERT INTO carriers (id, tenant_uuid, name) SELECT t, md5('tenant' || t)::uuid, 'Carrier ' || t FROM generate_series(1, 20) t;
INSERT INTO normalization_profiles (id, tenant_uuid, name, country_code, intl_prefix, ld_prefix)
  SELECT t, md5('tenant' || t)::uuid, 'fr', '33', '00', '0' FROM generate_series(1, 20) t;
INSERT INTO normalization_rules (profile_id, rule_type, priority, match_regex, replace_regex)
  SELECT t, k, 10, CASE k WHEN 1 THEN '^0([1-9][0-9]{8})$' ELSE '^33([1-9][0-9]{8})$' END,
         CASE k WHEN 1 THEN '33\1' ELSE '0\1' END
  FROM generate_series(1, 20) t, generate_series(1, 2) k;
INSERT INTO carrier_trunks (id, tenant_uuid, carrier_id, normalization_profile_id, name, sip_proxy, ip_address)
  SELECT t, md5('tenant' || t)::uuid, t, t, 'trunk-' || t, 'sbc' || t || '.carrier.example', '10.0.' || t || '.1'
  FROM generate_series(1, 20) t;
INSERT INTO ipbx (id, tenant_uuid, domain_id, normalization_profile_id, ip_fqdn, ip_address, username, password_ha1)
  SELECT x, md5('tenant' || ((x - 1) / 5 + 1))::uuid, (x - 1) / 5 + 1, (x - 1) / 5 + 1, '10.1.0.' || x, '10.1.0.' || x,
         'pbx' || x, md5('pbx' || x || ':pbx.tenant' || ((x - 1) / 5 + 1) || '.example.com:secret')
  FROM generate_series(1, 100) x;
INSERT INTO routing_rules (id, prefix, carrier_trunk_id, ipbx_id)
  SELECT x, '33', (x - 1) / 5 + 1, x FROM generate_series(1, 100) x;
INSERT INTO routing_groups (tenant_uuid, routing_rule_id)
  SELECT md5('tenant' || ((x - 1) / 5 + 1))::uuid, x FROM generate_series(1, 100) x;
-- DID g goes to IPBX g * 100 / dids + 1 (contiguous slices); 9 in 10 numbers in blocks of 100
-- separated by gaps, 1 in 10 scattered.
INSERT INTO dids (tenant_uuid, ipbx_id, carrier_trunk_id, did_regex, did_prefix)
  SELECT md5('tenant' || ((x - 1) / 5 + 1))::uuid, x, (x - 1) / 5 + 1, '^' || n || '$', left(n::text, 6)
  FROM (SELECT g::bigint * 100 / :dids + 1 AS x,
               CASE WHEN g % 10 = 0 THEN 34600000000 + g::bigint * 13 ELSE 33100000000 + g + (g / 100) * 7 END AS n
        FROM generate_series(0, :dids - 1) g) s;
ANALYZE;
SQL

LOAD_BEFORE=$(bench_loadavg)
labels=()
for i in $(seq 1 "$RUNS"); do
  out="$BENCH_TMP/repo$i"
  bench_say "import run $i/$RUNS"
  if ! bench_timed "import$i" "$BIN" import --from-database "$BENCH_DB_URL" --out "$out"; then
    tail -n 20 "$BENCH_TMP/import$i.out" >&2
    bench_die "c4confd import run $i failed (output above)"
  fi
  labels+=("$BENCH_TMP/import$i.time")
  SUMMARY=$(grep "^c4confd import: " "$BENCH_TMP/import$i.out" | tail -n 1)
  FILES=$(find "$out" -type f | wc -l)
  BYTES=$(du -sb "$out" | cut -f1)
  rm -rf "$out"
done

bench_say "floor: psql \\copy of the old tables to /dev/null ($RUNS runs)"
floor_runs=()
for i in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  for t in tenants domains carriers carrier_trunks ipbx dids normalization_profiles normalization_rules \
           routing_rules routing_groups; do
    echo "\\copy $t TO '/dev/null'"
  done | psql -X -q -v ON_ERROR_STOP=1 "$BENCH_DB_URL" >&2
  floor_runs+=("$(echo "$(date +%s.%N) - $start" | bc -l)")
done
IMPORT=$("$PY" "$BENCH_ROOT/bench/lib/timev.py" "${labels[@]}")

"$PY" - "$IMPORT" "$DIDS" "$LOAD_BEFORE" "$SUMMARY" "$FILES" "$BYTES" "bench/import.sh ${ARGS[*]}" "${floor_runs[@]}" <<'EOF2' | bench_record
import json, statistics, sys
runs = json.loads(sys.argv[1])
dids, load, summary, files, size, command = int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
floor_runs = [round(float(x), 3) for x in sys.argv[8:]]
median = {k: statistics.median(r[k] for r in runs) for k in ("wall_s", "cpu_s", "max_rss_mib")}
floor = statistics.median(floor_runs)
print(json.dumps({
    "benchmark": "import",
    "title": "c4confd import of an old wazo-router-confd database with %s DIDs" % format(dids, ","),
    "command": command.strip(),
    "loadavg_before": float(load),
    "params": {"dids": dids, "tenants": 20, "ipbxs": 100},
    "figures": {"import_runs": runs, "import_median": median, "summary": summary, "files": files, "bytes": size},
    "floor": {"name": "psql \\copy of the old tables to /dev/null", "runs_s": floor_runs, "median_s": floor},
    "checks": [{"name": "import, wall (median of %d)" % len(runs), "value": median["wall_s"], "unit": "s",
                "floor": floor, "floor_name": "psql \\copy",
                "target": {"on": "value", "op": "<=", "limit": 30}}],
    "notes": ["%d files, %.1f MB written; peak RSS %.0f MiB, CPU %.2f s (median)" % (
        files, size / 1e6, median["max_rss_mib"], median["cpu_s"])],
}))
EOF2
