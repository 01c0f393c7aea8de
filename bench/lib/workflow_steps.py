#!/usr/bin/env python3
"""Runs the `run:` steps of one job of a GitHub Actions workflow, as the runner would, and
prints how long each took, as JSON.

    workflow_steps.py WORKFLOW JOB DIR [NAME=VALUE ...]

Each step runs with `bash --noprofile --norc -eo pipefail` (GitHub's bash) in DIR, with only
the NAME=VALUE variables given, the job's `env:` and the step's `env:` (values that are GitHub
expressions, "${{ ... }}", are the runner's to evaluate: give them as NAME=VALUE). Steps that
`uses:` an action are skipped (the caller did their work, e.g. the checkout). Stops at the
first step that fails. Output: {"steps": [{"name", "status", "seconds"}], "ok": bool}; a
failed step's output goes to stderr. Needs python3-yaml (scripts/packages-test.txt).
"""
import json
import subprocess
import sys
import time

import yaml


def env_of(mapping):
    return {k: str(v) for k, v in (mapping or {}).items() if v is not None and "${{" not in str(v)}


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    workflow, job, cwd = sys.argv[1:4]
    base = dict(a.split("=", 1) for a in sys.argv[4:])
    with open(workflow) as f:
        j = yaml.safe_load(f)["jobs"][job]
    base.update(env_of(j.get("env")))
    steps, ok = [], True
    for step in j["steps"]:
        if "run" not in step:
            continue
        env = dict(base, **env_of(step.get("env")))
        started = time.monotonic()
        p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        steps.append({"name": step.get("name", "run"), "status": p.returncode,
                      "seconds": round(time.monotonic() - started, 3)})
        if p.returncode != 0:
            sys.stderr.write(p.stdout.decode(errors="replace"))
            ok = False
            break
    print(json.dumps({"steps": steps, "ok": ok}))


if __name__ == "__main__":
    main()
