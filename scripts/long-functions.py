#!/usr/bin/env python3
"""Lists C++ function bodies longer than a limit (default 80 lines), longest first.

Usage: scripts/long-functions.py [--limit N] [DIR...]   (default: the product folders)

A brace matcher, not a parser: a function is a `{` opened outside any function, after a `)`
(with optional const/noexcept/override/-> type), outside `class`/`struct`/`enum`/`namespace`.
Strings, characters and comments are skipped. Lambdas count toward their enclosing function.
"""
import os
import re
import sys

PRODUCT = ["common", "model", "reconciler", "store", "api", "cli"]


def strip(text):
    """Blanks out comments, string and char literals (raw strings too), keeping newlines."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c); i += 1; continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator 1'000
                out.append(" "); i += 1; continue
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * max(0, min(j, n) - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


HEAD = re.compile(r"\)\s*(const|noexcept|override|final|mutable|->\s*[\w:<>,\s*&]+|\s)*$")


def functions(path):
    text = strip(open(path, encoding="utf-8", errors="replace").read())
    stack = []  # per open brace: "fn", "scope" or "block"
    start = 0
    results = []
    last = 0  # index after the last ; { or }
    for i, c in enumerate(text):
        if c == "{":
            head = text[last:i]
            in_fn = "fn" in stack
            if in_fn:
                stack.append("block")
            elif HEAD.search(head) and not re.search(r"\b(class|struct|enum|namespace|union)\b[^()]*$", head):
                stack.append("fn")
                name = re.sub(r"\s+", " ", head.strip())
                name = name[: name.find("(")] if "(" in name else name
                start = (text.count("\n", 0, i), name.split(" ")[-1] if name else "?")
                first = last + len(head) - len(head.lstrip())
                fn_start_line = text.count("\n", 0, first) + 1
                start = (fn_start_line, start[1])
            else:
                stack.append("scope")
            last = i + 1
        elif c == "}":
            kind = stack.pop() if stack else "scope"
            if kind == "fn":
                end_line = text.count("\n", 0, i) + 1
                results.append((end_line - start[0] + 1, start[0], start[1]))
            last = i + 1
        elif c == ";":
            last = i + 1
    return results


def main(argv):
    limit = 80
    if len(argv) >= 2 and argv[0] == "--limit":
        limit, argv = int(argv[1]), argv[2:]
    dirs = argv or [d for d in PRODUCT if os.path.isdir(d)]
    found = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in files:
                if f.endswith((".cc", ".h")):
                    p = os.path.join(root, f)
                    found += [(n, p, line, name) for n, line, name in functions(p)]
    found.sort(reverse=True)
    for n, p, line, name in found:
        if n > limit:
            print(f"{n:5d} {p}:{line} {name}")
    print(f"{sum(1 for f in found if f[0] > limit)} functions over {limit} lines; longest {found[0][0] if found else 0}")


if __name__ == "__main__":
    main(sys.argv[1:])
