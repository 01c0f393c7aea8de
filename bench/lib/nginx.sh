# The HTTP floor: a private nginx answering every request, POST included, with a static 200 and
# a JSON body of a given size. Source after bench/lib/common.sh.
#
# nginx_start BODY_BYTES WORKERS: starts nginx (Debian package `nginx`, installed when missing)
# in the foreground of a background job, as an unprivileged user (nobody when we are root),
# on a free 127.0.0.1 port, with its configuration, logs, pid and temporary files under
# $BENCH_TMP/nginx; WORKERS is nginx's worker_processes ("auto": one per core). Keep-alive
# connections stay open for a million requests (nginx's default closes them after 1,000;
# c4confd keeps them open too). Sets NGINX_URL (http://127.0.0.1:PORT) and NGINX_PID, checks
# that a POST gets the body back, and stops nginx at exit (or with nginx_stop).

nginx_start() {
  local bytes=$1 workers=$2 dir="$BENCH_TMP/nginx" port body
  bench_install_packages nginx
  # A JSON object of exactly BYTES bytes: {"pad":"xxx…"} (no $ or quote to escape for nginx).
  [ "$bytes" -ge 12 ] || bench_usage_error "the nginx body must be at least 12 bytes, got $bytes"
  body="{\"pad\":\"$(head -c $((bytes - 10)) /dev/zero | tr '\0' x)\"}"
  mkdir -p "$dir"
  port=$(bench_free_port)
  cat >"$dir/nginx.conf" <<CONF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 65s;
  server {
    listen 127.0.0.1:$port;
    default_type application/json;
    location / { return 200 '$body'; }
  }
}
CONF
  local as_user=()
  if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody: "$dir"
    as_user=(runuser -u nobody --)
  fi
  "${as_user[@]}" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' \
    >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  bench_on_exit 'nginx_stop'
  NGINX_URL="http://127.0.0.1:$port"
  if ! bench_wait_http "$NGINX_URL/" 10 2>/dev/null; then
    cat "$dir/error.log" "$dir/stdout.log" >&2 2>/dev/null || true
    bench_die "nginx did not answer on $NGINX_URL (its log is above)"
  fi
  echo '{}' >"$dir/probe.json"
  local got
  got=$("$PY" "$BENCH_ROOT/bench/lib/check_answers.py" --url "$NGINX_URL/1.0/kamailio/routing" \
    --bodies "$dir/probe.json" --sample 1 --expect http200) || bench_die "nginx refused a POST: $got"
  [[ "$got" == *'"median": '"$bytes"','* ]] || bench_die "nginx answered a POST with other than $bytes bytes: $got"
}

nginx_stop() {
  [ -n "${NGINX_PID:-}" ] || return 0
  # TERM to the runuser/nginx master we started; it stops its workers.
  kill -TERM "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
}
