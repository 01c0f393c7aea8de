"""bench/lib/gbench.py and timev.py: figures are read from the tools' own output, units converted."""
import json
import os
import stat
import sys
import tempfile
import textwrap
import unittest

from helpers import run_tool


def fake_benchmark_binary(directory, doc, exit_code=0, printed=None):
    """An executable that writes `doc` where --benchmark_out= says, as Google Benchmark's
    JSON output would be, after printing `printed` (a JSON object) on stdout; it records its
    arguments in args.json."""
    path = os.path.join(directory, "fake_bench")
    with open(path, "w") as f:
        f.write(textwrap.dedent("""\
            #!%s
            import json, sys
            json.dump(sys.argv[1:], open(%r, "w"))
            if %r:
                print(json.dumps(%r))
            print("a table for people")
            for a in sys.argv[1:]:
                if a.startswith("--benchmark_out="):
                    json.dump(%r, open(a.split("=", 1)[1], "w"))
            sys.exit(%d)
            """) % (sys.executable, os.path.join(directory, "args.json"), printed, printed, doc, exit_code))
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
    return path


def run(name, real, cpu, unit="ns", **counters):
    return dict({"name": name, "run_name": name, "run_type": "iteration", "iterations": 1000, "real_time": real,
                 "cpu_time": cpu, "time_unit": unit}, **counters)


class GbenchTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def test_median_of_repetitions_in_nanoseconds_with_counters(self):
        doc = {"context": {"num_cpus": 2}, "benchmarks": [
            run("BM_Build", 1.5, 1.4, "s", rss_mib=250.0), run("BM_Build", 1.7, 1.6, "s", rss_mib=260.0),
            run("BM_Build", 1.6, 1.5, "s", rss_mib=255.0), run("BM_Lookup", 80, 79), run("BM_Lookup", 90, 88),
            run("BM_Lookup", 70, 69)]}
        p = run_tool("lib/gbench.py", "--binary", fake_benchmark_binary(self.dir.name, doc), "--repetitions", "3")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout)["benchmarks"]
        self.assertAlmostEqual(out["BM_Build"]["real_time_ns"], 1.6e9)
        self.assertAlmostEqual(out["BM_Build"]["counters"]["rss_mib"], 255.0)
        self.assertAlmostEqual(out["BM_Lookup"]["cpu_time_ns"], 79)
        self.assertEqual(out["BM_Lookup"]["repetitions"], 3)
        self.assertEqual(out["BM_Lookup"]["iterations"], 1000)

    def test_google_benchmarks_own_median_aggregate_is_preferred(self):
        median = dict(run("BM_Lookup", 5, 5, "us"), run_type="aggregate", aggregate_name="median", iterations=3)
        doc = {"benchmarks": [run("BM_Lookup", 1, 1, "us"), run("BM_Lookup", 9, 9, "us"), median]}
        p = run_tool("lib/gbench.py", "--binary", fake_benchmark_binary(self.dir.name, doc))
        out = json.loads(p.stdout)["benchmarks"]["BM_Lookup"]
        self.assertAlmostEqual(out["real_time_ns"], 5000)
        self.assertEqual(out["iterations"], 1000)

    def test_lines_printed_as_json_are_kept_and_arguments_go_before_the_flags(self):
        doc = {"benchmarks": [run("BM_Lookup", 10, 10)]}
        binary = fake_benchmark_binary(self.dir.name, doc, printed={"compile_s": 0.08})
        p = run_tool("lib/gbench.py", "--binary", binary, "--filter", "BM_Lookup", "--", "/some/repo")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["printed"], [{"compile_s": 0.08}])
        with open(os.path.join(self.dir.name, "args.json")) as f:
            argv = json.load(f)
        self.assertEqual(argv[0], "/some/repo")
        self.assertIn("--benchmark_filter=BM_Lookup", argv)

    def test_a_benchmark_that_reports_an_error_fails(self):
        doc = {"benchmarks": [dict(run("BM_Build", 1, 1), error_occurred=True, error_message="no repository")]}
        p = run_tool("lib/gbench.py", "--binary", fake_benchmark_binary(self.dir.name, doc))
        self.assertEqual(p.returncode, 1)
        self.assertIn("no repository", p.stderr)

    def test_a_binary_that_fails_fails(self):
        p = run_tool("lib/gbench.py", "--binary", fake_benchmark_binary(self.dir.name, {"benchmarks": []}, 3))
        self.assertEqual(p.returncode, 1)
        self.assertIn("exited with 3", p.stderr)


TIME_V = textwrap.dedent("""\
    \tCommand being timed: "c4confd apply repo"
    \tUser time (seconds): 2.61
    \tSystem time (seconds): 0.30
    \tPercent of CPU this job got: 80%
    \tElapsed (wall clock) time (h:mm:ss or m:ss): 1:03.25
    \tMaximum resident set size (kbytes): 96768
    """)


class TimevTest(unittest.TestCase):
    def test_wall_cpu_and_peak_rss_are_read(self):
        with tempfile.NamedTemporaryFile("w", suffix=".time", delete=False) as f:
            f.write(TIME_V)
        try:
            p = run_tool("lib/timev.py", f.name)
            self.assertEqual(p.returncode, 0, p.stderr)
            [r] = json.loads(p.stdout)
            self.assertEqual(r["wall_s"], 63.25)
            self.assertEqual(r["cpu_s"], 2.91)
            self.assertEqual(r["max_rss_mib"], 94.5)
        finally:
            os.unlink(f.name)

    def test_output_of_a_command_that_did_not_run_is_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".time", delete=False) as f:
            f.write("Command exited with non-zero status 127\n")
        try:
            p = run_tool("lib/timev.py", f.name)
            self.assertEqual(p.returncode, 1)
            self.assertIn("did the command run?", p.stderr)
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
