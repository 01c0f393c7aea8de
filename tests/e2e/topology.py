"""The example switch on loopback: where each IPBX and trunk of examples/ lives in a test.

examples/ uses documentation addresses and host names. A test copies it into a local Git
repository and moves every host onto a loopback address, with the ports the test picked:

    192.0.2.N, 198.51.100.N  (the PBXs)      ->  127.0.0.N
    203.0.113.N              (the carriers)  ->  127.0.1.N
    host names                               ->  the address of their allowed sources

so the address a sipp instance sends from is the one c4confd recognises it by. Capacity
limits are removed from the copy: the load run must measure the router, not the limits.
"""

import os
import re
import shutil
import subprocess

from stack import SOURCE_DIR, E2EError

# name -> (kind, address its sipp UAS listens on and calls from)
HOSTS = {
    "acme-paris-hq": ("IPBX", "127.0.0.10"),
    "acme-lyon": ("IPBX", "127.0.0.33"),
    "lagoon-venezia": ("IPBX", "127.0.0.40"),
    "lagoon-roma": ("IPBX", "127.0.0.49"),
    "orange-paris": ("CarrierTrunk", "127.0.1.10"),
    "orange-lyon": ("CarrierTrunk", "127.0.1.20"),
    "voxbone-fr": ("CarrierTrunk", "127.0.1.130"),
    "tim-milano": ("CarrierTrunk", "127.0.1.65"),
    "tim-roma": ("CarrierTrunk", "127.0.1.80"),
}

SECRETS = {
    "C4_SECRET_ORANGE_PARIS_PASSWORD": "e2e-orange",
    "C4_SECRET_VOXBONE_PASSWORD": "e2e-voxbone",
    "C4_SECRET_TIM_MILANO_PASSWORD": "e2e-tim",
    "C4_SECRET_ACME_LYON_SIP_PASSWORD": "e2e-lyon",
    "C4_SECRET_LAGOON_ROMA_SIP_PASSWORD": "e2e-roma",
}

NOC_TOKEN = "c4demo-noc-8c1f2e7a94b3d605"  # examples/README.md: sees both tenants


def loopback_address(text):
    """Documentation addresses of examples/ moved onto 127.0.0.0/8 (see the module doc)."""
    text = re.sub(r"\b(?:192\.0\.2|198\.51\.100)\.(\d+)", r"127.0.0.\1", text)
    return re.sub(r"\b203\.0\.113\.(\d+)", r"127.0.1.\1", text)


def _rewrite_document(doc, ports):
    """One YAML document: loopback addresses; for a host of HOSTS, its address and port."""
    doc = loopback_address(doc)
    doc = re.sub(r"(?m)^  capacity:.*\n", "", doc)
    m = re.search(r"(?m)^kind:\s*(\S+)\s*$", doc)
    n = re.search(r"(?m)^metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*(\S+)", doc)
    if not m or not n or n.group(1) not in HOSTS:
        return doc
    name = n.group(1)
    kind, address = HOSTS[name]
    if m.group(1) != kind:
        return doc
    host_key, port_key = ("host", "port") if kind == "IPBX" else ("sipProxy", "sipProxyPort")
    doc, count = re.subn(rf"(?m)^(  {host_key}:)\s*\S+\s*$", rf"\g<1> {address}", doc)
    if count != 1:
        raise E2EError(f"{kind} {name}: expected one '{host_key}:' line in the example")
    if re.search(rf"(?m)^  {port_key}:", doc):
        doc = re.sub(rf"(?m)^(  {port_key}:)\s*\S+\s*$", rf"\g<1> {ports[name]}", doc)
    else:
        doc = re.sub(rf"(?m)^(  {host_key}: .*)$", rf"\1\n  {port_key}: {ports[name]}", doc)
    return doc


def _manifest_files(repo_dir):
    """Yields (path, documents) for every .yaml/.yml file below repo_dir, its YAML documents
    split on '---' lines (join them with "---" to write the file back)."""
    for root, _, files in os.walk(repo_dir):
        for f in files:
            if not f.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(root, f)
            with open(path) as fh:
                text = fh.read()
            yield path, re.split(r"(?m)^---\s*$", text)


def rewrite_manifests(repo_dir, ports):
    """Rewrites every .yaml of repo_dir in place (see _rewrite_document)."""
    for path, docs in _manifest_files(repo_dir):
        new = "---".join(_rewrite_document(d, ports) for d in docs)
        with open(path, "w") as fh:
            fh.write(new)


def git(repo_dir, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="e2e", GIT_AUTHOR_EMAIL="e2e@c4confd.test",
               GIT_COMMITTER_NAME="e2e", GIT_COMMITTER_EMAIL="e2e@c4confd.test")
    done = subprocess.run(["git", "-C", repo_dir, *args], env=env, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise E2EError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def make_repository(repo_dir, ports):
    """A Git repository (branch main) holding examples/ moved onto loopback; one commit."""
    shutil.copytree(os.path.join(SOURCE_DIR, "examples"), repo_dir,
                    ignore=shutil.ignore_patterns("kamailio"))
    rewrite_manifests(repo_dir, ports)
    git(repo_dir, "init", "-q", "-b", "main")
    git(repo_dir, "add", "-A")
    git(repo_dir, "commit", "-q", "-m", "examples on loopback addresses")
    return git(repo_dir, "rev-parse", "HEAD")


def move_did(repo_dir, did_name, new_ipbx):
    """Commits a change that gives DID did_name to IPBX new_ipbx; returns the commit id."""
    for path, docs in _manifest_files(repo_dir):
        changed = False
        for i, doc in enumerate(docs):
            if re.search(r"(?m)^kind:\s*DID\s*$", doc) and \
                    re.search(rf"(?m)^\s+name:\s*{re.escape(did_name)}\s*$", doc):
                docs[i], count = re.subn(r"(?m)^(  ipbx:)\s*\S+\s*$",
                                         rf"\g<1> {new_ipbx}", doc)
                changed = count == 1
        if changed:
            with open(path, "w") as fh:
                fh.write("---".join(docs))
            git(repo_dir, "commit", "-q", "-am", f"move DID {did_name} to {new_ipbx}")
            return git(repo_dir, "rev-parse", "HEAD")
    raise E2EError(f"DID {did_name} not found in {repo_dir}")
