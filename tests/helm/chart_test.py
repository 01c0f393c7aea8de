#!/usr/bin/python3
"""Checks of the Helm chart charts/c4confd: `helm lint` and assertions on `helm template`.

Usage: chart_test.py (--helm HELM | --install-script SCRIPT) --chart DIR CHECK [VALUES]
  SCRIPT  scripts/install-helm.sh: run to get the path of helm (it builds helm when missing)
  CHECK   one of the functions named check_* below (without the prefix)
  VALUES  default (values.yaml) or ha (values.yaml + values-ha.yaml)

Each check renders the chart with the real helm binary and asserts on the parsed objects; it
prints what it checked and exits 0, or prints every failure and exits 1. It is run by ctest
(tests/helm/CMakeLists.txt registers one entry per check and values file). Debian's
/usr/bin/python3 runs it because PyYAML comes from Debian's python3-yaml.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

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
]

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
        elif variant != "default":
            raise SystemExit(f"unknown values variant {variant!r} (default or ha)")
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
    """(object, pod spec) of every Deployment and Job."""
    return [(o, o["spec"]["template"]["spec"]) for o in objects if o.get("kind") in ("Deployment", "Job")]


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
        f.expect(named in result.stderr, f"the error does not name {named}:\n{result.stderr}")


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
    parser.add_argument("variant", nargs="?", default="default", choices=["default", "ha"])
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
    CHECKS[args.check](Chart(helm, args.chart), args.variant, f)
    if f.items:
        print(f"{args.check} ({args.variant}): {len(f.items)} of {f.checked} assertions failed:")
        for item in f.items:
            print("  - " + item)
        return 1
    print(f"{args.check} ({args.variant}): {f.checked} assertions passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
