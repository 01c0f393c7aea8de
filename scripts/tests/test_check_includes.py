"""scripts/check_includes.py: the include rule passes the real tree and fails, naming file:line,
on an include that runs upward or sideways (in a temporary copy of a small tree)."""
import pathlib
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
SCRIPT = HERE.parent / "check_includes.py"
ROOT = HERE.parent.parent


def run(root):
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True)


class SmallTree:
    """A throwaway tree holding one file per product folder, each including only what it may."""

    FILES = {
        "common/status.h": '#pragma once\n#include <string>\n',
        "model/kind.h": '#pragma once\n#include "common/status.h"\n',
        "store/database.h": '#pragma once\n#include "model/kind.h"\n#include "common/status.h"\n',
        "reconciler/plan.h": '#pragma once\n#include "store/database.h"\n',
        "api/http_reply.h": '#pragma once\n#include "store/database.h"\n',
        "api/calls/routes.h": '#pragma once\n#include "reconciler/plan.h"\n#include "api/http_reply.h"\n',
        "cli/main.cc": '#include "api/calls/routes.h"\n#include "reconciler/plan.h"\n',
    }

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.dir.name)
        for name, text in self.FILES.items():
            self.write(name, text)
        return self

    def write(self, name, text):
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def __exit__(self, *exc):
        self.dir.cleanup()


class IncludeRuleTest(unittest.TestCase):
    def test_the_real_tree_follows_the_rule(self):
        result = run(ROOT)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")

    def test_a_tree_that_follows_the_rule_passes(self):
        with SmallTree() as tree:
            result = run(tree.root)
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_an_upward_include_fails_naming_file_and_line(self):
        with SmallTree() as tree:
            tree.write("store/database.cc", '#include "store/database.h"\n\n#include "reconciler/plan.h"\n')
            result = run(tree.root)
            self.assertEqual(result.returncode, 1)
            self.assertIn('store/database.cc:3: includes "reconciler/plan.h"', result.stderr)
            self.assertIn("1 include(s)", result.stderr)

    def test_the_reconciler_may_not_include_the_api(self):
        with SmallTree() as tree:
            tree.write("reconciler/webhook.h", '#pragma once\n#include "api/http_reply.h"\n')
            result = run(tree.root)
            self.assertEqual(result.returncode, 1)
            self.assertIn('reconciler/webhook.h:2: includes "api/http_reply.h"', result.stderr)

    def test_only_api_calls_may_include_the_reconciler(self):
        with SmallTree() as tree:
            tree.write("api/routing/engine.cc", '#include "reconciler/plan.h"\n')
            result = run(tree.root)
            self.assertEqual(result.returncode, 1)
            self.assertIn('api/routing/engine.cc:1: includes "reconciler/plan.h"', result.stderr)

    def test_nothing_below_cli_includes_cli(self):
        with SmallTree() as tree:
            tree.write("common/log.h", '#pragma once\n  #  include "cli/options.h"\n')
            result = run(tree.root)
            self.assertEqual(result.returncode, 1)
            self.assertIn('common/log.h:2: includes "cli/options.h"', result.stderr)

    def test_system_headers_and_local_names_are_not_checked(self):
        with SmallTree() as tree:
            tree.write("common/log.h", '#pragma once\n#include <api/http_reply.h>\n#include "log_detail.h"\n')
            self.assertEqual(run(tree.root).returncode, 0)

    def test_a_root_without_product_folders_is_an_error(self):
        with tempfile.TemporaryDirectory() as empty:
            result = run(empty)
            self.assertEqual(result.returncode, 2)
            self.assertIn("holds none of", result.stderr)


if __name__ == "__main__":
    unittest.main()
