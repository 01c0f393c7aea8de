#!/usr/bin/python3
"""Checks of the Dockerfile that need no container engine (none runs on the build machines).

Usage: dockerfile_test.py --root REPO --binary BUILT_C4CONFD CHECK

The Dockerfile must install its packages from the lists ./c4 installs from (read by ./c4
itself), its runtime list must provide every shared library the built binary links, and the
image must agree with the Helm chart (non-root uid/gid, Git cache directory, ports).
Each check prints what it checked and exits 0, or prints every failure and exits 1.
"""

import argparse
import json
import os
import re
import subprocess
import sys

import yaml

# Packages every debian:bookworm-slim image holds (apt and dpkg need them), so the runtime
# list need not name them.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}


class Failures:
    def __init__(self):
        self.items = []
        self.checked = 0

    def expect(self, condition, message):
        self.checked += 1
        if not condition:
            self.items.append(message)


def parse_dockerfile(path):
    """[(stage name, [(instruction, argument text, line number)])]; continuation lines joined."""
    stages = []
    with open(path) as f:
        lines = f.read().splitlines()
    n, pending, start = 0, "", 0
    instructions = []
    for n, line in enumerate(lines, 1):
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue
        if not pending:
            start = n
        pending += line.rstrip("\\").strip() + " "
        if line.rstrip().endswith("\\"):
            continue
        word, _, rest = pending.strip().partition(" ")
        instructions.append((word.upper(), rest.strip(), start))
        pending = ""
    current = None
    for ins in instructions:
        if ins[0] == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", ins[1], re.I)
            current = (m.group(2) or m.group(1), [])
            stages.append(current)
        elif current is not None:
            current[1].append(ins)
    args = {m.group(1): m.group(2) for word, text, _ in instructions if word == "ARG"
            for m in [re.match(r"(\w+)=(\S+)", text)] if m}
    froms = [(text, line) for word, text, line in instructions if word == "FROM"]
    return stages, args, froms


def read_list(root, name):
    """The package names of one list, read by ./c4 itself (the reader the Dockerfile uses)."""
    out = subprocess.run([os.path.join(root, "c4"), "packages", os.path.join(root, "scripts", name)],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def stage(stages, name):
    for stage_name, instructions in stages:
        if stage_name == name:
            return instructions
    raise SystemExit(f"the Dockerfile has no stage named {name!r}")


def check_stages_and_entrypoint(root, binary, f):
    """Two stages on Debian bookworm; the runtime stage runs c4confd serve as a fixed non-root user."""
    stages, args, froms = parse_dockerfile(os.path.join(root, "Dockerfile"))
    f.expect([s for s, _ in stages] == ["build", "runtime"], f"stages {[s for s, _ in stages]}, expected build, runtime")
    for text, line in froms:
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), text.split()[0])
        f.expect(image.startswith("debian:bookworm"), f"Dockerfile:{line}: FROM {image} is not Debian bookworm")
    runtime = stage(stages, "runtime")
    last = {word: text for word, text, _ in runtime}
    f.expect(json.loads(last.get("ENTRYPOINT", "null")) == ["c4confd"], f"ENTRYPOINT is {last.get('ENTRYPOINT')}")
    f.expect(json.loads(last.get("CMD", "null")) == ["serve"], f"CMD is {last.get('CMD')}")
    f.expect("9600" in last.get("EXPOSE", "").split(), f"EXPOSE {last.get('EXPOSE')} lacks 9600")
    user = last.get("USER", "0")
    uid, _, gid = user.partition(":")
    f.expect(uid.isdigit() and int(uid) != 0, f"USER {user!r} is not a numeric non-root uid (runAsNonRoot needs a number)")
    with open(os.path.join(root, "charts", "c4confd", "values.yaml")) as fh:
        values = yaml.safe_load(fh)
    psc = values["podSecurityContext"]
    f.expect(uid == str(psc["runAsUser"]) and gid == str(psc["runAsGroup"]),
             f"USER {user} differs from the chart's runAsUser/runAsGroup {psc['runAsUser']}:{psc['runAsGroup']}")
    copies = [text for word, text, _ in runtime if word == "COPY"]
    f.expect(any("/usr/local/bin/c4confd" in c and "--from=build" in c for c in copies),
             "the runtime stage does not copy the binary from the build stage to /usr/local/bin/c4confd")
    env = " ".join(text for word, text, _ in runtime if word == "ENV")
    cache = re.search(r"C4CONFD_CACHE_DIR=(\S+)", env)
    f.expect(cache is not None, "the image sets no C4CONFD_CACHE_DIR")
    chart_cache = "/var/cache/c4confd/git"
    configmap = open(os.path.join(root, "charts", "c4confd", "templates", "configmap.yaml")).read()
    f.expect(f'C4CONFD_CACHE_DIR: "{chart_cache}"' in configmap, "the chart's Git cache dir is not " + chart_cache)
    if cache:
        f.expect(cache.group(1) == chart_cache, f"the image's Git cache {cache.group(1)} differs from the chart's")
    runs = " ".join(text for word, text, _ in runtime if word == "RUN")
    f.expect(re.search(r"install -d -o 10001 -g 10001 [^&]*/var/cache/c4confd", runs) is not None,
             "the runtime stage does not give the Git cache's parent directory to the c4confd user")


def check_package_lists_come_from_scripts(root, binary, f):
    """Each stage installs one list of scripts/, read by ./c4, and names no package itself."""
    stages, _, _ = parse_dockerfile(os.path.join(root, "Dockerfile"))
    for name, wanted in (("build", "packages.txt"), ("runtime", "packages-runtime.txt")):
        runs = [(text, line) for word, text, line in stage(stages, name) if word == "RUN"]
        installs = [(t, l) for t, l in runs if "apt-get install" in t]
        f.expect(len(installs) == 1, f"stage {name}: {len(installs)} RUN lines install packages, expected 1")
        for text, line in installs:
            m = re.search(r"(\S*/)?c4 packages (\S+)\s*\|\s*xargs [^|&]*apt-get install", text)
            f.expect(m is not None and os.path.basename(m.group(2)) == wanted,
                     f"Dockerfile:{line}: stage {name} does not pipe `c4 packages .../{wanted}` into apt-get install")
            after = text.split("apt-get install", 1)[1].split("&&", 1)[0]
            named = [w for w in after.split() if not w.startswith("-")]
            f.expect(not named, f"Dockerfile:{line}: stage {name} names packages itself: {named}")
    build_list, runtime_list = read_list(root, "packages.txt"), read_list(root, "packages-runtime.txt")
    f.expect(build_list and runtime_list, "a package list is empty")
    everything = subprocess.run([os.path.join(root, "c4"), "packages"], capture_output=True, text=True,
                                check=True).stdout.split()
    missing = [p for p in runtime_list + build_list if p not in everything]
    f.expect(not missing, f"./c4 deps would not install {missing}")
    dev = [p for p in runtime_list if p.endswith("-dev") or p in ("build-essential", "cmake", "ninja-build")]
    f.expect(not dev, f"the runtime list holds build packages {dev}")


def check_runtime_packages_cover_binary(root, binary, f):
    """Every shared library the built c4confd links comes from a runtime package (or the base image), and every
    runtime package exists in Debian 12 under that name (./c4 deps installed it here)."""
    out = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    f.expect(len(needed) >= 5, f"readelf found only {needed} in {binary}")
    runtime = set(read_list(root, "packages-runtime.txt"))
    for lib in needed:
        owners = subprocess.run(["dpkg-query", "-S", f"*/{lib}"], capture_output=True, text=True).stdout
        packages = {line.split(":", 1)[0].split(",")[0].strip() for line in owners.splitlines() if ":" in line}
        f.expect(bool(packages), f"{lib}: no installed package provides it")
        f.expect(bool(packages & (runtime | BASE_IMAGE_PACKAGES)),
                 f"{lib} comes from {sorted(packages)}, none of which is in scripts/packages-runtime.txt")
    status = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *sorted(runtime)],
                            capture_output=True, text=True).stdout
    installed = {line.split()[0] for line in status.splitlines() if line.endswith(" installed")}
    f.expect(installed == runtime, f"runtime packages not installed here (misspelt?): {sorted(runtime - installed)}")


def check_dockerignore_keeps_context_small(root, binary, f):
    """The build context leaves out build output, private servers, tool caches and Git history."""
    with open(os.path.join(root, ".dockerignore")) as fh:
        entries = {line.strip().rstrip("/") for line in fh if line.strip() and not line.startswith("#")}
    for path in (".git", "build", ".run", ".tools"):
        f.expect(path in entries, f".dockerignore does not exclude {path}")
    for path in ("c4", "scripts", "CMakeLists.txt", "schemas", "tests"):
        f.expect(path not in entries, f".dockerignore excludes {path}, which the build needs")


OCI_LABELS = ("source", "revision", "version", "licenses")


def project_version(root):
    with open(os.path.join(root, "CMakeLists.txt")) as fh:
        m = re.search(r"project\(c4confd VERSION (\S+)", fh.read())
    return m.group(1) if m else None


def check_oci_labels_and_revision(root, binary, f):
    """The runtime stage labels the image (OCI source, revision, version, licenses); the revision is the build
    argument C4CONFD_REVISION, which the build stage also gives CMake as the commit `c4confd --version` names;
    the version label's default is the project's version and the chart's appVersion."""
    stages, args, _ = parse_dockerfile(os.path.join(root, "Dockerfile"))
    labels = {}
    for word, text, _ in stage(stages, "runtime"):
        if word == "LABEL":
            labels.update(dict(re.findall(r'(\S+?)="([^"]*)"', text)))
    for name in OCI_LABELS:
        value = labels.get(f"org.opencontainers.image.{name}", "")
        f.expect(value != "", f"the runtime stage sets no org.opencontainers.image.{name} label")
    f.expect(labels.get("org.opencontainers.image.revision") == "${C4CONFD_REVISION}",
             f"the revision label is {labels.get('org.opencontainers.image.revision')!r}, not the build argument")
    f.expect(labels.get("org.opencontainers.image.version") == "${C4CONFD_VERSION}",
             "the version label is not the build argument C4CONFD_VERSION")
    version = project_version(root)
    with open(os.path.join(root, "charts", "c4confd", "Chart.yaml")) as fh:
        app_version = str(yaml.safe_load(fh)["appVersion"])
    f.expect(args.get("C4CONFD_VERSION") == version == app_version,
             f"C4CONFD_VERSION {args.get('C4CONFD_VERSION')}, project version {version} and chart appVersion "
             f"{app_version} differ")
    f.expect(re.fullmatch(r"[A-Za-z0-9.+-]+( (AND|OR) [A-Za-z0-9.+-]+)*", args.get("C4CONFD_LICENSES", "")) is not None,
             f"C4CONFD_LICENSES {args.get('C4CONFD_LICENSES')!r} is not an SPDX expression")
    f.expect(args.get("C4CONFD_SOURCE", "").startswith("https://"), "C4CONFD_SOURCE is not an https:// URL")
    build_runs = " ".join(text for word, text, _ in stage(stages, "build") if word == "RUN")
    f.expect(re.search(r'-DC4CONFD_GIT_COMMIT=[^&]*\$\{C4CONFD_REVISION\}', build_runs) is not None,
             "the build stage does not give C4CONFD_REVISION to CMake as C4CONFD_GIT_COMMIT")
    build_args = [text for word, text, _ in stage(stages, "build") if word == "ARG"]
    f.expect("C4CONFD_REVISION" in build_args, "the build stage does not declare ARG C4CONFD_REVISION")


def check_version_names_the_commit(root, binary, f):
    """`c4confd --version` prints the project version and the commit it was built from: the checkout's HEAD
    (12 hex digits) when the source is a Git checkout, else "unknown"."""
    out = subprocess.run([binary, "--version"], capture_output=True, text=True)
    f.expect(out.returncode == 0, f"c4confd --version exited {out.returncode}: {out.stderr}")
    m = re.fullmatch(r"c4confd (\S+) \(commit ([0-9a-f]{12}|unknown)\)\n", out.stdout)
    f.expect(m is not None, f"c4confd --version printed {out.stdout!r}, not 'c4confd VERSION (commit HASH)'")
    if not m:
        return
    f.expect(m.group(1) == project_version(root), f"version {m.group(1)} is not the project's {project_version(root)}")
    head = subprocess.run(["git", "-C", root, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    expected = head.stdout.strip() if head.returncode == 0 else "unknown"
    f.expect(m.group(2) == expected, f"--version names commit {m.group(2)}, the source is at {expected}")


def check_runtime_has_zone_database(root, binary, f):
    """Routing time windows read the zone database: the runtime list installs tzdata, which holds it."""
    runtime = read_list(root, "packages-runtime.txt")
    f.expect("tzdata" in runtime, "scripts/packages-runtime.txt does not list tzdata")
    files = subprocess.run(["dpkg-query", "-L", "tzdata"], capture_output=True, text=True).stdout.split()
    for zone in ("/usr/share/zoneinfo/Europe/Paris", "/usr/share/zoneinfo/UTC"):
        f.expect(zone in files, f"tzdata does not provide {zone}")


CHECKS = {name[len("check_"):]: fn for name, fn in globals().items() if name.startswith("check_")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("check", choices=sorted(CHECKS))
    args = parser.parse_args()
    f = Failures()
    CHECKS[args.check](args.root, args.binary, f)
    if f.items:
        print(f"{args.check}: {len(f.items)} of {f.checked} assertions failed:")
        for item in f.items:
            print("  - " + item)
        return 1
    print(f"{args.check}: {f.checked} assertions passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
