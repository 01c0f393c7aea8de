#!/usr/bin/env bash
# Routing over HTTP: wrk POSTing Kamailio routing requests to `c4confd serve`, against its
# floor, a private nginx answering a static 200 with a body of the same size.
#
#   bench/http_routing.sh                          # 1M-DID repository, 16 and 64 connections, 3 rounds of 5 s
#   bench/http_routing.sh --only nginx             # the floors alone (no c4confd, no database)
#   bench/http_routing.sh --duration 5s --connections 16
#
# Steps: the repository (bench/.data, generated once) and 100,000 request bodies whose callees
# are distinct numbers of its DIDs, each from a carrier trunk of the DID's tenant
# (bench/lib/routing_requests.py); c4confd: a fresh database, `c4confd apply` of the
# repository (untimed), `c4confd serve` on a free port, 200 answers checked to be routed
# (bench/lib/check_answers.py) and their median size taken as nginx's body size; nginx
# (bench/lib/nginx.sh); the servers on CPU 0, wrk on CPU 1 (--cores); then, in each of 3
# rounds, for each connection count, wrk on nginx and on c4confd in turn (medians kept)
# (keep-alive, bench/lib/post_bodies.lua, --latency); and, for information, two trivial
# servers with the same body (bench/lib/http_floors.sh): cpp-httplib, what the HTTP library
# c4confd uses reaches alone (so a miss can be put on the HTTP layer or on routing), and an
# event-driven Asio server (what that design would reach). Targets: c4confd ≥ 0.5 of nginx's
# requests/s, and p99 ≤ 2 ms, at every connection count. See bench/README.md.
set -euo pipefail
BENCH_NAME=http_routing
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$BENCH_ROOT/bench/lib/nginx.sh"
. "$BENCH_ROOT/bench/lib/wrk.sh"
. "$BENCH_ROOT/bench/lib/http_floors.sh"
. "$BENCH_ROOT/bench/lib/serve.sh"
. "$BENCH_ROOT/bench/lib/cores.sh"

usage() {
  cat <<'EOF'
Usage: bench/http_routing.sh [OPTIONS]
  --connections LIST    comma-separated keep-alive connection counts (default 16,64)
  --cores MODE          split (default): every server on CPU 0 with one event loop (nginx one
                        worker, c4confd --io-threads 1, the trivial Asio server one thread), wrk
                        on CPU 1 with one thread, as a separate client machine would be; shared:
                        servers and wrk share all cores (one loop per core, --threads wrk threads)
  --duration D          wrk duration per run, wrk syntax (default 5s)
  --rounds N            rounds of runs (default 3): each server is measured N times at each
                        connection count, in turn with the others, and its median figures kept
  --threads N           wrk threads with --cores shared (default 2)
  --requests N          distinct callees, i.e. request bodies (default 100000)
  --only WHAT           nginx (the floors alone: nginx and trivial cpp-httplib), c4confd, or both
                        (default both)
  --body-bytes N        nginx's body size when c4confd is not measured (default 700)
  --nginx-workers W     nginx worker_processes with --cores shared (default auto: one per core)
  --floors LIST         informational trivial servers, comma-separated: httplib, asio, or none
                        (default httplib,asio)
  --serve-args "ARGS"   extra arguments for `c4confd serve` (default: none)
  --dids N --files F --tenants T --routing-prefixes P --seed S
                        the generated repository (default 1000000, 1000, 50, 100000, 1)
  --regen               regenerate the repository even if a cached copy matches
  --no-record           do not append to bench/results/http_routing.jsonl
  --build-dir DIR       CMake build directory (default <repo>/build)
  --no-build            use the existing DIR/c4confd as is (no cmake --build)
PostgreSQL (for c4confd): the server of C4CONFD_DATABASE_URL, else the worktree's ./c4 services.
EOF
}

CONNECTIONS=16,64 DURATION=5s ROUNDS=3 THREADS=2 REQUESTS=100000 ONLY=both BODY_BYTES=700 NGINX_WORKERS=auto
FLOORS=httplib,asio SERVE_ARGS="" DIDS=1000000 FILES=1000 TENANTS=50 PREFIXES=100000 SEED=1
REGEN=0 RECORD=1 BUILD=1 BUILD_DIR="$BENCH_ROOT/build" CORES=split
ARGS=("$@")
BENCH_OPTIONS=(--connections=CONNECTIONS --cores=CORES --duration=DURATION --rounds=ROUNDS --threads=THREADS --requests=REQUESTS --only=ONLY --body-bytes=BODY_BYTES --nginx-workers=NGINX_WORKERS --serve-args=SERVE_ARGS --floors=FLOORS "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in ROUNDS THREADS REQUESTS BODY_BYTES DIDS FILES TENANTS PREFIXES; do bench_require_number "--${v,,}" "${!v}"; done
[[ "$CONNECTIONS" =~ ^[0-9]+(,[0-9]+)*$ ]] || bench_usage_error "--connections expects a list like 16,64, got \"$CONNECTIONS\""
[[ "$DURATION" =~ ^[0-9]+[smh]?$ ]] || bench_usage_error "--duration expects a wrk duration like 10s, got \"$DURATION\""
[[ "$NGINX_WORKERS" =~ ^([0-9]+|auto)$ ]] || bench_usage_error "--nginx-workers expects a number or auto"
case "$ONLY" in nginx|c4confd|both) ;; *) bench_usage_error "--only expects nginx, c4confd or both, got \"$ONLY\"" ;; esac
case "$CORES" in split|shared) ;; *) bench_usage_error "--cores expects split or shared, got \"$CORES\"" ;; esac
# split: the servers on CPU 0, wrk on CPU 1 (bench/lib/cores.sh); one loop per server
SERVER_THREADS=$(nproc)
if [ "$CORES" = split ]; then
  [ "$(nproc)" -ge 2 ] || bench_usage_error "--cores split needs 2 CPUs, this machine has $(nproc)"
  SERVER_THREADS=1 THREADS=1 NGINX_WORKERS=1 SERVE_ARGS="--io-threads 1 $SERVE_ARGS" WRK_COMMAND=(taskset -c 1 wrk)
fi
IFS=, read -ra CONN_LIST <<<"$CONNECTIONS"
[ "$FLOORS" != none ] || FLOORS=""
IFS=, read -ra FLOOR_LIST <<<"$FLOORS"
for f in "${FLOOR_LIST[@]}"; do
  case "$f" in httplib|asio) ;; *) bench_usage_error "--floors expects httplib, asio or none, got \"$f\"" ;; esac
done
WANT_C4=1 WANT_NGINX=1
[ "$ONLY" != nginx ] || WANT_C4=0
[ "$ONLY" != c4confd ] || WANT_NGINX=0

# --- the repository and the request bodies ---------------------------------------------------
bench_repo "$DIDS" "$FILES" "$TENANTS" "$PREFIXES" "$SEED" "$REGEN"
BODIES="$BENCH_REPO.requests-n$REQUESTS-s$SEED.jsonl"
if [ "$BENCH_REPO_GENERATED" -eq 1 ] || [ ! -s "$BODIES" ] || [ "$BODIES" -ot "$BENCH_ROOT/bench/lib/routing_requests.py" ]; then
  bench_say "writing $REQUESTS routing requests to $BODIES"
  "$PY" "$BENCH_ROOT/bench/lib/routing_requests.py" --repo "$BENCH_REPO" --count "$REQUESTS" --seed "$SEED" \
    --out "$BODIES.tmp" >/dev/null || bench_die "bench/lib/routing_requests.py failed"
  mv "$BODIES.tmp" "$BODIES"
fi

# --- c4confd serve on the applied repository --------------------------------------------------
C4_URL="" CHECK="null"
if [ "$WANT_C4" -eq 1 ]; then
  [ "$BUILD" -eq 0 ] || bench_build "$BUILD_DIR" c4confd
  BIN=$(bench_private_copy "$BUILD_DIR/c4confd")
  bench_database_server
  # The server's defaults: the routing route runs on the I/O threads (one per core), which hold
  # every connection; --workers only sizes the pool of the blocking routes, unused here.
  # shellcheck disable=SC2086  # SERVE_ARGS is a list of words
  c4_serve_start "$BIN" "$BENCH_REPO" c4bench_http $SERVE_ARGS
  CHECK=$("$PY" "$BENCH_ROOT/bench/lib/check_answers.py" --url "$C4_URL/1.0/kamailio/routing" --bodies "$BODIES" \
    --sample 200 --expect routed --wait-ready 300) ||
    { tail -n 20 "$BENCH_TMP/serve.log" >&2; bench_die "c4confd did not route every sampled request: $CHECK"; }
  BODY_BYTES=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["body_bytes"]["median"])' "$CHECK")
  bench_say "c4confd routes the sample; median answer $BODY_BYTES bytes"
fi
[ "$WANT_NGINX" -eq 0 ] || nginx_start "$BODY_BYTES" "$NGINX_WORKERS"
MAX_CONN=$(printf '%s\n' "${CONN_LIST[@]}" | sort -n | tail -n 1)
for f in "${FLOOR_LIST[@]}"; do
  # cpp-httplib holds a thread per keep-alive connection; Asio needs one per core.
  if [ "$f" = httplib ]; then floor_server_start httplib "$BODY_BYTES" $((MAX_CONN + 8));
  else floor_server_start "$f" "$BODY_BYTES" "$SERVER_THREADS"; fi
done
if [ "$CORES" = split ]; then
  for pid in ${C4_SERVE_PID:-} ${NGINX_PID:-} "${FLOOR_PID[@]}"; do pin_process_tree "$pid" 0; done
fi

# --- load ----------------------------------------------------------------------------------
LOAD_BEFORE=$(bench_loadavg)
RUNS="{}"
add_run() {  # add_run KEY JSON: appends JSON to the list RUNS[KEY]
  RUNS=$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d.setdefault(sys.argv[2], []).append(json.loads(sys.argv[3])); print(json.dumps(d))' \
    "$RUNS" "$1" "$2")
}
# RUNS["SERVER-CONNECTIONS"] is the list of that server's runs, one per round.
for round in $(seq "$ROUNDS"); do
  for c in "${CONN_LIST[@]}"; do
    # The servers take turns at each connection count, and the rounds repeat the turns, so a
    # change of load on the machine touches all of them alike.
    if [ "$WANT_NGINX" -eq 1 ]; then
      bench_say "round $round/$ROUNDS: nginx, $c connections, $DURATION"
      add_run "nginx-$c" "$(wrk_run "nginx-$c" "$NGINX_URL/1.0/kamailio/routing" "$c" "$DURATION" "$THREADS" "$BODIES")"
    fi
    for f in "${FLOOR_LIST[@]}"; do
      bench_say "round $round/$ROUNDS: trivial $f server, $c connections, $DURATION"
      add_run "$f-$c" "$(wrk_run "$f-$c" "${FLOOR_URL[$f]}/1.0/kamailio/routing" "$c" "$DURATION" "$THREADS" "$BODIES")"
    done
    if [ "$WANT_C4" -eq 1 ]; then
      bench_say "round $round/$ROUNDS: c4confd, $c connections, $DURATION"
      add_run "c4confd-$c" "$(wrk_run "c4confd-$c" "$C4_URL/1.0/kamailio/routing" "$c" "$DURATION" "$THREADS" "$BODIES")"
    fi
  done
done

"$PY" - "$RUNS" "$CHECK" "$BENCH_REPO" "$LOAD_BEFORE" "bench/http_routing.sh ${ARGS[*]}" "$CONNECTIONS" \
  "$DURATION" "$THREADS" "$REQUESTS" "$BODY_BYTES" "$NGINX_WORKERS" "$SERVE_ARGS" "$CORES" "$ROUNDS" <<'EOF' | bench_record
import json, statistics, sys
rounds, check = json.loads(sys.argv[1]), json.loads(sys.argv[2])

def median_run(runs):
    """One run of the medians: requests/s and each latency percentile, each the median over
    the rounds (separately); errors summed."""
    merged = {"requests_per_s": statistics.median(r["requests_per_s"] for r in runs),
              "latency_us": {k: statistics.median(r["latency_us"][k] for r in runs)
                             for k in runs[0]["latency_us"]},
              "errors": {k: sum(r["errors"][k] for r in runs) for k in runs[0]["errors"]},
              "requests": sum(r["requests"] for r in runs), "rounds": len(runs)}
    return merged

runs = {key: median_run(values) for key, values in rounds.items()}
repo, load, command, conns, duration, threads, requests, body_bytes, workers, serve_args, cores, rounds_wanted = sys.argv[3:15]
marker = json.load(open(repo + "/.bench-gen.json"))
FLOOR_NAMES = {"httplib": "trivial cpp-httplib", "asio": "trivial Asio"}
checks, notes = [], []
for c in conns.split(","):
    n, s = runs.get("nginx-" + c), runs.get("c4confd-" + c)
    floors = [(runs.get(f + "-" + c), FLOOR_NAMES[f]) for f in FLOOR_NAMES if runs.get(f + "-" + c)]
    for run, name in [(n, "nginx"), (s, "c4confd")] + floors:
        if run:
            e = run["errors"]
            bad = e["connect"] + e["read"] + e["write"] + e["timeout"] + e["status"]
            if bad:
                notes.append("%s at %s connections: %d errors %s" % (name, c, bad, json.dumps(e)))
    checks.append({"name": "c4confd requests/s, %s connections" % c,
                   "value": s["requests_per_s"] if s else None, "unit": "req/s",
                   "floor": n["requests_per_s"] if n else None, "floor_name": "nginx",
                   "target": {"on": "ratio", "op": ">=", "limit": 0.5}})
    checks.append({"name": "c4confd p99, %s connections" % c,
                   "value": round(s["latency_us"]["p99"] / 1000, 3) if s else None, "unit": "ms",
                   "floor": round(n["latency_us"]["p99"] / 1000, 3) if n else None, "floor_name": "nginx",
                   "target": {"on": "value", "op": "<=", "limit": 2}})
    for run, name in floors:
        checks.append({"name": "%s requests/s, %s connections (information)" % (name, c),
                       "value": run["requests_per_s"], "unit": "req/s",
                       "floor": n["requests_per_s"] if n else None, "floor_name": "nginx"})
    for run, name in [(n, "nginx")] + floors + [(s, "c4confd")]:
        if run:
            notes.append("%s at %s connections: %.0f req/s, p50 %.3f ms, p99 %.3f ms (medians of %d rounds)" % (
                name, c, run["requests_per_s"], run["latency_us"]["p50"] / 1000, run["latency_us"]["p99"] / 1000,
                run["rounds"]))
if not any(k.startswith("c4confd") for k in runs):
    notes.append("c4confd not measured (--only nginx): the checks have no figure")
print(json.dumps({
    "benchmark": "http_routing",
    "title": "Routing over HTTP (wrk, keep-alive) vs nginx static 200 of the same size",
    "command": command.strip(),
    "loadavg_before": float(load),
    "params": dict(marker["params"], connections=[int(c) for c in conns.split(",")], duration=duration,
                   wrk_threads=int(threads), distinct_callees=int(requests), body_bytes=int(body_bytes),
                   nginx_workers=workers, serve_args=serve_args, cores=cores, rounds=int(rounds_wanted)),
    "figures": {k: v for k, v in runs.items() if k.startswith("c4confd")} | {"answers_checked": check,
               "rounds": {k: v for k, v in rounds.items() if k.startswith("c4confd")}},
    "floor": {k: v for k, v in runs.items() if not k.startswith("c4confd")} | {
        "rounds": {k: v for k, v in rounds.items() if not k.startswith("c4confd")}},
    "checks": checks,
    "notes": notes,
}))
EOF
