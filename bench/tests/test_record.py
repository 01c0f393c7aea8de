"""bench/lib/record.py: ratios and `met` are computed from the figures, and bad input is refused."""
import json
import os
import tempfile
import unittest

from helpers import ROOT, read_text, run_tool


def record(checks, **extra):
    """Runs record.py on these checks; returns (process, the JSON line it appended or None)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "results", "x.jsonl")
        doc = dict({"benchmark": "x", "title": "X", "loadavg_before": 0.25, "checks": checks}, **extra)
        p = run_tool("lib/record.py", "--root", ROOT, "--results", out, stdin=json.dumps(doc))
        line = read_text(out)
    return p, json.loads(line) if line else None


def check(value, floor=None, target=None, name="c"):
    c = {"name": name, "value": value, "unit": "s"}
    if floor is not None:
        c["floor"] = floor
    if target is not None:
        c["target"] = target
    return c


AT_MOST_3X = {"on": "ratio", "op": "<=", "limit": 3}


class RecordTest(unittest.TestCase):
    def test_ratio_within_target_is_met(self):
        p, r = record([check(5.6, 1.9, AT_MOST_3X)])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertAlmostEqual(r["checks"][0]["ratio"], 5.6 / 1.9, places=3)
        self.assertTrue(r["checks"][0]["met"])
        self.assertTrue(r["met"])
        self.assertAlmostEqual(r["ratio"], 5.6 / 1.9, places=3)

    def test_ratio_over_target_is_not_met(self):
        p, r = record([check(6.0, 1.9, AT_MOST_3X)])
        self.assertFalse(r["checks"][0]["met"])
        self.assertFalse(r["met"])
        self.assertIn("NO", p.stdout)

    def test_value_target_ignores_the_floor(self):
        _, r = record([check(2.5, 0.1, {"on": "value", "op": "<=", "limit": 2})])
        self.assertFalse(r["checks"][0]["met"])
        _, r = record([check(1.5, 0.1, {"on": "value", "op": "<=", "limit": 2})])
        self.assertTrue(r["checks"][0]["met"])

    def test_at_least_target(self):
        _, r = record([check(400, 1000, {"on": "ratio", "op": ">=", "limit": 0.5})])
        self.assertFalse(r["met"])
        _, r = record([check(600, 1000, {"on": "ratio", "op": ">=", "limit": 0.5})])
        self.assertTrue(r["met"])

    def test_check_without_target_is_information_left_out_of_met(self):
        _, r = record([check(1.0, 1.0, AT_MOST_3X), check(100.0, 1.0, name="info")])
        self.assertTrue(r["met"])
        self.assertIsNone(r["checks"][1]["met"])
        self.assertEqual(r["checks"][1]["ratio"], 100.0)

    def test_unmeasured_check_makes_met_unknown(self):
        _, r = record([check(1.0, 1.0, AT_MOST_3X), check(None, 1.0, AT_MOST_3X)])
        self.assertIsNone(r["met"])
        self.assertIsNone(r["checks"][1]["ratio"])

    def test_one_failed_check_fails_the_record_even_when_another_is_unmeasured(self):
        _, r = record([check(9.0, 1.0, AT_MOST_3X), check(None, 1.0, AT_MOST_3X)])
        self.assertFalse(r["met"])

    def test_record_carries_machine_commit_and_load(self):
        _, r = record([check(1.0, 1.0, AT_MOST_3X)], params={"dids": 5})
        self.assertGreaterEqual(r["machine"]["nproc"], 1)
        self.assertIn("cpu", r["machine"])
        self.assertIn("mem_gib", r["machine"])
        self.assertEqual(r["loadavg_before"], 0.25)
        self.assertIsInstance(r["loadavg_after"], float)
        self.assertEqual(r["params"], {"dids": 5})
        self.assertTrue(r["commit"])
        self.assertRegex(r["date"], r"^\d{4}-\d\d-\d\dT")

    def test_malformed_target_is_refused_naming_the_field(self):
        p, r = record([check(1.0, 1.0, {"on": "speed", "op": "<=", "limit": 3})])
        self.assertEqual(p.returncode, 2)
        self.assertIn("checks[0].target", p.stderr)
        self.assertIsNone(r)

    def test_missing_value_is_refused_naming_the_field(self):
        p, r = record([{"name": "c"}])
        self.assertEqual(p.returncode, 2)
        self.assertIn('checks[0]: missing field "value"', p.stderr)
        self.assertIsNone(r)

    def test_input_that_is_not_json_is_refused(self):
        p = run_tool("lib/record.py", "--root", ROOT, "--results", "", stdin="{oops")
        self.assertEqual(p.returncode, 2)
        self.assertIn("not JSON", p.stderr)


if __name__ == "__main__":
    unittest.main()
