"""Shared by the harness tests: where bench/ is, and running one of its tools."""
import os
import subprocess
import sys

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)


def run_tool(relpath, *args, stdin=None):
    """Runs bench/<relpath> with the Python running the tests; returns the CompletedProcess."""
    return subprocess.run([sys.executable, os.path.join(BENCH, relpath), *args], input=stdin,
                          capture_output=True, text=True)


def read_text(path):
    """The content of `path`, or None when it does not exist."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()
