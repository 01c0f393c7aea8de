#!/usr/bin/python3
"""The chart's Grafana dashboard and PrometheusRule against a real /metrics.

Usage: chart_metrics_test.py (--helm HELM | --install-script SCRIPT) --chart DIR CHECK [--binary C4CONFD]
  CHECK  one of the functions named check_* below (without the prefix):
    dashboard_and_rules_render   both render when enabled (the sidecar label, valid JSON, the five
                                 alerts), and neither by default
    queries_use_real_metrics     every metric name, label matcher and grouping label of every PromQL
                                 expression of the dashboard and the rules exists in the /metrics of a
                                 real `c4confd all` (examples/, the PostgreSQL and Redis of ./c4 test,
                                 a CDR spool) after routing requests of every outcome and a CDR; the
                                 routing counters have the exact values those requests make
    promtool_check_rules         `promtool check rules` accepts the rendered rules (Debian's prometheus)

Run by ctest (tests/helm/CMakeLists.txt). The chart helpers come from chart_test.py.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chart_test import KAMAILIO_TOKEN, Chart, Failures, RunningC4confd, of_kind  # noqa: E402

ENABLED = ["metrics.grafanaDashboard.enabled=true", "metrics.prometheusRule.enabled=true"]
ALERTS = {"C4confdReconcileFailing", "C4confdSnapshotStale", "C4confdNoRouteRatioJump", "C4confdCdrSpoolGrowing",
          "C4confdRedisProjectionBehind"}
# Labels Prometheus adds to every series it scrapes (target and ServiceMonitor labels): not in /metrics.
TARGET_LABELS = {"instance", "job", "namespace", "pod", "container", "service", "endpoint"}
PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "offset", "bool", "group_left",
                "group_right", "inf", "nan"}


def rendered(chart):
    objects = chart.render("default", ENABLED)
    rules = of_kind(objects, "PrometheusRule")
    maps = [o for o in of_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-grafana-dashboard")]
    return rules, maps


def dashboard_of(config_map):
    return json.loads(config_map["data"]["c4confd.json"])


def expressions(chart):
    """(where, PromQL) of every dashboard target and every alert."""
    rules, maps = rendered(chart)
    out = []
    for m in maps:
        stack = list(dashboard_of(m)["panels"])
        while stack:
            panel = stack.pop()
            stack.extend(panel.get("panels", []))
            for t in panel.get("targets", []):
                out.append((f"dashboard panel {panel['title']!r}", t["expr"]))
    for r in rules:
        for group in r["spec"]["groups"]:
            for rule in group["rules"]:
                out.append((f"alert {rule['alert']}", rule["expr"]))
    return out


SELECTOR = re.compile(r"\b(c4confd_[a-zA-Z0-9_]+)\s*(\{([^}]*)\})?")
MATCHER = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:\\.|[^"\\])*)"')
GROUPING = re.compile(r"\b(by|without|on|ignoring)\s*\(([^)]*)\)")


def parse_expression(expr):
    """(selectors, grouping labels, stray identifiers): selectors are (metric, [(label, op, value)])."""
    selectors = [(m.group(1), MATCHER.findall(m.group(3) or "")) for m in SELECTOR.finditer(expr)]
    grouping = {label.strip() for m in GROUPING.finditer(expr) for label in m.group(2).split(",") if label.strip()}
    # What is left once strings, matchers, ranges, groupings and function calls are gone must be
    # our metrics, PromQL's keywords and numbers: a misspelt metric name shows up here.
    bare = re.sub(r'"(?:\\.|[^"\\])*"', "", expr)
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", bare)
    bare = GROUPING.sub("", bare)
    stray = [w for w in re.findall(r"\b[a-zA-Z_][a-zA-Z0-9_:]*\b(?!\s*\()", bare)
             if w.lower() not in PROMQL_WORDS and not w.startswith("c4confd_") and not re.fullmatch(r"\d+[a-z]*", w)]
    return selectors, grouping, stray


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"')


def parse_exposition(text):
    """{metric: [({label: value}, value)]} of a Prometheus text exposition."""
    series = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise SystemExit(f"/metrics line does not parse: {line!r}")
        labels = {k: v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
                  for k, v in LABEL.findall(m.group(3) or "")}
        series.setdefault(m.group(1), []).append((labels, float(m.group(4))))
    return series


def alternatives(regex):
    """The words of a regex that is only words joined by |, else None."""
    parts = regex.split("|")
    return parts if all(re.fullmatch(r"[A-Za-z0-9_/-]+", p) for p in parts) else None


def check_selector(where, metric, matchers, series, f):
    samples = series.get(metric)
    f.expect(samples is not None, f"{where}: {metric} is not in /metrics")
    if not samples:
        return
    for label, op, value in matchers:
        values = {labels.get(label) for labels, _ in samples} - {None}
        f.expect(bool(values), f"{where}: {metric} has no label {label!r} (its labels: "
                               f"{sorted({k for labels, _ in samples for k in labels})})")
        if not values or op.startswith("!"):
            continue
        if op == "=":
            f.expect(value in values, f"{where}: {metric}{{{label}={value!r}}} matches no series (values: {sorted(values)})")
        else:
            # A list of words ("routed|no_route") names values that must exist; a pattern ("5..")
            # may match nothing in a healthy run, but must be a valid regex.
            try:
                re.compile(value)
            except re.error as e:
                f.expect(False, f"{where}: {metric}{{{label}=~{value!r}}}: not a regex ({e})")
                continue
            for w in alternatives(value) or []:
                f.expect(w in values, f"{where}: {metric}{{{label}=~{value!r}}}: {w!r} matches no series "
                                      f"(values: {sorted(values)})")


def routing_body(source_ip, from_uri, to_uri, call_id, auth=False):
    return json.dumps({"event": "sip-routing", "auth": auth, "source_ip": source_ip, "source_port": 5060,
                       "from_uri": from_uri, "to_uri": to_uri, "call_id": call_id})


def post(port, path, body, token=KAMAILIO_TOKEN):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        return r.read().decode()


def exercise(port, f):
    """Routing requests of every outcome the engine can give through HTTP, and one CDR."""
    routed_status, routed = post(port, "/1.0/kamailio/routing", routing_body(
        "192.0.2.10", "sip:0140000123@paris.acme.example.com", "sip:00390612345678@c4.example",
        "metrics-routed", auth=True))
    f.expect(routed_status == 200 and json.loads(routed)["rtjson"].get("success", True) is not False,
             f"the Italian call was not routed: {routed_status} {routed[:300]}")
    inbound_status, _ = post(port, "/1.0/kamailio/routing", routing_body(
        "203.0.113.10", "sip:0612345678@orange.example", "sip:0140000123@c4.example", "metrics-inbound"))
    unknown_status, _ = post(port, "/1.0/kamailio/routing", routing_body(
        "198.18.0.1", "sip:1@nowhere.example", "sip:999@nowhere.example", "metrics-unknown"))
    refused_status, _ = post(port, "/1.0/kamailio/routing", routing_body(
        "192.0.2.10", "sip:1@x.example", "sip:2@x.example", "metrics-refused"), token="not-the-token")
    invalid_status, _ = post(port, "/1.0/kamailio/routing", '{"from_uri": 7}')
    f.expect((inbound_status, unknown_status, refused_status, invalid_status) == (200, 200, 403, 400),
             f"statuses {(inbound_status, unknown_status, refused_status, invalid_status)}, expected (200, 200, 403, 400)")
    tenant = json.loads(routed)["auth"]["tenant_uuid"] if routed_status == 200 else ""
    cdr = {"event": "cdr", "tenant_id": tenant, "call_id": "metrics-routed", "from_uri": "sip:0140000123@192.0.2.10",
           "to_uri": "sip:00390612345678@c4.example", "call_start": 1795000000, "duration": 42}
    cdr_status, cdr_reply = post(port, "/1.0/kamailio/cdr", json.dumps(cdr))
    f.expect(cdr_status == 200, f"the CDR was not stored: {cdr_status} {cdr_reply[:300]}")


def value(series, metric, **labels):
    for sample_labels, v in series.get(metric, []):
        if all(sample_labels.get(k) == want for k, want in labels.items()):
            return v
    return None


def check_exact_counts(series, f):
    want = [("c4confd_routing_requests_total", {"outcome": "routed"}, 2),
            ("c4confd_routing_requests_total", {"outcome": "no_route"}, 1),
            ("c4confd_routing_requests_total", {"outcome": "refused_auth"}, 1),
            ("c4confd_routing_requests_total", {"outcome": "invalid_request"}, 1),
            ("c4confd_routing_requests_total", {"outcome": "not_ready"}, 0),
            ("c4confd_routing_no_route_total", {"reason": "caller_unknown"}, 1),
            ("c4confd_routing_no_route_total", {"reason": "no_rule"}, 0),
            ("c4confd_routing_trunk_selections_total", {"tenant": "acme", "trunk": "voxbone-fr"}, 1),
            ("c4confd_routing_trunk_selections_total", {"tenant": "acme", "trunk": "orange-paris"}, 0),
            ("c4confd_routing_ipbx_selections_total", {"tenant": "acme", "ipbx": "acme-paris-hq"}, 1),
            ("c4confd_routing_capacity_skips_total", {"tenant": "acme", "trunk": "voxbone-fr"}, 0),
            ("c4confd_routing_ipbx_capacity_skips_total", {"tenant": "acme", "ipbx": "acme-paris-hq"}, 0),
            ("c4confd_routing_no_route_total", {"reason": "ipbx_at_capacity"}, 0),
            ("c4confd_cdr_rows_total", {"result": "committed"}, 1)]
    for metric, labels, expected in want:
        got = value(series, metric, **labels)
        f.expect(got == expected, f"{metric}{labels} is {got}, expected {expected}")
    trunks = series.get("c4confd_routing_trunk_selections_total", [])
    f.expect(len(trunks) == 5, f"expected one trunk series per trunk of examples/ (5), found {len(trunks)}")


def check_dashboard_and_rules_render(chart, variant, f):
    """Both objects render when enabled, with the sidecar label, a dashboard JSON Grafana reads and the five
    alerts; neither renders by default."""
    rules, maps = rendered(chart)
    f.expect(len(rules) == 1 and len(maps) == 1, f"expected one PrometheusRule and one dashboard ConfigMap, "
                                                 f"found {len(rules)} and {len(maps)}")
    for m in maps:
        f.expect(m["metadata"]["labels"].get("grafana_dashboard") == "1", "the dashboard lacks grafana_dashboard: \"1\"")
        d = dashboard_of(m)
        f.expect(d.get("uid") == "c4confd" and d.get("panels"), "the dashboard has no uid or no panels")
        titles = {p["title"] for p in d["panels"]}
        for title in ("Routing requests by outcome", "Routing latency", "Reconcile lag", "Drift corrected",
                      "CDR ingest", "CDR spool", "Snapshot age", "Redis projection lag"):
            f.expect(title in titles, f"the dashboard has no panel {title!r}")
    for r in rules:
        names = {rule["alert"] for g in r["spec"]["groups"] for rule in g["rules"]}
        f.expect(names == ALERTS, f"alerts {sorted(names)}, expected {sorted(ALERTS)}")
    other = chart.render("default", ["metrics.grafanaDashboard.enabled=true", "metrics.grafanaDashboard.label=dash",
                                     "metrics.grafanaDashboard.labelValue=yes"])
    labelled = [o for o in of_kind(other, "ConfigMap") if o["metadata"]["name"].endswith("-grafana-dashboard")]
    f.expect(len(labelled) == 1 and labelled[0]["metadata"]["labels"].get("dash") == "yes",
             "metrics.grafanaDashboard.label/labelValue do not set the ConfigMap's label")
    plain = chart.render("default")
    f.expect(not of_kind(plain, "PrometheusRule") and
             not [o for o in of_kind(plain, "ConfigMap") if o["metadata"]["name"].endswith("-grafana-dashboard")],
             "the dashboard or the rules render without being enabled")


def check_queries_use_real_metrics(chart, variant, f):
    """Every metric, label matcher and grouping label of the dashboard and the rules exists in a real /metrics."""
    base_url = os.environ.get("C4CONFD_DATABASE_URL")
    redis_url = os.environ.get("C4CONFD_REDIS_URL")
    if not chart.binary or not base_url or not redis_url:
        raise SystemExit("needs --binary, C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL (./c4 test starts them)")
    exprs = expressions(chart)
    f.expect(len(exprs) > 20, f"only {len(exprs)} PromQL expressions found in the chart")
    # A Redis database of its own: the projection of examples/ must not meet another test's keys.
    redis = urllib.parse.urlsplit(redis_url)._replace(path="/11").geturl()
    source = os.path.normpath(os.path.join(chart.dir, "..", "..", "examples"))
    spool = tempfile.mkdtemp(prefix="c4-metrics-spool-")
    service = RunningC4confd(chart.binary, source, base_url,
                             ["--redis-url", redis, "--cdr-spool-dir", spool])
    try:
        service.wait_ready()
        exercise(service.port, f)
        text = scrape(service.port)
        deadline = time.monotonic() + 30
        # The Redis projection runs after the apply, on its own thread.
        while "c4confd_reconcile_redis_projection_current 1" not in text and time.monotonic() < deadline:
            time.sleep(0.5)
            text = scrape(service.port)
    finally:
        service.stop()
        shutil.rmtree(spool, ignore_errors=True)
    series = parse_exposition(text)
    f.expect("c4confd_reconcile_redis_projection_current 1" in text, "Redis never held the projection")
    check_exact_counts(series, f)
    for where, expr in exprs:
        selectors, grouping, stray = parse_expression(expr)
        f.expect(bool(selectors), f"{where}: no c4confd metric in {expr!r}")
        f.expect(not stray, f"{where}: {stray} are not metrics of c4confd (a misspelt name?) in {expr!r}")
        labels_seen = set()
        for metric, matchers in selectors:
            check_selector(where, metric, matchers, series, f)
            labels_seen |= {k for labels, _ in series.get(metric, []) for k in labels}
        for label in grouping - TARGET_LABELS:
            f.expect(label in labels_seen, f"{where}: groups by {label!r}, which none of its metrics has")


def check_promtool_check_rules(chart, variant, f):
    """`promtool check rules` accepts the rendered rules (promtool: Debian's prometheus package)."""
    promtool = shutil.which("promtool")
    if not promtool:
        raise SystemExit("promtool not found: install Debian's prometheus (scripts/packages-test.txt)")
    rules, _ = rendered(chart)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rules.yaml")
        with open(path, "w") as fh:
            yaml.safe_dump({"groups": rules[0]["spec"]["groups"]}, fh)
        run = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
        f.expect(run.returncode == 0, f"promtool check rules failed:\n{run.stdout}{run.stderr}")
        f.expect("SUCCESS: 5 rules found" in run.stdout, f"promtool did not find the five rules:\n{run.stdout}")
        # And it can fail: a broken expression is refused.
        broken = rules[0]["spec"]["groups"]
        broken[0]["rules"][0]["expr"] = "sum(rate(c4confd_routing_requests_total[5m]) by"
        with open(path, "w") as fh:
            yaml.safe_dump({"groups": broken}, fh)
        run = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
        f.expect(run.returncode != 0, "promtool accepted a broken expression")


CHECKS = {name[len("check_"):]: fn for name, fn in globals().items()
          if name.startswith("check_") and name not in ("check_selector", "check_exact_counts")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--helm")
    where.add_argument("--install-script")
    parser.add_argument("--chart", required=True)
    parser.add_argument("--binary")
    parser.add_argument("check", choices=sorted(CHECKS))
    args = parser.parse_args()
    helm = args.helm
    if args.install_script:
        installed = subprocess.run([args.install_script], capture_output=True, text=True)
        if installed.returncode != 0:
            raise SystemExit(f"{args.install_script} failed:\n{installed.stderr}")
        helm = installed.stdout.strip()
    chart = Chart(helm, args.chart)
    chart.binary = args.binary
    f = Failures()
    CHECKS[args.check](chart, "default", f)
    if f.items:
        print(f"{args.check}: {len(f.items)} of {f.checked} assertions failed:")
        for item in f.items:
            print("  - " + item)
        return 1
    print(f"{args.check}: {f.checked} assertions passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
