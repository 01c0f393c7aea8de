#!/usr/bin/python3
"""Checks of the Helm chart charts/c4confd: `helm lint` and assertions on `helm template`.

Usage: chart_test.py (--helm HELM | --install-script SCRIPT) --chart DIR CHECK [VALUES]
  SCRIPT  scripts/install-helm.sh: run to get the path of helm (it builds helm when missing)
  CHECK   one of the functions named check_* below (without the prefix)
  VALUES  default (values.yaml), ha (values.yaml + values-ha.yaml) or all (values.yaml +
          tests/helm/values-all-features.yaml: every optional feature on)

Each check renders the chart with the real helm binary and asserts on the parsed objects; it
prints what it checked and exits 0, or prints every failure and exits 1. It is run by ctest
(tests/helm/CMakeLists.txt registers one entry per check and values file). Debian's
/usr/bin/python3 runs it because PyYAML comes from Debian's python3-yaml.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

# The values a real install must give (they have no default): the chart refuses to render
# without them, which check_required_values_fail_clearly proves.
REQUIRED_SETS = [
    "git.repo=https://git.example.net/voip/manifests.git",
    "secrets.existingSecret=c4confd",
]

# Every optional secret switched on, so that the secret checks see every reference.
ALL_SECRETS_SETS = [
    "secrets.kamailioToken.enabled=true",
    "secrets.gitHttpsToken.enabled=true",
    "secrets.gitSsh.enabled=true",
    "secrets.redisUrl.existingSecret=c4confd-redis",
    "secrets.secretsDir.enabled=true",
]

ALL_FEATURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "values-all-features.yaml")
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")

# Environment variables that carry a secret value: they may only come from a secretKeyRef.
SECRET_ENV = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSPHRASE|DATABASE_URL|REDIS_URL)$")


class Failures:
    def __init__(self):
        self.items = []
        self.checked = 0

    def expect(self, condition, message):
        self.checked += 1
        if not condition:
            self.items.append(message)


class Chart:
    def __init__(self, helm, chart_dir):
        self.helm = helm
        self.dir = chart_dir

    def values_files(self, variant):
        files = [os.path.join(self.dir, "values.yaml")]
        if variant == "ha":
            files.append(os.path.join(self.dir, "values-ha.yaml"))
        elif variant == "all":
            files.append(ALL_FEATURES)
        elif variant != "default":
            raise SystemExit(f"unknown values variant {variant!r} (default, ha or all)")
        return files

    def run(self, verb, variant, sets=(), required=True, extra=()):
        cmd = [self.helm, verb, "c4", self.dir, "--namespace", "voip"]
        if verb == "lint":
            cmd = [self.helm, "lint", self.dir, "--strict", "--namespace", "voip"]
        for f in self.values_files(variant):
            cmd += ["-f", f]
        for s in (REQUIRED_SETS if required else []) + list(sets):
            cmd += ["--set", s]
        cmd += list(extra)
        return subprocess.run(cmd, capture_output=True, text=True)

    def render(self, variant, sets=(), required=True):
        result = self.run("template", variant, sets, required)
        if result.returncode != 0:
            raise SystemExit(f"helm template failed ({variant}, {list(sets)}):\n{result.stderr}")
        return [d for d in yaml.safe_load_all(result.stdout) if d]

    def chart_yaml(self):
        with open(os.path.join(self.dir, "Chart.yaml")) as f:
            return yaml.safe_load(f)

    def values(self, variant):
        merged = {}
        for path in self.values_files(variant):
            with open(path) as f:
                deep_merge(merged, yaml.safe_load(f) or {})
        return merged


def deep_merge(into, other):
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value


def of_kind(objects, kind):
    return [o for o in objects if o.get("kind") == kind]


def workloads(objects):
    """(object, pod spec) of every Deployment, Job and Pod (the helm test Pod)."""
    out = [(o, o["spec"]["template"]["spec"]) for o in objects if o.get("kind") in ("Deployment", "Job")]
    return out + [(o, o["spec"]) for o in objects if o.get("kind") == "Pod"]


def containers(objects):
    """(object name, container) of every container and init container of every workload."""
    out = []
    for o, pod in workloads(objects):
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            out.append((f"{o['kind']}/{o['metadata']['name']}/{c['name']}", c, pod))
    return out


def component(objects, kind, name):
    found = [o for o in of_kind(objects, kind)
             if o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == name]
    if len(found) != 1:
        raise SystemExit(f"expected one {kind} of component {name}, found {len(found)}")
    return found[0]


def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


def selector_matches(selector, labels):
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


# ---------------------------------------------------------------------------------------
# checks: each takes (chart, variant, failures)

def check_lint_strict(chart, variant, f):
    """helm lint --strict passes (warnings are errors)."""
    result = chart.run("lint", variant)
    f.expect(result.returncode == 0, f"helm lint --strict failed:\n{result.stdout}{result.stderr}")
    f.expect("0 chart(s) failed" in result.stdout, f"helm lint did not report success:\n{result.stdout}")


def check_probes_on_status(chart, variant, f):
    """Every long-running container has startup, readiness and liveness probes on GET /status of its http port."""
    objects = chart.render(variant)
    deployments = of_kind(objects, "Deployment")
    f.expect(len(deployments) == 2, f"expected 2 Deployments (api, reconciler), found {len(deployments)}")
    for d in deployments:
        for c in d["spec"]["template"]["spec"]["containers"]:
            where = f"Deployment/{d['metadata']['name']}/{c['name']}"
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
            f.expect("http" in ports, f"{where}: no container port named http")
            for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
                probe = c.get(kind)
                f.expect(probe is not None, f"{where}: no {kind}")
                if probe is None:
                    continue
                get = probe.get("httpGet", {})
                f.expect(get.get("path") == "/status", f"{where}: {kind} path is {get.get('path')!r}, not /status")
                f.expect(get.get("port") in ("http", ports.get("http")),
                         f"{where}: {kind} port {get.get('port')!r} is not the http port")
            listen = c["args"][c["args"].index("--listen") + 1] if "--listen" in c.get("args", []) else ""
            f.expect(listen == f"0.0.0.0:{ports.get('http')}",
                     f"{where}: --listen {listen!r} does not serve the http port {ports.get('http')} on all addresses")


def check_resources_set(chart, variant, f):
    """Every container (Deployments and the migrate Job) requests CPU and memory and has a memory limit."""
    objects = chart.render(variant)
    found = containers(objects)
    f.expect(len(found) >= 3, f"expected at least 3 containers (api, reconciler, migrate), found {len(found)}")
    for where, c, _ in found:
        r = c.get("resources", {})
        for section, key in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
            f.expect(r.get(section, {}).get(key) not in (None, ""), f"{where}: resources.{section}.{key} is not set")


def check_containers_non_root_read_only(chart, variant, f):
    """Every pod runs as a non-root user with seccomp RuntimeDefault; every container has a read-only root,
    no privilege escalation, all capabilities dropped, and writes only to emptyDir volumes (/tmp, Git cache)."""
    objects = chart.render(variant, ALL_SECRETS_SETS)
    for o, pod in workloads(objects):
        where = f"{o['kind']}/{o['metadata']['name']}"
        psc = pod.get("securityContext", {})
        f.expect(psc.get("runAsNonRoot") is True, f"{where}: pod securityContext.runAsNonRoot is not true")
        f.expect(psc.get("runAsUser", 0) != 0, f"{where}: pod runs as uid 0")
        f.expect(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault",
                 f"{where}: pod seccompProfile is not RuntimeDefault")
        f.expect(pod.get("automountServiceAccountToken") is False,
                 f"{where}: the service account token is mounted (c4confd does not use the Kubernetes API)")
    for where, c, pod in containers(objects):
        sc = c.get("securityContext", {})
        psc = pod.get("securityContext", {})
        f.expect(sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True, f"{where}: runAsNonRoot is not true")
        f.expect(sc.get("runAsUser", psc.get("runAsUser", 0)) != 0, f"{where}: runs as uid 0")
        f.expect(sc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem is not true")
        f.expect(sc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation is not false")
        f.expect(sc.get("privileged") in (None, False), f"{where}: privileged")
        caps = sc.get("capabilities", {})
        f.expect("ALL" in caps.get("drop", []), f"{where}: capabilities.drop does not hold ALL")
        f.expect(not caps.get("add"), f"{where}: adds capabilities {caps.get('add')}")
        f.expect(sc.get("seccompProfile", psc.get("seccompProfile", {})).get("type") == "RuntimeDefault",
                 f"{where}: seccompProfile is not RuntimeDefault")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
        tmp = mounts.get("/tmp")
        f.expect(tmp is not None and "emptyDir" in volumes.get(tmp["name"], {}), f"{where}: /tmp is not an emptyDir")
        for path, m in mounts.items():
            v = volumes.get(m["name"], {})
            f.expect("emptyDir" in v or m.get("readOnly") is True,
                     f"{where}: {path} is a writable mount of something else than an emptyDir")
        args = c.get("args", [])
        if args[:1] == ["reconcile"]:
            # the Git cache (C4CONFD_CACHE_DIR of the ConfigMap) must be on a writable emptyDir
            config = {}
            for cm in of_kind(objects, "ConfigMap"):
                config.update(cm.get("data", {}))
            cache = config.get("C4CONFD_CACHE_DIR", "")
            under = [p for p in mounts if cache == p or cache.startswith(p.rstrip("/") + "/")]
            f.expect(bool(under) and all("emptyDir" in volumes.get(mounts[p]["name"], {}) for p in under),
                     f"{where}: the Git cache dir {cache!r} is not on an emptyDir volume")


def check_pod_disruption_budgets(chart, variant, f):
    """A PodDisruptionBudget covers the API and the reconciler, and still lets a node be drained."""
    objects = chart.render(variant)
    values = chart.values(variant)
    pdbs = of_kind(objects, "PodDisruptionBudget")
    for name in ("api", "reconciler"):
        d = component(objects, "Deployment", name)
        labels = d["spec"]["template"]["metadata"]["labels"]
        covering = [p for p in pdbs if selector_matches(p["spec"]["selector"], labels)]
        f.expect(len(covering) == 1, f"{name}: {len(covering)} PodDisruptionBudgets select its pods, expected 1")
        if not covering:
            continue
        spec = covering[0]["spec"]
        replicas = d["spec"].get("replicas")
        if replicas is None:  # scaled by the HPA: its floor is what a drain faces
            replicas = component(objects, "HorizontalPodAutoscaler", name)["spec"]["minReplicas"]
        if "minAvailable" in spec:
            f.expect(isinstance(spec["minAvailable"], int) and 1 <= spec["minAvailable"] < replicas,
                     f"{name}: minAvailable {spec['minAvailable']} with {replicas} replicas blocks every drain or protects nothing")
        else:
            f.expect(spec.get("maxUnavailable", 0) >= 1, f"{name}: maxUnavailable {spec.get('maxUnavailable')} blocks every drain")
    if variant == "ha":
        f.expect(component(objects, "PodDisruptionBudget", "api")["spec"].get("minAvailable") == 2,
                 "ha: the API PodDisruptionBudget does not keep 2 replicas up")
        f.expect(values["reconciler"]["replicas"] == 2, "ha: values-ha.yaml does not ask for 2 reconcilers")


def check_anti_affinity(chart, variant, f):
    """Replicas of a component repel each other per node. By default preferred; in HA the reconcilers must be on
    distinct nodes (required anti-affinity) and the API replicas are spread over nodes by a required topology
    spread (a required anti-affinity would cap the autoscaler at one replica per node), and over zones."""
    objects = chart.render(variant)
    for name in ("api", "reconciler"):
        d = component(objects, "Deployment", name)
        pod = d["spec"]["template"]["spec"]
        labels = d["spec"]["template"]["metadata"]["labels"]
        required = variant == "ha" and name == "reconciler"
        key = "requiredDuringSchedulingIgnoredDuringExecution" if required else \
            "preferredDuringSchedulingIgnoredDuringExecution"
        terms = pod.get("affinity", {}).get("podAntiAffinity", {}).get(key, [])
        f.expect(len(terms) == 1, f"{name}: expected one podAntiAffinity {key} term, found {len(terms)}")
        for t in terms:
            term = t.get("podAffinityTerm", t)
            f.expect(term.get("topologyKey") == "kubernetes.io/hostname",
                     f"{name}: anti-affinity topologyKey is {term.get('topologyKey')!r}, not the node")
            f.expect(selector_matches(term.get("labelSelector", {}), labels) and
                     term["labelSelector"]["matchLabels"].get("app.kubernetes.io/component") == name,
                     f"{name}: anti-affinity does not select the component's own pods")
        if variant != "ha":
            continue
        spread = pod.get("topologySpreadConstraints", [])
        f.expect(any(s.get("topologyKey") == "topology.kubernetes.io/zone" and
                     selector_matches(s.get("labelSelector", {}), labels) for s in spread),
                 f"{name}: no zone topologySpreadConstraint selecting its pods in HA")
        if name == "api":
            f.expect(any(s.get("topologyKey") == "kubernetes.io/hostname" and s.get("maxSkew") == 1 and
                         s.get("whenUnsatisfiable") == "DoNotSchedule" and s.get("nodeTaintsPolicy") == "Honor" and
                         selector_matches(s.get("labelSelector", {}), labels) for s in spread),
                     "api: no required spread over nodes (maxSkew 1, DoNotSchedule, taints honoured) in HA")
            strategy = d["spec"]["strategy"]["rollingUpdate"]
            f.expect(strategy.get("maxUnavailable") == 0, "api: a rolling update may take a replica down first")
        else:
            strategy = d["spec"]["strategy"]["rollingUpdate"]
            f.expect(strategy.get("maxSurge") == 0,
                     "reconciler: a rolling update needs a third node for the surge pod of two pinned replicas")


def check_secrets_only_by_reference(chart, variant, f):
    """No Secret object is rendered; every secret value reaches a pod through secretKeyRef (or, for the SSH key
    files, a read-only secret volume) naming the configured Secret; no ConfigMap or plain env holds one."""
    for sets in ([], ALL_SECRETS_SETS):
        objects = chart.render(variant, sets)
        f.expect(not of_kind(objects, "Secret"), f"a Secret object is rendered (sets {sets})")
        for cm in of_kind(objects, "ConfigMap"):
            for key in cm.get("data", {}):
                f.expect(not SECRET_ENV.search(key), f"ConfigMap {cm['metadata']['name']} holds secret key {key}")
        referenced = set()
        for where, c, pod in containers(objects):
            for e in c.get("env", []):
                if SECRET_ENV.search(e["name"]):
                    ref = e.get("valueFrom", {}).get("secretKeyRef")
                    f.expect("value" not in e and ref is not None,
                             f"{where}: {e['name']} is not read from a secretKeyRef")
                    if ref:
                        referenced.add((ref["name"], ref["key"]))
                        f.expect(ref["name"] in ("c4confd", "c4confd-redis"),
                                 f"{where}: {e['name']} reads Secret {ref['name']!r}, not the configured one")
            volumes = {v["name"]: v for v in pod.get("volumes", [])}
            for m in c.get("volumeMounts", []):
                secret = volumes.get(m["name"], {}).get("secret")
                if secret:
                    f.expect(m.get("readOnly") is True, f"{where}: secret volume {m['name']} is not read-only")
                    f.expect(secret.get("secretName") == "c4confd",
                             f"{where}: secret volume reads {secret.get('secretName')!r}, not the configured Secret")
        f.expect(("c4confd", "database-url") in referenced, f"the database URL is not referenced (sets {sets})")
        if sets:
            for key in ("redis-url", "admin-token", "kamailio-token", "webhook-secret", "git-https-token"):
                secret = "c4confd-redis" if key == "redis-url" else "c4confd"
                f.expect((secret, key) in referenced, f"secret key {secret}/{key} is not referenced with every secret on")
    # a value that is not a secret reference must never be accepted as one
    result = chart.run("template", variant, ["secrets.existingSecret="])
    f.expect(result.returncode != 0 and "secrets.existingSecret" in result.stderr,
             f"rendering without a Secret name did not fail naming secrets.existingSecret:\n{result.stderr}")


def check_one_reconciler_applies(chart, variant, f):
    """Only the reconciler Deployment runs `reconcile` (its replicas share one database, whose advisory lock lets
    one apply); the API runs `serve`, the hook Job `migrate`; all of them read the same database URL."""
    objects = chart.render(variant)
    values = chart.values(variant)
    commands = {}
    for where, c, _ in containers(objects):
        commands.setdefault((c.get("args") or ["serve"])[0], []).append(where)
    f.expect(len(commands.get("reconcile", [])) == 1,
             f"expected exactly one container running reconcile, found {commands.get('reconcile')}")
    f.expect("all" not in commands, f"a container runs `all` (reconcile + serve): {commands.get('all')}")
    reconciler = component(objects, "Deployment", "reconciler")
    expected = 2 if variant == "ha" else 1
    f.expect(reconciler["spec"]["replicas"] == expected == values["reconciler"]["replicas"],
             f"reconciler replicas {reconciler['spec']['replicas']}, expected {expected}")
    f.expect(reconciler["spec"]["template"]["spec"]["containers"][0]["args"][0] == "reconcile",
             "the reconciler Deployment does not run reconcile")
    api = component(objects, "Deployment", "api")
    f.expect(api["spec"]["template"]["spec"]["containers"][0]["args"][0] == "serve", "the API does not run serve")
    job = component(objects, "Job", "migrate")
    f.expect(job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"], "the Job does not run migrate")
    f.expect(job["metadata"].get("annotations", {}).get("helm.sh/hook") == "pre-install,pre-upgrade",
             "the migrate Job is not a pre-install/pre-upgrade hook")
    refs = set()
    for where, c, _ in containers(objects):
        if where.startswith("Pod/"):  # the helm test Pod talks to the API, not to the database
            continue
        ref = env_of(c).get("C4CONFD_DATABASE_URL", {}).get("valueFrom", {}).get("secretKeyRef")
        f.expect(ref is not None, f"{where}: no C4CONFD_DATABASE_URL")
        if ref:
            refs.add((ref["name"], ref["key"]))
    f.expect(len(refs) == 1, f"the containers read different database URLs: {refs}")
    # every replica is told the same source: one ConfigMap, no per-pod settings
    f.expect(len(of_kind(objects, "ConfigMap")) == 1, "expected one ConfigMap of settings")


def check_api_service_port(chart, variant, f):
    """The API Service exposes api.service.port and targets the container's http port, which serve listens on."""
    for port, container_port in ((9600, 9600), (8080, 9700)):
        objects = chart.render(variant, [f"api.service.port={port}", f"api.port={container_port}"])
        svc = component(objects, "Service", "api")
        ports = svc["spec"]["ports"]
        f.expect(len(ports) == 1 and ports[0]["port"] == port, f"API Service ports {ports}, expected port {port}")
        api = component(objects, "Deployment", "api")
        f.expect(selector_matches({"matchLabels": svc["spec"]["selector"]}, api["spec"]["template"]["metadata"]["labels"]),
                 "the API Service does not select the API pods")
        c = api["spec"]["template"]["spec"]["containers"][0]
        named = {p["name"]: p["containerPort"] for p in c["ports"]}
        target = ports[0]["targetPort"]
        f.expect(named.get(target, target) == container_port,
                 f"API Service targetPort {target!r} is not container port {container_port}")
        f.expect(c["args"][c["args"].index("--listen") + 1] == f"0.0.0.0:{container_port}",
                 f"serve does not listen on the container port {container_port}: {c['args']}")
        rec = component(objects, "Service", "reconciler")
        f.expect(rec["spec"]["ports"][0]["port"] == 9601, f"reconciler Service port {rec['spec']['ports']}")


def check_image_tag(chart, variant, f):
    """Every container runs the image from values: tag defaults to appVersion, image.tag and image.digest override."""
    app_version = str(chart.chart_yaml()["appVersion"])
    digest = "sha256:" + "ab" * 32
    cases = [([], f"c4confd:{app_version}"),
             (["image.repository=registry.example.net/voip/c4confd", "image.tag=1.2.3"],
              "registry.example.net/voip/c4confd:1.2.3"),
             ([f"image.digest={digest}", "image.tag=1.2.3"], f"c4confd@{digest}")]
    for sets, expected in cases:
        objects = chart.render(variant, sets)
        for where, c, _ in containers(objects):
            f.expect(c["image"] == expected, f"{where}: image {c['image']!r}, expected {expected!r} (sets {sets})")


def check_required_values_fail_clearly(chart, variant, f):
    """Without git.repo or a Secret name the chart refuses to render, naming the value to set."""
    cases = [(["secrets.existingSecret=c4confd"], "git.repo"),
             (["git.repo=https://git.example.net/m.git"], "secrets.existingSecret"),
             (REQUIRED_SETS + ["api.podAntiAffinity=sometimes"], "api.podAntiAffinity")]
    for sets, named in cases:
        result = chart.run("template", variant, sets, required=False)
        f.expect(result.returncode != 0, f"rendering with only {sets} succeeded")
        f.expect(names_value(result.stderr, named), f"the error does not name {named}:\n{result.stderr}")


def names_value(message, dotted):
    """True when an error message names a value, as `a.b.c` or as the schema's JSON pointer `/a/b/c`."""
    return dotted in message or "/" + dotted.replace(".", "/") in message


def check_optional_objects(chart, variant, f):
    """ServiceMonitor, webhook Ingress and HPA render when enabled, and point at the right places."""
    objects = chart.render(variant, ["metrics.serviceMonitor.enabled=true", "reconciler.ingress.enabled=true",
                                     "reconciler.ingress.host=hooks.example.net", "api.autoscaling.enabled=true"])
    monitors = of_kind(objects, "ServiceMonitor")
    f.expect(len(monitors) == 1, f"expected one ServiceMonitor, found {len(monitors)}")
    for m in monitors:
        endpoints = m["spec"]["endpoints"]
        f.expect([e["path"] for e in endpoints] == ["/metrics"], f"ServiceMonitor endpoints {endpoints}")
        f.expect(all(e["port"] == "http" for e in endpoints), "ServiceMonitor does not scrape the http port")
        for name in ("api", "reconciler"):
            svc = component(objects, "Service", name)
            labels = svc["metadata"]["labels"]
            exprs = m["spec"]["selector"].get("matchExpressions", [])
            f.expect(selector_matches(m["spec"]["selector"], labels) and
                     all(labels.get(e["key"]) in e["values"] for e in exprs),
                     f"the ServiceMonitor does not select the {name} Service")
    ingresses = of_kind(objects, "Ingress")
    f.expect(len(ingresses) == 1, f"expected one Ingress, found {len(ingresses)}")
    for i in ingresses:
        paths = [p for r in i["spec"]["rules"] for p in r["http"]["paths"]]
        f.expect([(p["path"], p["pathType"]) for p in paths] == [("/hooks/git", "Exact")],
                 f"the Ingress exposes more than POST /hooks/git: {paths}")
        f.expect(all(p["backend"]["service"]["name"] == component(objects, "Service", "reconciler")["metadata"]["name"]
                     for p in paths), "the Ingress does not lead to the reconciler Service")
    hpa = component(objects, "HorizontalPodAutoscaler", "api")
    f.expect(hpa["spec"]["scaleTargetRef"]["name"] == component(objects, "Deployment", "api")["metadata"]["name"],
             "the HPA does not scale the API Deployment")
    f.expect("replicas" not in component(objects, "Deployment", "api")["spec"],
             "the API Deployment sets replicas while the HPA scales it")
    plain = chart.render(variant)
    f.expect(not of_kind(plain, "Ingress") and not of_kind(plain, "ServiceMonitor"),
             "Ingress or ServiceMonitor rendered without being enabled")


def check_values_documented(chart, variant, f):
    """Every key of the values file has a comment: on the line above, or at the end of its line."""
    for path in chart.values_files(variant)[-1:]:
        with open(path) as fh:
            lines = fh.read().splitlines()
        for n, line in enumerate(lines):
            m = re.match(r"^(\s*)(- )?([A-Za-z][\w.-]*):", line)
            if not m or line.lstrip().startswith("#"):
                continue
            previous = lines[n - 1].strip() if n else ""
            documented = "#" in line.split(":", 1)[1] or previous.startswith("#")
            # keys inside a list item or a documented block of plain Kubernetes fields (a
            # securityContext, a probe, resources) are described by the comment of their parent
            parent_ok = bool(m.group(2))  # a list item: described by the list's comment
            indent = len(m.group(1))
            for k in range(n - 1, -1, -1):
                above = lines[k]
                if not above.strip() or above.lstrip().startswith("#"):
                    continue
                above_indent = len(above) - len(above.lstrip())
                if above_indent < indent:
                    parent = re.match(r"^\s*(- )?([A-Za-z][\w.-]*):", above)
                    parent_ok = parent_ok or bool(parent) and parent.group(2) in KUBERNETES_BLOCKS or above.lstrip().startswith("- ")
                    break
            f.expect(documented or parent_ok, f"{os.path.basename(path)}:{n + 1}: {m.group(3)} has no comment")
    f.expect(f.checked > 20, f"only {f.checked} keys found: is the file empty?")


# Values the schema must refuse, each with what the error must name: the issue's own example
# (a typo that used to be a silent no-op), unknown keys at every level, wrong types, values
# outside their enum or range, and malformed Kubernetes objects.
BAD_VALUES = [
    (["api.replica=3"], "additional properties 'replica' not allowed"),
    (["replicas=3"], "additional properties 'replicas' not allowed"),
    (["networkPolicy.egress.postgres.to=x"], "additional properties 'postgres' not allowed"),
    (["api.replicas=three"], "api.replicas"),
    (["logLevel=verbose"], "logLevel"),
    (["image.pullPolicy=Sometimes"], "image.pullPolicy"),
    (["image.digest=latest"], "image.digest"),
    (["secrets.adminToken.enabled=maybe"], "secrets.adminToken.enabled"),
    (["api.service.type=Ingress"], "api.service.type"),
    (["api.autoscaling.targetCPUUtilizationPercentage=150"], "api.autoscaling.targetCPUUtilizationPercentage"),
    (["networkPolicy.egress.postgresql.ports[0]=70000"], "networkPolicy.egress.postgresql.ports.0"),
    (["networkPolicy.kamailio[0].ipblock.cidr=10.0.0.0/8"], "networkPolicy.kamailio.0"),
    (["reconciler.extraEnv[0].value=x"], "reconciler.extraEnv.0"),
    (["api.extraVolumeMounts[0].name=x"], "api.extraVolumeMounts.0"),
    (["wazoAuth.url=ftp://auth.example.net"], "wazoAuth.url"),
    (["api.corsOrigins={https://a.example/path}"], "api.corsOrigins.0"),
    (["api.resources.limits.memory=lots"], "api.resources.limits.memory"),
    (["api.probes.startup.periodSeconds=0"], "api.probes.startup.periodSeconds"),
    (["tests.routing.expectRoute=yes"], "tests.routing.expectRoute"),
]


def check_schema_refuses_bad_values(chart, variant, f):
    """values.schema.json makes helm refuse an unknown key, a wrong type or a value out of range, naming the key;
    `helm lint --strict` refuses the typo too, and so does a values file holding it."""
    f.expect(chart.run("template", variant).returncode == 0, "the chart does not render with good values")
    for sets, named in BAD_VALUES:
        result = chart.run("template", variant, sets)
        f.expect(result.returncode != 0, f"helm template accepted {sets}")
        f.expect(names_value(result.stderr, named), f"the error for {sets} does not name {named!r}:\n{result.stderr}")
    lint = chart.run("lint", variant, ["api.replica=3"])
    f.expect(lint.returncode != 0 and "additional properties 'replica' not allowed" in lint.stdout + lint.stderr,
             f"helm lint --strict accepted api.replica=3:\n{lint.stdout}{lint.stderr}")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as typo:
        typo.write("api:\n  replica: 3\n")
        typo.flush()
        result = chart.run("template", variant, extra=["-f", typo.name])
        f.expect(result.returncode != 0 and "at '/api': additional properties 'replica' not allowed" in result.stderr,
                 f"a values file with api.replica was accepted or not named:\n{result.stderr}")


def schema_node(schema, node):
    """The node behind a $ref of values.schema.json."""
    while "$ref" in node:
        target = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def check_schema_covers_every_value(chart, variant, f):
    """Every value of values.yaml has a typed, described entry in values.schema.json, and every object whose keys
    the chart fixes refuses other keys (additionalProperties: false)."""
    with open(os.path.join(chart.dir, "values.schema.json")) as fh:
        schema = json.load(fh)
    values = chart.values("default")

    def walk(node, value, path):
        f.expect(node.get("additionalProperties") is False, f"{path or '(top)'}: unknown keys are not refused")
        for key, child_value in value.items():
            name = f"{path}.{key}" if path else key
            child = node.get("properties", {}).get(key)
            f.expect(child is not None, f"{name}: not in values.schema.json")
            if child is None:
                continue
            f.expect(bool(child.get("description")), f"{name}: no description in values.schema.json")
            resolved = schema_node(schema, child)
            f.expect("type" in resolved or "enum" in resolved, f"{name}: no type in values.schema.json")
            if "properties" in resolved and isinstance(child_value, dict):
                walk(resolved, child_value, name)
    walk(schema, values, "")
    f.expect(f.checked > 200, f"only {f.checked} values checked")


def test_pod(objects):
    pods = [o for o in of_kind(objects, "Pod")
            if o["metadata"].get("annotations", {}).get("helm.sh/hook") == "test"]
    if len(pods) != 1:
        raise SystemExit(f"expected one helm test Pod, found {len(pods)}")
    return pods[0]


def check_helm_test_pod(chart, variant, f):
    """templates/tests/ renders one Pod, hook `test`, that runs files/helm-test.sh with the bash of the c4confd image
    against the API Service (its DNS name and port), with the routing question of tests.routing as JSON and the
    Kamailio token by secretKeyRef (no token without one: the admin token is refused on the Kamailio paths);
    tests.enabled=false renders none."""
    objects = chart.render(variant)
    values = chart.values(variant)
    pod = test_pod(objects)
    spec = pod["spec"]
    f.expect(spec.get("restartPolicy") == "Never", "the test Pod restarts")
    f.expect(pod["metadata"]["annotations"].get("helm.sh/hook-delete-policy") == "before-hook-creation",
             "the test Pod is not replaced by the next helm test")
    c = spec["containers"][0]
    api = component(objects, "Deployment", "api")
    f.expect(c["image"] == api["spec"]["template"]["spec"]["containers"][0]["image"],
             f"the test Pod runs {c['image']}, not the c4confd image")
    with open(os.path.join(chart.dir, "files", "helm-test.sh")) as fh:
        script = fh.read()
    f.expect(c.get("command") == ["/bin/bash", "-c"] and c.get("args") == [script],
             "the test Pod does not run files/helm-test.sh with bash -c")
    env = env_of(c)
    svc = component(objects, "Service", "api")
    f.expect(env.get("C4_TEST_HOST", {}).get("value") == f"{svc['metadata']['name']}.voip.svc",
             f"C4_TEST_HOST {env.get('C4_TEST_HOST')} is not the API Service")
    f.expect(env.get("C4_TEST_PORT", {}).get("value") == str(svc["spec"]["ports"][0]["port"]),
             f"C4_TEST_PORT {env.get('C4_TEST_PORT')} is not the API Service port")
    routing = values["tests"]["routing"]
    body = json.loads(env["C4_TEST_ROUTING_BODY"]["value"])
    f.expect((body.get("from_uri"), body.get("to_uri"), body.get("source_ip")) ==
             (routing["fromUri"], routing["toUri"], routing["sourceIp"]),
             f"the routing question {body} is not tests.routing")
    f.expect(env["C4_TEST_EXPECT_ROUTE"]["value"] == str(routing["expectRoute"]).lower(),
             "C4_TEST_EXPECT_ROUTE is not tests.routing.expectRoute")
    token = env.get("C4_TEST_TOKEN", {}).get("valueFrom", {}).get("secretKeyRef", {})
    if values["secrets"]["kamailioToken"]["enabled"]:
        f.expect(token.get("key") == "kamailio-token", f"the test Pod authenticates with {token}, not the Kamailio token")
    else:  # the admin token is refused on /1.0/kamailio/*: never send it there
        f.expect("C4_TEST_TOKEN" not in env, f"the test Pod sends {env.get('C4_TEST_TOKEN')} without a Kamailio token")
    f.expect(pod["metadata"]["labels"].get("app.kubernetes.io/component") == "test", "the test Pod is not labelled test")
    # a question with a quote, a backslash and a newline stays valid JSON (toJson, not string pasting)
    odd = 'sip:"quo\\te"\n@example.com'
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as fh:
        yaml.safe_dump({"tests": {"routing": {"fromUri": odd}}}, fh)
        fh.flush()
        result = chart.run("template", variant, extra=["-f", fh.name])
    f.expect(result.returncode == 0, f"a from_uri with a quote, a backslash and a newline fails:\n{result.stderr}")
    if result.returncode == 0:
        rendered = test_pod([d for d in yaml.safe_load_all(result.stdout) if d])
        body = json.loads(env_of(rendered["spec"]["containers"][0])["C4_TEST_ROUTING_BODY"]["value"])
        f.expect(body["from_uri"] == odd, f"from_uri {odd!r} became {body['from_uri']!r}")
    off = chart.render(variant, ["tests.enabled=false"])
    f.expect(not of_kind(off, "Pod"), "tests.enabled=false still renders a test Pod")


# The settings that switch the NetworkPolicies on for the default and HA values (the "all"
# values file switches them on itself, with a peer for every entry).
NETWORK_POLICY_SETS = ["networkPolicy.enabled=true", "networkPolicy.kamailio[0].ipBlock.cidr=10.20.0.0/24"]


def rule_ports(rule):
    return {(p.get("protocol", "TCP"), p["port"]) for p in rule.get("ports", [])}


def pod_labels(o):
    return o["spec"]["template"]["metadata"]["labels"] if o["kind"] in ("Deployment", "Job") else o["metadata"]["labels"]


def check_network_policies(chart, variant, f):
    """With networkPolicy.enabled every pod of the release is selected by one NetworkPolicy that denies what it
    does not list: the API is open to the Kamailio peers, Prometheus and the test Pod only; the reconciler to the
    ingress controller and Prometheus only; egress goes only to DNS, PostgreSQL, Redis, the Git host (reconciler)
    and wazo-auth (API, only when wazoAuth.url is set), each to its configured peers. Off by default; on without
    Kamailio peers it refuses to render."""
    if variant != "all":
        f.expect(not of_kind(chart.render(variant), "NetworkPolicy"), "a NetworkPolicy is rendered by default")
    sets = NETWORK_POLICY_SETS if variant != "all" else []
    objects = chart.render(variant, sets)
    values = chart.values(variant)
    np = values["networkPolicy"]
    if variant != "all":
        np["kamailio"] = [{"ipBlock": {"cidr": "10.20.0.0/24"}}]
    policies = of_kind(objects, "NetworkPolicy")
    pods = {}
    for o, _ in workloads(objects):
        name = pod_labels(o).get("app.kubernetes.io/component")
        selecting = [p for p in policies if selector_matches(p["spec"]["podSelector"], pod_labels(o))]
        f.expect(len(selecting) == 1, f"{o['kind']}/{o['metadata']['name']}: {len(selecting)} NetworkPolicies select it")
        if selecting:
            pods[name] = (o, selecting[0]["spec"])
    f.expect(set(pods) == {"api", "reconciler", "migrate", "test"}, f"policies for {sorted(pods)}")
    for name, (_, spec) in pods.items():
        f.expect(sorted(spec.get("policyTypes", [])) == ["Egress", "Ingress"], f"{name}: policyTypes {spec.get('policyTypes')}")
        for rule in spec.get("ingress", []):
            f.expect(bool(rule.get("from")), f"{name}: an ingress rule without `from` admits everyone")
    api_port, rec_port = values["api"]["port"], values["reconciler"]["port"]
    test_labels = pod_labels(pods["test"][0]) if "test" in pods else {}
    expected_in = {
        "api": (np["kamailio"] + np["prometheus"], api_port),
        "reconciler": (np["ingressController"] + np["prometheus"], rec_port),
        "migrate": ([], None), "test": ([], None)}
    for name, (peers, port) in expected_in.items():
        spec = pods.get(name, (None, {}))[1]
        got = [peer for rule in spec.get("ingress", []) for peer in rule["from"]]
        if name == "api":
            from_test = [p for p in got if list(p) == ["podSelector"] and selector_matches(p["podSelector"], test_labels)]
            f.expect(len(from_test) == 1, "api: the helm test Pod cannot reach the API")
            got = [p for p in got if p not in from_test]
        f.expect(got == peers, f"{name}: ingress from {got}, expected {peers}")
        for rule in spec.get("ingress", []):
            f.expect(rule_ports(rule) == {("TCP", port)}, f"{name}: ingress ports {rule_ports(rule)}, expected {port}")
    dns = {("UDP", p) for p in np["egress"]["dns"]["ports"]} | {("TCP", p) for p in np["egress"]["dns"]["ports"]}

    def tcp(entry):
        return {("TCP", p) for p in np["egress"][entry]["ports"]}
    expected_out = {
        "api": dns | tcp("postgresql") | tcp("redis") | tcp("wazoAuth"),
        "reconciler": dns | tcp("postgresql") | tcp("redis") | tcp("git"),
        "migrate": dns | tcp("postgresql"),
        "test": dns | {("TCP", api_port)}}
    if not values.get("wazoAuth", {}).get("url"):
        expected_out["api"] -= tcp("wazoAuth")
    reporting = values.get("reporting", {})
    if reporting.get("gitStatus", {}).get("provider") or reporting.get("notifyUrls"):
        expected_out["reconciler"] |= tcp("notify")
    for name, wanted in expected_out.items():
        spec = pods.get(name, (None, {}))[1]
        got = set().union(*[rule_ports(r) for r in spec.get("egress", [])]) if spec.get("egress") else set()
        f.expect(got == wanted, f"{name}: egress to ports {sorted(got)}, expected {sorted(wanted)}")
        for rule in spec.get("egress", []):
            f.expect(bool(rule.get("ports")), f"{name}: an egress rule without ports")
            for entry in ("dns", "postgresql", "redis", "git", "wazoAuth", "notify"):
                ports = dns if entry == "dns" else tcp(entry)
                if rule_ports(rule) == ports and np["egress"][entry]["to"]:
                    f.expect(rule.get("to") == np["egress"][entry]["to"],
                             f"{name}: egress on {sorted(ports)} goes to {rule.get('to')}, not networkPolicy.egress.{entry}.to")
    test_out = [r for r in pods.get("test", (None, {}))[1].get("egress", []) if rule_ports(r) == {("TCP", api_port)}]
    f.expect(len(test_out) == 1 and all(selector_matches(p.get("podSelector", {}), pod_labels(pods["api"][0]))
                                        for p in test_out[0].get("to", [{}])),
             "the test Pod's egress does not lead to the API pods only")
    # switches: wazo-auth only with a URL, Redis only when used
    url_sets = sets + ["wazoAuth.url=https://auth.example.net:9497"]
    api_spec = [p["spec"] for p in of_kind(chart.render(variant, url_sets), "NetworkPolicy")
                if p["metadata"]["labels"].get("app.kubernetes.io/component") == "api"][0]
    f.expect(any(rule_ports(r) == tcp("wazoAuth") for r in api_spec["egress"]), "wazoAuth.url set, no egress to wazo-auth")
    no_url = [p["spec"] for p in of_kind(chart.render(variant, sets + ["wazoAuth.url="]), "NetworkPolicy")]
    f.expect(not any(rule_ports(r) == tcp("wazoAuth") for s in no_url for r in s["egress"]),
             "egress to wazo-auth without wazoAuth.url")
    no_redis = [p["spec"] for p in of_kind(chart.render(variant, sets + ["secrets.redisUrl.enabled=false"]), "NetworkPolicy")]
    f.expect(not any(rule_ports(r) == tcp("redis") for s in no_redis for r in s["egress"]),
             "egress to Redis with secrets.redisUrl.enabled=false")
    result = chart.run("template", variant, ["networkPolicy.enabled=true", "networkPolicy.kamailio=null"])
    f.expect(result.returncode != 0 and "networkPolicy.kamailio" in result.stderr,
             f"networkPolicy without Kamailio peers rendered, or the error does not name networkPolicy.kamailio:\n{result.stderr}")


REPORTING_SETS = ["reporting.gitStatus.provider=gitlab", "reporting.gitStatus.repo=voip/manifests",
                  "reporting.gitStatus.apiUrl=https://gitlab.example.net/api/v4", "secrets.gitStatusToken.enabled=true",
                  "reporting.publicUrl=https://c4confd.example.net",
                  "reporting.notifyUrls={https://hooks.example.net/noc,https://chat.example.net/hook}"]


def flag_pairs(args):
    """The --flag VALUE pairs of a container's args, in order (a flag without a value pairs with None)."""
    pairs, i = [], 0
    while i < len(args):
        if args[i].startswith("--"):
            value = args[i + 1] if i + 1 < len(args) and not args[i + 1].startswith("--") else None
            pairs.append((args[i], value))
            i += 2 if value is not None else 1
        else:
            i += 1
    return pairs


def check_reporting_flags(chart, variant, f):
    """reporting.* become the reconciler's --git-status-*, --public-url and --notify-url flags (and only its), the
    status token comes from its Secret as C4CONFD_GIT_STATUS_TOKEN, the NetworkPolicy lets the reconciler reach the
    hosts, a provider without a token or a repository is refused by name, and every flag is one `c4confd reconcile`
    knows (its help, with --binary). Off by default."""
    objects = chart.render(variant, REPORTING_SETS + ["networkPolicy.enabled=true",
                                                      "networkPolicy.kamailio[0].ipBlock.cidr=10.20.0.0/24"])
    reconciler = component(objects, "Deployment", "reconciler")["spec"]["template"]["spec"]["containers"][0]
    pairs = flag_pairs(reconciler["args"])
    want = [("--git-status-provider", "gitlab"), ("--git-status-repo", "voip/manifests"),
            ("--git-status-api-url", "https://gitlab.example.net/api/v4"), ("--git-status-context", "c4confd"),
            ("--public-url", "https://c4confd.example.net"), ("--notify-url", "https://hooks.example.net/noc"),
            ("--notify-url", "https://chat.example.net/hook")]
    f.expect([p for p in pairs if p in want] == want, f"reconciler flags {pairs}, expected {want} in this order")
    token = [e for e in reconciler.get("env", []) if e["name"] == "C4CONFD_GIT_STATUS_TOKEN"]
    f.expect(len(token) == 1 and token[0].get("valueFrom", {}).get("secretKeyRef", {}).get("key") == "git-status-token",
             f"C4CONFD_GIT_STATUS_TOKEN is not read from the Secret: {token}")
    api = component(objects, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0]
    f.expect(not any(a.startswith(("--git-status", "--notify-url", "--public-url")) for a in api.get("args", [])),
             "the API (serve) got reporting flags")
    policy = component(objects, "NetworkPolicy", "reconciler")
    ports = [rule_ports(r) for r in policy["spec"]["egress"]]
    f.expect(ports.count({("TCP", 443)}) == 1, f"no egress rule of its own to the notify hosts on 443: {ports}")
    plain = chart.render(variant)
    plain_args = component(plain, "Deployment", "reconciler")["spec"]["template"]["spec"]["containers"][0]["args"]
    f.expect(not any(a.startswith(("--git-status", "--notify-url", "--public-url")) for a in plain_args),
             f"reporting flags rendered by default: {plain_args}")
    refusals = [(["reporting.gitStatus.provider=github", "reporting.gitStatus.repo=a/b"], "secrets.gitStatusToken"),
                (["reporting.gitStatus.provider=github", "secrets.gitStatusToken.enabled=true"], "reporting.gitStatus.repo"),
                (["reporting.gitStatus.provider=bitbucket"], "reporting.gitStatus.provider")]
    for sets, named in refusals:
        result = chart.run("template", variant, sets)
        f.expect(result.returncode != 0 and names_value(result.stderr, named),
                 f"{sets} rendered, or its error does not name {named}:\n{result.stderr}")
    if chart.binary:
        known = subprocess.run([chart.binary, "help", "reconcile"], capture_output=True, text=True).stdout
        for flag, _ in pairs:
            f.expect(flag in known, f"`c4confd reconcile` has no {flag} (c4confd help reconcile)")


def check_extra_configuration(chart, variant, f):
    """envFrom, extraEnv, extraVolumes and extraVolumeMounts reach both Deployments; secrets.secretsDir mounts its
    Secret read-only into the API (the pods that resolve manifests' passwordFrom) and passes --secrets-dir to both
    (the reconciler validates against it); api.cdrSpool mounts a writable spool volume (emptyDir or a claim) and
    passes --cdr-spool-dir; wazoAuth.url and api.corsOrigins reach the ConfigMap. Off, none of it is rendered."""
    objects = chart.render(variant)
    values = chart.values(variant)
    for name in ("api", "reconciler"):
        v = values[name]
        pod = component(objects, "Deployment", name)["spec"]["template"]["spec"]
        c = pod["containers"][0]
        env_from = c.get("envFrom", [])
        f.expect(env_from[:1] == [{"configMapRef": {"name": "c4-c4confd"}}] and env_from[1:] == v["envFrom"],
                 f"{name}: envFrom {env_from}, expected the chart's ConfigMap then {v['envFrom']}")
        env = c.get("env", [])
        f.expect(all(e in env for e in v["extraEnv"]), f"{name}: extraEnv {v['extraEnv']} not all in {env}")
        volumes, mounts = pod.get("volumes", []), c.get("volumeMounts", [])
        f.expect(all(x in volumes for x in v["extraVolumes"]), f"{name}: extraVolumes missing from {volumes}")
        f.expect(all(x in mounts for x in v["extraVolumeMounts"]), f"{name}: extraVolumeMounts missing from {mounts}")
        f.expect(len({x["name"] for x in volumes}) == len(volumes), f"{name}: two volumes share a name")
        if variant == "all":
            f.expect(len(env_from) > 1 and v["extraEnv"] and v["extraVolumes"] and v["extraVolumeMounts"],
                     f"{name}: the all-features values do not exercise every extra setting")
    sd = values["secrets"]["secretsDir"]
    api = component(objects, "Deployment", "api")["spec"]["template"]["spec"]
    args = api["containers"][0]["args"]
    secret_volumes = [x for x in api.get("volumes", []) if x.get("name") == "secrets-dir"]
    secret_mounts = [m for m in api["containers"][0].get("volumeMounts", []) if m["name"] == "secrets-dir"]
    if sd["enabled"]:
        secret = sd["existingSecret"] or values["secrets"]["existingSecret"]
        f.expect(len(secret_volumes) == 1 and secret_volumes[0].get("secret", {}).get("secretName") == secret,
                 f"api: no secret volume of {secret} for the secrets directory: {secret_volumes}")
        f.expect(len(secret_mounts) == 1 and secret_mounts[0]["mountPath"] == sd["mountPath"] and
                 secret_mounts[0].get("readOnly") is True,
                 f"api: the secrets directory is not mounted read-only at {sd['mountPath']}: {secret_mounts}")
        f.expect("--secrets-dir" in args and args[args.index("--secrets-dir") + 1] == sd["mountPath"],
                 f"api: serve is not given --secrets-dir {sd['mountPath']}: {args}")
    else:
        f.expect(not secret_volumes and not secret_mounts and "--secrets-dir" not in args,
                 "api: a secrets directory is mounted or passed while secrets.secretsDir is off")
    reconciler = component(objects, "Deployment", "reconciler")["spec"]["template"]["spec"]
    r_args = reconciler["containers"][0]["args"]
    # It validates passwordFrom files against the same directory (else it refuses every one),
    # but never reads a secret: the flag without the volume.
    f.expect(not any(x["name"] == "secrets-dir" for x in reconciler.get("volumes", [])),
             "the reconciler (which never resolves secrets) mounts the secrets directory")
    if sd["enabled"]:
        f.expect("--secrets-dir" in r_args and r_args[r_args.index("--secrets-dir") + 1] == sd["mountPath"],
                 f"the reconciler validates without --secrets-dir {sd['mountPath']}: {r_args}")
    else:
        f.expect("--secrets-dir" not in r_args, "the reconciler is given --secrets-dir while secrets.secretsDir is off")
    spool = values["api"]["cdrSpool"]
    api_c = api["containers"][0]
    spool_volumes = [x for x in api.get("volumes", []) if x.get("name") == "cdr-spool"]
    spool_mounts = [m for m in api_c.get("volumeMounts", []) if m["name"] == "cdr-spool"]
    if spool["enabled"]:
        f.expect(args[args.index("--cdr-spool-dir") + 1] == spool["mountPath"] if "--cdr-spool-dir" in args else False,
                 f"api: serve is not given --cdr-spool-dir {spool['mountPath']}: {args}")
        f.expect("--cdr-spool-max-bytes" in args and args[args.index("--cdr-spool-max-bytes") + 1] == str(spool["maxBytes"]),
                 f"api: serve is not given --cdr-spool-max-bytes {spool['maxBytes']}: {args}")
        f.expect(len(spool_mounts) == 1 and spool_mounts[0]["mountPath"] == spool["mountPath"] and
                 not spool_mounts[0].get("readOnly"), f"api: the CDR spool is not mounted writable: {spool_mounts}")
        want = ({"persistentVolumeClaim": {"claimName": spool["existingClaim"]}} if spool["existingClaim"]
                else {"emptyDir": {"sizeLimit": spool["sizeLimit"]}})
        f.expect(len(spool_volumes) == 1 and {k: v for k, v in spool_volumes[0].items() if k != "name"} == want,
                 f"api: the CDR spool volume is {spool_volumes}, expected {want}")
    else:
        f.expect("--cdr-spool-dir" in args and args[args.index("--cdr-spool-dir") + 1] == "none" and not spool_volumes,
                 f"api: cdrSpool off, yet serve has a spool: {args} {spool_volumes}")
    claim = chart.render(variant, ["api.cdrSpool.existingClaim=cdr-spool-claim"])
    claim_volumes = component(claim, "Deployment", "api")["spec"]["template"]["spec"].get("volumes", [])
    f.expect({"name": "cdr-spool", "persistentVolumeClaim": {"claimName": "cdr-spool-claim"}} in claim_volumes or
             not spool["enabled"], f"api.cdrSpool.existingClaim does not become the spool volume: {claim_volumes}")
    config = of_kind(objects, "ConfigMap")[0]["data"]
    url = values.get("wazoAuth", {}).get("url", "")
    f.expect(config.get("C4CONFD_WAZO_AUTH_URL", "") == url,
             f"C4CONFD_WAZO_AUTH_URL {config.get('C4CONFD_WAZO_AUTH_URL')!r}, expected {url!r}")
    origins = ",".join(values["api"].get("corsOrigins", []))
    f.expect(config.get("C4CONFD_CORS_ORIGIN", "") == origins,
             f"C4CONFD_CORS_ORIGIN {config.get('C4CONFD_CORS_ORIGIN')!r}, expected {origins!r}")
    if variant == "all":
        f.expect(origins != "", "the all-features values set no api.corsOrigins")


def check_readme_values_table(chart, variant, f):
    """The values table of README.md is what scripts/chart-readme.py generates from values.yaml and
    values.schema.json; a changed default or description makes the comparison fail, naming the value."""
    script = os.path.join(SCRIPTS, "chart-readme.py")
    result = subprocess.run([script, "--check", chart.dir], capture_output=True, text=True)
    f.expect(result.returncode == 0, f"README.md is out of date:\n{result.stdout}{result.stderr}")
    with open(os.path.join(chart.dir, "README.md")) as fh:
        readme = fh.read()
    for name in ("api.replicas", "networkPolicy.egress.postgresql.ports", "secrets.secretsDir.mountPath",
                 "tests.routing.expectRoute", "api.extraVolumeMounts"):
        f.expect(f"| `{name}` |" in readme, f"README.md has no row for {name}")
    drifts = [("values.yaml", "  replicas: 2\n", "  replicas: 4\n", "api.replicas"),
              ("values.schema.json", '"Kubernetes imagePullPolicy."', '"How to pull."', "image.pullPolicy")]
    for file_name, old, new, value in drifts:
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "chart")
            shutil.copytree(chart.dir, copy)
            path = os.path.join(copy, file_name)
            with open(path) as fh:
                text = fh.read()
            f.expect(text.count(old) == 1, f"{file_name}: {old!r} is not there once to change")
            with open(path, "w") as fh:
                fh.write(text.replace(old, new, 1))
            result = subprocess.run([script, "--check", copy], capture_output=True, text=True)
            f.expect(result.returncode == 1 and f"`{value}`" in result.stdout,
                     f"changing {value} in {file_name} did not make the check fail naming it:\n{result.stdout}")


# A question examples/ routes (acme's Paris PBX calls an Italian number: out through a
# trunk), and one it does not (an unknown caller dialling a number nobody has).
ROUTED = ["tests.routing.fromUri=sip:0140000123@paris.acme.example.com",
          "tests.routing.toUri=sip:00390612345678@paris.acme.example.com",
          "tests.routing.sourceIp=192.0.2.10"]
UNROUTED_BODY = {"event": "sip-routing", "from_uri": "sip:1@nowhere.example", "to_uri": "sip:999@nowhere.example",
                 "source_ip": "198.18.0.1", "source_port": 5060}
KAMAILIO_TOKEN = "helm-test-kamailio-token"


class RunningC4confd:
    """`c4confd all` on examples/ (read as a directory), a fresh database and a free loopback port. Loopback is
    not a trusted network for it, so the Kamailio endpoints need the token."""

    def __init__(self, binary, source_dir, base_url, extra_args=()):
        self.base_url = base_url
        self.db = f"c4confd_helm_test_{os.getpid()}"
        self.psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
        self.sql(f'drop database if exists "{self.db}"')
        self.sql(f'create database "{self.db}"')
        parts = urllib.parse.urlsplit(base_url)
        db_url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.db}"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "C4CONFD_KAMAILIO_TOKEN": KAMAILIO_TOKEN,
               "VOXBONE_PASSWORD": "next-hop-secret-voxbone", "C4_SECRET_VOXBONE_PASSWORD": "next-hop-secret-voxbone"}
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([binary, "all", source_dir, "--listen", f"127.0.0.1:{self.port}",
                                      "--database-url", db_url, "--trusted-networks", "192.0.2.0/32",
                                      "--interval", "1s", *extra_args], env=env, stdout=self.log, stderr=self.log)

    def sql(self, statement):
        subprocess.run([self.psql, "-X", "-q", self.base_url, "-c", statement], capture_output=True, check=True)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=2) as r:
                    ready = r.status == 204
                # 204 may come from the empty database's snapshot, before the first apply: wait
                # for the routing snapshot of a revision.
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=2) as r:
                    if ready and 'snapshot_revision_info{snapshot="routing",revision=""}' not in r.read().decode():
                        return True
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        self.log.seek(0)
        raise SystemExit(f"c4confd all did not become ready:\n{self.log.read().decode(errors='replace')[-3000:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.sql(f'drop database if exists "{self.db}" with (force)')


def run_test_pod(container, env_changes):
    """Runs the test Pod's command and script here, with its env (values only) changed as given."""
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    env.update(env_changes)
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    return subprocess.run(container["command"] + container["args"], env=env, capture_output=True, text=True,
                          timeout=120)


def check_helm_test_against_c4confd(chart, variant, f):
    """The test Pod's own command and script, run here by bash against a real `c4confd all` serving examples/:
    it passes when /status is 204 and the question gets a route; it fails, saying why, when a route is expected
    and there is none, when the token is wrong (403), and when nothing listens. No next-hop password of the
    answers is ever printed."""
    base_url = os.environ.get("C4CONFD_DATABASE_URL")
    if not chart.binary or not base_url:
        raise SystemExit("needs --binary and C4CONFD_DATABASE_URL (./c4 test starts PostgreSQL)")
    source = os.path.normpath(os.path.join(chart.dir, "..", "..", "examples"))
    objects = chart.render(variant, ROUTED + ["secrets.kamailioToken.enabled=true", "tests.routing.expectRoute=true",
                                              "tests.timeoutSeconds=5"])
    c = test_pod(objects)["spec"]["containers"][0]
    service = RunningC4confd(chart.binary, source, base_url)
    outputs = []
    try:
        service.wait_ready()
        here = {"C4_TEST_HOST": "127.0.0.1", "C4_TEST_PORT": str(service.port), "C4_TEST_TOKEN": KAMAILIO_TOKEN}
        run = run_test_pod(c, here)
        outputs.append(run.stdout + run.stderr)
        f.expect(run.returncode == 0, f"the test failed against a ready c4confd:\n{run.stdout}{run.stderr}")
        f.expect("GET /status answered 'HTTP/1.1 204" in run.stdout and
                 "POST /1.0/kamailio/routing answered 'HTTP/1.1 200" in run.stdout,
                 f"the test did not report both checks:\n{run.stdout}")
        unrouted = dict(here, C4_TEST_ROUTING_BODY=json.dumps(UNROUTED_BODY))
        run = run_test_pod(c, unrouted)
        outputs.append(run.stdout + run.stderr)
        f.expect(run.returncode == 1 and "FAIL: no route" in run.stdout,
                 f"a question without a route passed while a route is expected:\n{run.stdout}{run.stderr}")
        run = run_test_pod(c, dict(unrouted, C4_TEST_EXPECT_ROUTE="false"))
        f.expect(run.returncode == 0, f"an rtjson 'no route' answer failed with expectRoute false:\n{run.stdout}")
        run = run_test_pod(c, dict(here, C4_TEST_TOKEN="not-the-token"))
        outputs.append(run.stdout + run.stderr)
        f.expect(run.returncode == 1 and "HTTP/1.1 403" in run.stdout and "expected 200" in run.stdout,
                 f"a wrong token did not fail the routing check with the 403:\n{run.stdout}{run.stderr}")
    finally:
        service.stop()
    run = run_test_pod(c, {"C4_TEST_HOST": "127.0.0.1", "C4_TEST_PORT": str(service.port)})
    outputs.append(run.stdout + run.stderr)
    f.expect(run.returncode == 1 and "FAIL: cannot connect" in run.stdout,
             f"the test passed or did not say why with nothing listening:\n{run.stdout}{run.stderr}")
    f.expect(not any("next-hop-secret" in o for o in outputs), "the test printed a next-hop password")


# Values that are plain Kubernetes objects (documented by the comment on the block itself).
KUBERNETES_BLOCKS = {"podSecurityContext", "securityContext", "resources", "requests", "limits", "probes",
                     "startup", "readiness", "liveness", "seccompProfile", "capabilities"}


CHECKS = {name[len("check_"):]: fn for name, fn in globals().items() if name.startswith("check_")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--helm", help="path of the helm binary")
    where.add_argument("--install-script", help="script that installs helm and prints its path")
    parser.add_argument("--chart", required=True)
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("variant", nargs="?", default="default", choices=["default", "ha", "all"])
    parser.add_argument("--binary", help="the built c4confd (checks that run the real service)")
    args = parser.parse_args()
    helm = args.helm
    if args.install_script:
        installed = subprocess.run([args.install_script], capture_output=True, text=True)
        if installed.returncode != 0:
            raise SystemExit(f"{args.install_script} failed:\n{installed.stderr}")
        helm = installed.stdout.strip()
    if not os.path.isabs(helm) or not os.access(helm, os.X_OK):
        raise SystemExit(f"helm not found at {helm!r}")
    f = Failures()
    chart = Chart(helm, args.chart)
    chart.binary = args.binary
    CHECKS[args.check](chart, args.variant, f)
    if f.items:
        print(f"{args.check} ({args.variant}): {len(f.items)} of {f.checked} assertions failed:")
        for item in f.items:
            print("  - " + item)
        return 1
    print(f"{args.check} ({args.variant}): {f.checked} assertions passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
