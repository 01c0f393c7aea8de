"""bench/lib/options.sh: the one option parser of bench/*.sh sets what each option names and
refuses what it does not know."""
import os
import subprocess
import unittest

OPTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "options.sh")

# A benchmark-like script: the defaults, a table, the parse, then every variable printed.
SCRIPT = r'''
set -euo pipefail
. "$OPTIONS"
usage() { echo "usage: fake"; }
RUNS=3 DIDS=1 FILES=2 TENANTS=3 PREFIXES=4 SEED=5 REGEN=0 RECORD=1 BUILD_DIR=b BUILD=1 SINGLE=1 URL=u
BENCH_OPTIONS=(--runs=RUNS --no-single-thread:SINGLE=0 --no-url:URL= "${BENCH_REPO_OPTIONS[@]}" "${BENCH_BUILD_OPTIONS[@]}")
bench_parse_options "$@"
for v in RUNS DIDS FILES TENANTS PREFIXES SEED REGEN RECORD BUILD_DIR BUILD SINGLE URL; do echo "$v=${!v}"; done
'''


def run(*args):
    p = subprocess.run(["bash", "-c", SCRIPT, "fake.sh", *args], capture_output=True, text=True,
                       env=dict(os.environ, OPTIONS=OPTIONS), timeout=30)
    values = dict(line.split("=", 1) for line in p.stdout.splitlines() if "=" in line)
    return p, values


class OptionsTest(unittest.TestCase):
    def test_defaults_stay_without_options(self):
        p, v = run()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual((v["RUNS"], v["DIDS"], v["REGEN"], v["RECORD"], v["BUILD"]), ("3", "1", "0", "1", "1"))

    def test_values_flags_and_shared_tables_are_set(self):
        p, v = run("--runs", "7", "--dids=100", "--routing-prefixes", "9", "--regen", "--no-record",
                   "--build-dir", "/tmp/a b", "--no-build", "--no-single-thread", "--no-url")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(v["RUNS"], "7")
        self.assertEqual(v["DIDS"], "100")
        self.assertEqual(v["PREFIXES"], "9")
        self.assertEqual((v["REGEN"], v["RECORD"], v["BUILD"], v["SINGLE"]), ("1", "0", "0", "0"))
        self.assertEqual(v["BUILD_DIR"], "/tmp/a b")
        self.assertEqual(v["URL"], "")

    def test_a_value_may_hold_spaces_quotes_and_equals(self):
        p, v = run("--build-dir", "x=y 'z'")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(v["BUILD_DIR"], "x=y 'z'")

    def test_unknown_option_is_a_usage_error(self):
        p, _ = run("--bogus")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown option --bogus", p.stderr)
        self.assertIn("usage: fake", p.stderr)

    def test_missing_value_is_a_usage_error(self):
        p, _ = run("--runs")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--runs needs a value", p.stderr)

    def test_a_flag_does_not_take_a_value_by_prefix(self):
        p, _ = run("--no-build-dir", "x")
        self.assertEqual(p.returncode, 2)

    def test_help_prints_usage_and_exits_0(self):
        p, _ = run("--help")
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout.strip(), "usage: fake")


if __name__ == "__main__":
    unittest.main()
