#!/bin/bash
# The `helm test` check of the c4confd chart, run by bash in the c4confd image (which has no
# HTTP client: bash's /dev/tcp speaks plain HTTP/1.1 to the API Service).
#
#   1. GET /status must answer 204 (the replica has loaded its routing snapshot);
#   2. POST /1.0/kamailio/routing with C4_TEST_ROUTING_BODY must answer 200 with an rtjson
#      object, and with "success":true in it when C4_TEST_EXPECT_ROUTE is true.
#
# Environment: C4_TEST_HOST, C4_TEST_PORT (the API Service), C4_TEST_ROUTING_BODY (JSON),
# C4_TEST_EXPECT_ROUTE (true/false), C4_TEST_TIMEOUT (seconds per exchange), C4_TEST_TOKEN
# (optional bearer token). Exit status 0 when both checks pass, 1 otherwise, with the reason.
# A routing answer may hold next-hop credentials: only its status line and a redacted excerpt
# are ever printed.
set -u
export LC_ALL=C   # ${#body} counts bytes, as Content-Length must

fail() { printf 'FAIL: %s\n' "$*"; exit 1; }

# exchange METHOD PATH [BODY]: one request on a new connection; prints the whole response.
exchange() {
  local method=$1 path=$2 body=${3:-} auth=""
  [[ -n ${C4_TEST_TOKEN:-} ]] && auth="Authorization: Bearer ${C4_TEST_TOKEN}"$'\r\n'
  exec 3<>"/dev/tcp/${C4_TEST_HOST}/${C4_TEST_PORT}" ||
    fail "cannot connect to ${C4_TEST_HOST}:${C4_TEST_PORT}"
  printf '%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s' \
    "$method" "$path" "$C4_TEST_HOST" "${#body}" "$auth" "$body" >&3
  timeout "${C4_TEST_TIMEOUT}" cat <&3
  local status=$?
  exec 3<&-
  (( status == 0 )) || fail "$method $path: no complete answer within ${C4_TEST_TIMEOUT}s"
}

# The status line of a response (without its CR).
status_line() { local line; IFS= read -r line <<<"$1"; printf '%s' "${line%$'\r'}"; }

# The body of a response, one line, with every password value redacted.
redacted_body() {
  printf '%s' "${1#*$'\r\n\r\n'}" | tr -d '\r\n' |
    sed -E 's/"(auth_password|password_ha1|password)":"([^"\\]|\\.)*"/"\1":"<redacted>"/g'
}

response=$(exchange GET /status) || { printf '%s\n' "$response"; exit 1; }
line=$(status_line "$response")
[[ $line =~ ^HTTP/1\.[01]\ 204 ]] || fail "GET /status answered '$line', expected 204 (is the routing snapshot loaded?)"
echo "ok: GET /status answered '$line'"

response=$(exchange POST /1.0/kamailio/routing "$C4_TEST_ROUTING_BODY") || { printf '%s\n' "$response"; exit 1; }
line=$(status_line "$response")
body=$(redacted_body "$response")
excerpt=${body:0:400}
[[ $line =~ ^HTTP/1\.[01]\ 200 ]] ||
  fail "POST /1.0/kamailio/routing answered '$line', expected 200: $excerpt"
[[ $body == *'"rtjson":{'* ]] || fail "the routing answer holds no rtjson object: $excerpt"
if [[ ${C4_TEST_EXPECT_ROUTE} == true ]]; then
  # a route: {"rtjson":{…"routes":[…],"routing":"serial","success":true,…}}; none: {"success":false}
  [[ $body != *'"rtjson":{"success":false}'* && $body == *'"routes":['* ]] ||
    fail "no route for $C4_TEST_ROUTING_BODY (tests.routing.expectRoute is true): $excerpt"
fi
echo "ok: POST /1.0/kamailio/routing answered '$line' with an rtjson object"
