#!/usr/bin/env python3
"""The include rule of c4confd's product code: dependencies run one way.

    cli -> api, reconciler -> store -> model -> common
    cli -> importer -> model -> common

api and reconciler are siblings: the reconciler never includes the API, and of the API only
api/calls/ (which mounts the reconciler's webhook and metrics on the API's listener) includes
the reconciler. Every `#include "folder/..."` of a .h or .cc file under the product folders is
checked; an include that runs upward or sideways fails the check, named file:line.

Usage: check_includes.py [ROOT] [--stamp FILE]
Exit status: 0 when every include follows the rule, 1 otherwise (one line per offence on
stderr), 2 when ROOT holds no product folder.
"""
import argparse
import pathlib
import re
import sys

# What each folder may include, besides itself. The most specific folder of a file wins.
ALLOWED = {
    "common": {"common"},
    "model": {"model", "common"},
    "store": {"store", "model", "common"},
    "reconciler": {"reconciler", "store", "model", "common"},
    "api": {"api", "store", "model", "common"},
    "api/calls": {"api", "reconciler", "store", "model", "common"},
    "importer": {"importer", "model", "common"},
    "cli": {"cli", "api", "reconciler", "importer", "store", "model", "common"},
}
PRODUCT = ("common", "model", "store", "reconciler", "importer", "api", "cli")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def rule_of(relative: pathlib.PurePosixPath):
    """The ALLOWED key that governs a file: its longest folder prefix that has a rule."""
    parts = relative.parts[:-1]
    for n in range(len(parts), 0, -1):
        key = "/".join(parts[:n])
        if key in ALLOWED:
            return key
    return None


def offences(root: pathlib.Path):
    """Yields 'file:line: message' for every include that breaks the rule."""
    for top in PRODUCT:
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".h", ".cc") or not path.is_file():
                continue
            relative = pathlib.PurePosixPath(path.relative_to(root).as_posix())
            key = rule_of(relative)
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), start=1):
                match = INCLUDE.match(line)
                if not match or "/" not in match.group(1):
                    continue
                target = match.group(1).split("/")[0]
                if target not in PRODUCT or target in ALLOWED[key]:
                    continue
                allowed = ", ".join(sorted(ALLOWED[key]))
                yield (f'{relative}:{number}: includes "{match.group(1)}", but {key}/ may include '
                       f"only {allowed} (the rule: cli -> api, reconciler -> store -> model -> common; "
                       "see README.md, Layout)")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=pathlib.Path(__file__).resolve().parent.parent)
    parser.add_argument("--stamp", help="file to touch when the check passes (the build's output)")
    args = parser.parse_args(argv)
    root = pathlib.Path(args.root)
    if not any((root / top).is_dir() for top in PRODUCT):
        print(f"check_includes: {root} holds none of {', '.join(PRODUCT)}", file=sys.stderr)
        return 2
    found = list(offences(root))
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"check_includes: {len(found)} include(s) run against the dependency rule", file=sys.stderr)
        return 1
    if args.stamp:
        pathlib.Path(args.stamp).touch()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
