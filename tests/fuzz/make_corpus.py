#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/<target>/, from the inputs
the tests use: the string literals of tests/unit/**, the examples/ manifests and the invalid
manifests of tests/corpus/. Each seed is a file named by the SHA-1 of its bytes (libFuzzer's
own naming), so running this again only adds what the tests gained. Crashing inputs the fuzzers
found are kept beside them as regression seeds (regression-*), which this script never removes.

    python3 tests/fuzz/make_corpus.py    # from anywhere; then commit tests/fuzz/corpus/

The literals are C++ string literals ("..." with escapes, R"(...)"), adjacent ones joined. A
test that builds an input from parts (a JSON body from a template and a few fields) gives
fragments; the rules below put such fragments into the same template the test uses.
"""
import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
UNIT = ROOT / "tests" / "unit"
CORPUS = ROOT / "tests" / "fuzz" / "corpus"
MAX_SEED = 8192  # run_fuzzer.cmake's -max_len

ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'", "b": "\b", "f": "\f",
           "v": "\v", "a": "\a", "?": "?"}


def read_literal(text, i):
    """The ordinary literal starting at text[i] == '"': (value, index after it)."""
    out, i = [], i + 1
    while text[i] != '"':
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        if e == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2:])
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        elif e in "uU":
            n = 4 if e == "u" else 8
            out.append(chr(int(text[i + 2:i + 2 + n], 16)))
            i += 2 + n
        elif e in "01234567" and re.match(r"[0-7]{1,3}", text[i + 1:]).group(0) != "0":
            m = re.match(r"[0-7]{1,3}", text[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        else:
            out.append(ESCAPES.get(e, e))
            i += 2
    return "".join(out), i + 1


def string_literals(path):
    """Every string literal of a C++ file, adjacent literals joined, in file order."""
    text = path.read_text(encoding="utf-8")
    found, i, pending, last_end = [], 0, None, -1
    while i < len(text):
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        if text.startswith("/*", i):
            i = text.find("*/", i) + 2
            continue
        if text[i] == "'" and not text[i - 1].isalnum():  # a char literal (not a digit separator)
            m = re.match(r"'(\\.[^']*|[^'])'", text[i:])
            i += len(m.group(0)) if m else 1
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^(\s]*)\(', text[i:])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.index(")" + raw.group(1) + '"', i + len(raw.group(0)))
            value, after = text[i + len(raw.group(0)):end], end + len(raw.group(1)) + 2
        elif text[i] == '"':
            value, after = read_literal(text, i)
        else:
            i += 1
            continue
        if pending is not None and text[last_end:i].strip() == "":
            pending += value
        else:
            if pending is not None:
                found.append(pending)
            pending = value
        last_end = i = after
    if pending is not None:
        found.append(pending)
    return found


def unit_file(name):
    """tests/unit/**/name: the unit tests' folders mirror the product's."""
    found = sorted(UNIT.rglob(name))
    if not found:
        sys.exit("make_corpus.py: no %s under %s" % (name, UNIT))
    return found[0]


def literals(*names):
    out = []
    for name in names:
        out += string_literals(unit_file(name))
    return out


def is_json_object(text):
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


# --- one function per target: returns the seeds (str or bytes) --------------------------------

KAMAILIO_BASE = ('"source_ip": "203.0.113.10", "source_port": 5060, "auth": "1", "call_id": "seed-1", '
                 '"from_uri": "sip:0611223344@203.0.113.10", "to_uri": "sip:0140000123@203.0.113.10"')


def kamailio_request():
    seeds = []
    for s in literals("routing_request_reader_test.cc", "routing_kamailio_test.cc", "call_handling_test.cc"):
        if s.lstrip().startswith("{") or s.lstrip().startswith("["):
            seeds.append(s)
        elif re.match(r'\s*,?\s*"[a-z_]+"\s*:', s):  # members the test adds to a body
            seeds.append("{" + KAMAILIO_BASE + ", " + s.strip().lstrip(",").rstrip(",") + "}")
    # the calls of the demo (./c4) and of examples/README.md's scenarios, on the examples
    seeds.append("{" + KAMAILIO_BASE + "}")
    seeds.append('{"source_ip": "192.0.2.10", "from_uri": "sip:0140000001@192.0.2.10", '
                 '"to_uri": "sip:0561234567@192.0.2.10", "auth": true, "username": "acme-paris"}')
    seeds.append('{"source_ip": "192.0.2.33", "username": "acme-lyon", "password": "x", "domain": "lyon.acme.example.com"}')
    return seeds


CDR_BASE = '"event":"cdr","tenant_uuid":"0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10","call_id":"abc@host","call_start":1700000000,"duration":42'


def cdr_body():
    seeds = []
    for s in literals("cdr_body_test.cc", "cdr_ingest_test.cc"):
        if s.lstrip().startswith("{"):
            seeds.append(s)
        elif re.match(r'\s*"[a-z_]+"\s*:', s):  # the extra fields of body(extra)
            seeds.append("{" + CDR_BASE + "," + s.strip().rstrip(",") + "}")
    seeds.append("{" + CDR_BASE + "}")
    return seeds


def sip_uri():
    pattern = re.compile(r"(sips?|tel):", re.IGNORECASE)
    seeds = set()
    for s in literals("routing_parts_test.cc", "routing_kamailio_test.cc", "routing_request_reader_test.cc",
                      "routing_scenarios_test.cc", "routing_engine_test.cc"):
        if pattern.search(s) and len(s) < 300 and "\n" not in s:
            if is_json_object(s):  # a body: its URIs
                seeds.update(v for v in json.loads(s).values() if isinstance(v, str) and pattern.search(v))
            else:
                seeds.add(s)
    return sorted(seeds)


def manifest():
    seeds = []
    for path in sorted((ROOT / "examples").rglob("*.yaml")) + sorted((ROOT / "tests" / "corpus").rglob("*.yaml")):
        seeds.append(path.read_bytes())
    base = next(s for s in string_literals(unit_file("test_support.h")) if "kind: Tenant" in s)
    seeds.append(base)
    for s in literals("yaml_json_test.cc", "yaml_source_test.cc", "schema_set_test.cc", "validate_test.cc",
                      "checks_test.cc", "number_set_test.cc", "routing_defects_test.cc", "routing_parts_test.cc"):
        if "\n" not in s.strip() and ": " not in s:
            continue
        seeds.append(s)
        if "apiVersion" in s and "kind: Tenant" not in s:  # the test validates it beside base_manifests()
            seeds.append(base + "---\n" + s)
    return seeds


def digit_rewrite():
    rules, numbers = [], ["0140000123", "+33140000123", "0033140000123", "33140000123", "+393471234567", "9123", ""]
    lits = literals("routing_digit_rewrite_test.cc")
    for i, s in enumerate(lits):  # the {pattern, replace} pairs of the test
        if s.startswith("^") and i + 1 < len(lits) and not lits[i + 1].startswith("^"):
            rules.append((s, lits[i + 1]))
    for path in sorted((ROOT / "examples").rglob("normalization.yaml")):  # the examples' rules
        text = path.read_text()
        for m in re.finditer(r"match: '([^']*)'\s*\n\s*replace: '([^']*)'", text):
            rules.append((m.group(1), m.group(2)))
    return [f"{p}\n{r}\n{n}" for p, r in rules for n in numbers[: 3 if len(rules) > 10 else len(numbers)]]


def http_request():
    seeds = [s for s in literals("server_http_test.cc", "server_resilience_test.cc") if re.match(r"[A-Z]+ /\S* HTTP/1\.", s)]
    # the routes of the fuzz server (http_request_fuzz.cc), as the tests' clients send them
    seeds += [
        "GET /echo?q=a%20b&q=%C3%A9&x HTTP/1.1\r\nHost: test\r\n\r\n",
        'POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
        "GET /1.0/items/42 HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer fuzz-admin-token\r\n\r\n",
        "GET /1.0/items/%2F..%00 HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer wrong\r\n\r\n",
        "DELETE /1.0/items/7/parts/x HTTP/1.1\r\nAuthorization: Bearer fuzz-admin-token\r\nConnection: close\r\n\r\n",
        "POST /1.0/kamailio/routing HTTP/1.1\r\nAuthorization: Bearer fuzz-kamailio-token\r\n"
        "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "GET /echo HTTP/1.1\r\n\r\nGET /nowhere HTTP/1.1\r\n\r\nPUT /echo HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "HEAD /echo HTTP/1.0\r\n\r\n",
    ]
    return seeds


TARGETS = {f.__name__: f for f in (kamailio_request, cdr_body, sip_uri, manifest, digit_rewrite, http_request)}


def main():
    for name, make in TARGETS.items():
        directory = CORPUS / name
        directory.mkdir(parents=True, exist_ok=True)
        kept = set()
        for seed in make():
            data = seed if isinstance(seed, bytes) else seed.encode("utf-8", "surrogatepass")
            if len(data) > MAX_SEED:
                continue
            digest = hashlib.sha1(data).hexdigest()
            kept.add(digest)
            (directory / digest).write_bytes(data)
        for old in directory.iterdir():  # seeds of tests that changed; regression seeds stay
            if not old.name.startswith("regression-") and old.name not in kept:
                old.unlink()
        print(f"{name}: {len(kept)} seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
