"""bench/lib/routing_requests.py: every request asks for a number the caller's tenant owns, from a trunk that may call it."""
import glob
import json
import os
import re
import tempfile
import unittest

from helpers import read_text, run_tool


def numbers_of(text):
    """The numbers a gen_repo.py DID document claims, listed and in ranges."""
    found = set(re.findall(r'^\s*-\s*"(\+\d+)"\s*$', text, re.M))
    for first, last in re.findall(r'from:\s*"\+(\d+)",\s*to:\s*"\+(\d+)"', text):
        found.update("+%d" % n for n in range(int(first), int(last) + 1))
    return found


def trunks_of(text):
    """{trunk name: {source addresses}} of a gen_repo.py carriers.yaml."""
    trunks = {}
    for doc in text.split("\n---\n"):
        if "kind: CarrierTrunk" in doc:
            name = re.search(r"^  name: (\S+)$", doc, re.M).group(1)
            sources = re.search(r"^  allowedSources: \[([^\]]*)\]$", doc, re.M).group(1)
            trunks[name] = {s.strip() for s in sources.split(",")}
    return trunks


class RoutingRequestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.repo = os.path.join(cls.dir.name, "repo")
        p = run_tool("gen_repo.py", "--out", cls.repo, "--dids", "3000", "--files", "40", "--tenants", "3",
                     "--routing-prefixes", "300")
        assert p.returncode == 0, p.stderr
        # number → the source addresses a call to it may come from: the trunk its DID names,
        # else any trunk of the DID's tenant.
        cls.allowed_sources, cls.restricted = {}, 0
        for path in glob.glob(os.path.join(cls.repo, "dids", "*", "*.yaml")):
            tenant = os.path.basename(os.path.dirname(path))
            trunks = trunks_of(read_text(os.path.join(cls.repo, "tenants", tenant, "carriers.yaml")))
            for doc in read_text(path).split("\n---\n"):
                named = re.search(r"^  carrierTrunk: (\S+)$", doc, re.M)
                sources = trunks[named.group(1)] if named else set().union(*trunks.values())
                cls.restricted += bool(named)
                for number in numbers_of(doc):
                    assert number not in cls.allowed_sources, number
                    cls.allowed_sources[number] = sources

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def generate(self, count, seed="1"):
        out = os.path.join(self.dir.name, "requests-%s-%s.jsonl" % (count, seed))
        p = run_tool("lib/routing_requests.py", "--repo", self.repo, "--count", str(count), "--seed", seed, "--out", out)
        return p, [json.loads(line) for line in read_text(out).splitlines()] if p.returncode == 0 else None

    def test_callees_are_distinct_numbers_called_from_a_trunk_that_may_call_them(self):
        self.assertGreater(self.restricted, 0, "the generated repository has no DID naming a carrierTrunk")
        p, bodies = self.generate(3000)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(bodies), 3000)
        callees = [re.match(r"^sip:(\+\d+)@", b["to_uri"]).group(1) for b in bodies]
        self.assertEqual(len(set(callees)), 3000)
        for body, callee in zip(bodies, callees):
            self.assertIn(body["source_ip"], self.allowed_sources[callee], callee)

    def test_bodies_have_the_fields_kamailio_sends(self):
        _, bodies = self.generate(10)
        for b in bodies:
            self.assertEqual(b["source_port"], 5060)
            self.assertEqual(b["auth"], "1")
            self.assertTrue(b["from_uri"].startswith("sip:+"))
            self.assertTrue(b["call_id"])

    def test_callees_come_from_ranges_as_well_as_lists(self):
        _, bodies = self.generate(2000)
        listed = set()
        for path in glob.glob(os.path.join(self.repo, "dids", "*", "*.yaml")):
            listed.update(re.findall(r'^\s*-\s*"(\+\d+)"\s*$', read_text(path), re.M))
        callees = {re.match(r"^sip:(\+\d+)@", b["to_uri"]).group(1) for b in bodies}
        self.assertTrue(callees & listed)
        self.assertTrue(callees - listed)

    def test_same_seed_gives_the_same_requests(self):
        _, a = self.generate(50, "7")
        _, b = self.generate(50, "7")
        _, c = self.generate(50, "8")
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_more_requests_than_numbers_is_refused(self):
        p, _ = self.generate(3001)
        self.assertEqual(p.returncode, 1)
        self.assertIn("more than the 3000 numbers", p.stderr)


if __name__ == "__main__":
    unittest.main()
