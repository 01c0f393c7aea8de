#!/usr/bin/python3
"""Browser tests of the dashboard at /ui/ (docs/dashboard.md), with Debian's chromium,
chromium-driver and python3-selenium (run by /usr/bin/python3: Debian's python3-selenium is not
in another interpreter's path).

Starts the real binary (`c4confd all examples/`) on a scratch database of the ./c4 test
PostgreSQL and the ./c4 test Redis, on 127.0.0.1 and a free port; routes a call and posts CDRs
through the Kamailio endpoints so the CDR and Capacity pages have data; then, in headless
Chromium:
  - a bad token gets a clear message (no page content);
  - the admin token and ACME's ApiToken sign in and visit every page; each page's content is
    asserted (the reconciler status, a revision and its changes, the configuration with source
    file:line and the number search, a routing explanation drawn as steps, CDR charts, capacity
    meters);
  - the browser console has no error (a CSP violation, a failed script, an API error) on any page;
  - nothing of tenant lagoon ever appears on a page seen with ACME's token;
  - a screenshot of each page is saved in --screenshots (build/ui-screenshots/).
Bounded: every wait is at most 20 s, the whole run a minute or two.

Usage: dashboard_test.py --binary build/c4confd --screenshots build/ui-screenshots
Needs C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL (./c4 test sets them).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
ADMIN_TOKEN = "dashboard-test-admin-token-5d1c"
KAMAILIO_TOKEN = "dashboard-test-kamailio-token-7a0e"
ACME_TOKEN = "c4demo-acme-3e9d41b07fa2c658"  # examples/README.md, "Demo API tokens": ACME only
SECRETS = {
    "C4_SECRET_ORANGE_PARIS_PASSWORD": "demo-orange", "C4_SECRET_VOXBONE_PASSWORD": "demo-voxbone",
    "C4_SECRET_TIM_MILANO_PASSWORD": "demo-tim", "C4_SECRET_ACME_LYON_SIP_PASSWORD": "demo-lyon",
    "C4_SECRET_LAGOON_ROMA_SIP_PASSWORD": "demo-roma",
}
# Words only tenant lagoon's objects hold (examples/tenants/lagoon): none may reach ACME's pages.
LAGOON_WORDS = ["lagoon", "roma", "venezia", "tim-milano", "it-milan", "it-rome"]
WAIT = 20
ARGS = None
SERVER = {}


def say(message):
    print(f"dashboard_test: {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database(base_url, name, create):
    psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
    sql = f'create database "{name}"' if create else f'drop database if exists "{name}" with (force)'
    done = subprocess.run([psql, "-X", "-q", base_url, "-c", sql], capture_output=True, text=True)
    if create and done.returncode != 0:
        sys.exit(f"could not create database {name}: {done.stderr.strip()}")
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def call(path, token=None, body=None, method=None):
    request = urllib.request.Request(SERVER["url"] + path, method=method or ("POST" if body is not None else "GET"),
                                     data=json.dumps(body).encode() if body is not None else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as reply:
        text = reply.read().decode()
        return reply.status, dict(reply.headers), (json.loads(text) if text and text[0] in "[{" else text)


def wait_ready(proc):
    """Until the examples are live: /status is 204 as soon as a snapshot is loaded, which may be
    the empty one before the first revision is applied."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"c4confd exited with {proc.returncode} before it was ready")
        try:
            if call("/status")[0] == 204 and call("/1.0/whoami", ADMIN_TOKEN)[2]["tenants"] and \
                    call("/1.0/carrier_trunks", ADMIN_TOKEN)[2]["total"] > 0:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError("c4confd did not serve the examples within 60 s")


def seed_calls():
    """One routed call on an ACME trunk and one to an ACME IPBX (capacity counts both), and CDRs
    of both tenants today, so
    the CDR pages have data and lagoon's must stay hidden from ACME's token."""
    _, _, tenants = call("/1.0/tenants", ADMIN_TOKEN)
    uuid = {t["name"]: t["uuid"] for t in tenants["items"]}
    _, _, trunks = call("/1.0/carrier_trunks", ADMIN_TOKEN)
    trunk_of = {t["tenant"]: t["id"] for t in reversed(trunks["items"])}  # each tenant's first trunk
    # An outbound call of the ACME Paris PBX (the demo's example): routed to an ACME trunk.
    status, _, routed = call("/1.0/kamailio/routing", KAMAILIO_TOKEN, {
        "source_ip": "192.0.2.10", "source_port": 5060, "auth": "1", "call_id": "ui-test-open-call",
        "from_uri": "sip:0140000001@192.0.2.10", "to_uri": "sip:0561234567@192.0.2.10"})
    assert status == 200, routed
    # An inbound call from Orange to a DID of the Paris PBX: it holds a channel of that IPBX.
    status, _, inbound = call("/1.0/kamailio/routing", KAMAILIO_TOKEN, {
        "source_ip": "203.0.113.10", "source_port": 5060, "auth": "1", "call_id": "ui-test-inbound-call",
        "from_uri": "sip:0611223344@203.0.113.10", "to_uri": "sip:0140000123@203.0.113.10"})
    assert status == 200 and inbound["rtjson"]["success"], inbound
    now = int(time.time())
    midnight = now - now % 86400  # the CDR page opens on today (UTC): every CDR is today's
    for i in range(6):
        for tenant, trunk_id, caller in (("acme", trunk_of["acme"], "+33611223344"), ("lagoon", trunk_of["lagoon"], "+39061234567")):
            status, _, stored = call("/1.0/kamailio/cdr", KAMAILIO_TOKEN, {
                "tenant_uuid": uuid[tenant], "carrier_trunk_id": trunk_id, "call_id": f"ui-test-{tenant}-{i}",
                "from_uri": f"sip:{caller}@203.0.113.10", "to_uri": "sip:+33140000123@198.51.100.1",
                "call_start": max(now - 600 * i, midnight), "duration": 0 if i == 5 else 30 + 10 * i})
            assert status == 200 and stored["success"], stored


def setUpModule():
    base_url, redis_url = os.environ.get("C4CONFD_DATABASE_URL"), os.environ.get("C4CONFD_REDIS_URL")
    if not base_url or not redis_url:
        sys.exit("C4CONFD_DATABASE_URL and C4CONFD_REDIS_URL must be set (run through ./c4 test)")
    name = f"c4confd_ui_{os.getpid()}"
    SERVER.update(base=base_url, name=name, log=tempfile.NamedTemporaryFile(prefix="c4confd-ui-", suffix=".log", delete=False))
    db_url = database(base_url, name, create=True)
    port = free_port()
    SERVER["url"] = f"http://127.0.0.1:{port}"
    env = dict(os.environ, **SECRETS, C4CONFD_ADMIN_TOKEN=ADMIN_TOKEN, C4CONFD_KAMAILIO_TOKEN=KAMAILIO_TOKEN,
               C4CONFD_CDR_SPOOL_DIR=tempfile.mkdtemp(prefix="c4confd-ui-spool-"))
    env.pop("C4CONFD_WEBHOOK_SECRET", None)
    SERVER["proc"] = subprocess.Popen(
        [ARGS.binary, "all", os.path.join(SOURCE, "examples"), "--listen", f"127.0.0.1:{port}", "--database-url", db_url,
         "--redis-url", redis_url, "--interval", "1h", "--log-level", "warn"],
        env=env, stdout=SERVER["log"], stderr=subprocess.STDOUT)
    try:
        wait_ready(SERVER["proc"])
        seed_calls()
    except BaseException:
        tearDownModule()  # unittest does not call it when setUpModule fails
        raise
    os.makedirs(ARGS.screenshots, exist_ok=True)


def tearDownModule():
    proc = SERVER.pop("proc", None)
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if "name" in SERVER:
        database(SERVER["base"], SERVER.pop("name"), create=False)
    if "log" in SERVER:
        SERVER["log"].close()
        with open(SERVER["log"].name, errors="replace") as f:
            tail = f.read()[-3000:]
        if tail:
            say(f"c4confd log (last 3000 characters):\n{tail}")
        os.unlink(SERVER.pop("log").name)


def browser(width=1280, height=900, phone=False):
    """Headless Chromium; `phone`: a 390×844 touch screen (Chromium's device emulation: a
    headless window is never narrower than 500 px)."""
    options = webdriver.ChromeOptions()
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-extensions", "--no-first-run", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    return driver


class DashboardCase(unittest.TestCase):
    driver = None

    @classmethod
    def setUpClass(cls):
        cls.driver = browser()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()

    def wait_text(self, css, text, timeout=WAIT):
        """Waits until the element `css` holds `text`; fails with what the page shows instead."""
        try:
            WebDriverWait(self.driver, timeout).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
        except TimeoutException:
            shown = self.driver.find_element(By.TAG_NAME, "body").text[:2000]
            self.fail(f"{css!r} never showed {text!r}; the page shows:\n{shown}")
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def console_errors(self):
        """The console entries at SEVERE since the last call (a CSP violation is one)."""
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def assert_console_clean(self, where):
        errors = self.console_errors()
        self.assertEqual(errors, [], f"browser console errors on {where}")

    def sign_in(self, token):
        self.driver.get(SERVER["url"] + "/ui/")
        field = WebDriverWait(self.driver, WAIT).until(EC.visibility_of_element_located((By.ID, "token")))
        field.send_keys(token)
        self.driver.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        self.wait_text("#who", "Signed in")

    def visit(self, page, marker_css, marker_text):
        self.driver.get(f"{SERVER['url']}/ui/#{page}")
        return self.wait_text(marker_css, marker_text)

    def screenshot(self, name):
        """The whole page (up to 2400 px high), then the window as it was."""
        path = os.path.join(ARGS.screenshots, f"{name}.png")
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(size["width"], max(size["height"], min(height + 120, 2400)))
        time.sleep(0.3)  # Chart.js redraws on resize
        self.assertTrue(self.driver.save_screenshot(path), path)
        self.driver.set_window_size(size["width"], size["height"])
        say(f"screenshot {path}")

    def body(self):
        return self.driver.find_element(By.TAG_NAME, "body").text


class AnswersOfTheServer(unittest.TestCase):
    """The HTTP side of /ui/: headers that make the pages safe, exact types, ETag revalidation."""

    def test_page_has_a_strict_content_security_policy_and_nosniff(self):
        status, headers, body = call("/ui/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        csp = headers["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertIn('<script src="app.js" defer>', body)
        self.assertNotIn("<script>", body)  # no inline script
        self.assertNotIn("style=", body)    # no inline style

    def test_files_have_their_content_types_and_revalidate_by_etag(self):
        for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css"), ("chart.min.js", "text/javascript")):
            status, headers, _ = call(f"/ui/{name}")
            self.assertEqual((status, headers["Content-Type"].split(";")[0]), (200, kind), name)
            request = urllib.request.Request(f"{SERVER['url']}/ui/{name}", headers={"If-None-Match": headers["ETag"]})
            with self.assertRaises(urllib.error.HTTPError) as unchanged:  # urllib raises on 304
                urllib.request.urlopen(request, timeout=10)
            self.assertEqual(unchanged.exception.code, 304, name)

    def test_unknown_file_is_a_json_404(self):
        with self.assertRaises(urllib.error.HTTPError) as missing:
            call("/ui/nope.js")
        self.assertEqual(missing.exception.code, 404)
        self.assertEqual(missing.exception.headers["Content-Type"], "application/json")
        self.assertEqual(missing.exception.headers["X-Content-Type-Options"], "nosniff")
        with self.assertRaises(urllib.error.HTTPError) as outside:  # no way out of /ui/
            call("/ui/..%2Fopenapi.json")
        self.assertEqual(outside.exception.code, 404)


class BadToken(DashboardCase):
    def test_bad_token_gets_a_clear_message_and_no_data(self):
        self.driver.get(SERVER["url"] + "/ui/")
        field = WebDriverWait(self.driver, WAIT).until(EC.visibility_of_element_located((By.ID, "token")))
        field.send_keys("not-a-token")
        self.driver.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        self.wait_text("#message", "not valid")
        self.assertTrue(self.driver.find_element(By.ID, "token").is_displayed())
        self.assertEqual(self.driver.find_element(By.ID, "page").text, "")
        self.screenshot("sign-in-bad-token")
        # The 401 of the API is logged by Chromium as a failed resource load; nothing else may be.
        errors = [e for e in self.console_errors() if "401" not in e["message"]]
        self.assertEqual(errors, [])


class AdminSeesEverything(DashboardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.signed_in = False

    def setUp(self):
        if not AdminSeesEverything.signed_in:
            self.sign_in(ADMIN_TOKEN)
            AdminSeesEverything.signed_in = True
        self.console_errors()  # start each page with an empty log

    def test_1_overview_shows_live_revision_last_attempt_snapshot_and_spool(self):
        self.wait_text("#who", "every tenant")
        text = self.visit("overview", "#page-overview", "Live revision")
        for label in ("Last attempt", "applied", "Drift", "Routing snapshot", "Redis projection", "CDR spool", "commit",
                      "author", "behind the branch"):
            self.assertIn(label, text)
        # The on-call controls are read from /1.0/status: the reconciler here is not suspended.
        self.assertRegex(text, r"suspended\s*no")
        self.assertNotIn("not reported by this server", text)
        self.screenshot("overview")
        self.assert_console_clean("overview")

    def test_2_revisions_list_and_one_revision(self):
        self.visit("revisions", "#page-revisions table", "applied")
        self.driver.find_element(By.CSS_SELECTOR, "#page-revisions tbody tr").click()
        text = self.wait_text("#page-revisions", "What it changed")
        self.assertIn("commit", text)
        self.screenshot("revisions")
        self.assert_console_clean("revisions")

    def test_3_configuration_lists_objects_with_source_and_answers_number_owner(self):
        text = self.visit("configuration/carrier_trunks", "#page-configuration table", "tenants/")
        self.assertIn("lagoon", text)  # the admin sees every tenant
        self.assertRegex(text, r"tenants/acme/carriers/orange\.yaml:\d+")
        self.driver.find_element(By.CSS_SELECTOR, "#page-configuration tbody tr").click()
        detail = self.wait_text("#page-configuration", "sip_proxy")  # the trunk's own fields
        self.assertRegex(detail, r"source\s*tenants/acme/carriers/\w+\.yaml:\d+")
        number = self.driver.find_element(By.ID, "number")
        number.send_keys("+33 1 40 00 01 23")
        self.driver.find_element(By.CSS_SELECTOR, "#number-form button").click()
        answer = self.wait_text("#number-answer", "paris-hq-main")
        self.assertIn("range", answer)
        self.assertIn("acme-paris-hq", answer)
        self.assertRegex(answer, r"tenants/acme/dids/paris-hq\.yaml:\d+")
        self.screenshot("configuration")
        self.assert_console_clean("configuration")

    def test_4_explain_draws_the_decision_steps(self):
        self.visit("explain", "#page-explain", "Routing explain")
        self.driver.find_element(By.CSS_SELECTOR, "#explain-form button").click()
        steps = self.wait_text("#explain-steps", "Routes, in order")
        for label in ("Caller identified", "acme-paris-hq", "Normalizations", "Matched routing rule", "Candidates skipped"):
            self.assertIn(label, steps)
        self.assertIn("+33561234567", steps)  # the callee, normalized to E.164
        self.assertRegex(steps, r"source\s*tenants/acme/routing/\S+\.yaml:\d+")  # the matched rule's place
        self.screenshot("explain")
        self.assert_console_clean("explain")

    def test_5_cdrs_show_statistics_charts_and_calls(self):
        text = self.visit("cdrs", "#cdr-answer", "Per trunk")
        self.assertIn("ui-test-lagoon-0", text)
        self.assertIn("ui-test-acme-0", text)
        self.assertRegex(text, r"calls\s*12")
        for canvas in ("chart-hours", "chart-trunks"):
            self.assertTrue(self.driver.find_element(By.ID, canvas).is_displayed(), canvas)
        self.screenshot("cdrs")
        self.assert_console_clean("cdrs")

    def test_6_capacity_shows_live_load_against_limits(self):
        text = self.visit("capacity", "#capacity-answer", "Carrier trunks")
        self.assertIn("calls/s", text)
        self.assertIn("channels", text)
        self.assertIn("IPBXs", text)
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "#capacity-answer meter"))
        # the routed call of seed_calls holds one channel on its trunk
        self.assertRegex(text, r"\b1 / \d+")
        # and its inbound call one channel of the Paris PBX (limit 240 in examples/), live
        cards = self.driver.find_elements(By.CSS_SELECTOR, "#capacity-ipbxs > *")
        paris = [c.text for c in cards if c.text.startswith("acme/acme-paris-hq")]
        self.assertEqual(len(paris), 1, [c.text for c in cards])
        self.assertRegex(paris[0], r"channels\s+1 / 240\b")
        self.screenshot("capacity")
        self.assert_console_clean("capacity")


class TenantSeesOnlyItself(DashboardCase):
    """ACME's ApiToken on every page: ACME's data, never lagoon's."""

    def assert_no_lagoon(self, where):
        text = self.body().lower()
        source = self.driver.page_source.lower()
        for word in LAGOON_WORDS:
            self.assertNotIn(word, text, f"{word!r} shown on {where} to ACME's token")
            self.assertNotIn(word, source, f"{word!r} in the DOM of {where} for ACME's token")

    def test_every_page_shows_acme_alone(self):
        self.sign_in(ACME_TOKEN)
        self.wait_text("#who", "acme")
        self.console_errors()
        pages = [("overview", "#page-overview", "Your configuration"),
                 ("revisions", "#page-revisions", "only a token of every tenant"),
                 ("configuration/dids", "#page-configuration table", "paris-hq-main"),
                 ("configuration/carrier_trunks", "#page-configuration table", "orange"),
                 ("cdrs", "#cdr-answer", "ui-test-acme-0"),
                 ("capacity", "#capacity-answer", "acme/")]
        for page, css, marker in pages:
            self.visit(page, css, marker)
            self.assert_no_lagoon(page)
            self.assert_console_clean(page)
            if page in ("overview", "cdrs"):
                self.screenshot(f"tenant-{page}")
        # a number of lagoon's is not found for ACME, like an unclaimed one
        self.visit("configuration/dids", "#page-configuration table", "paris-hq-main")
        _, _, lagoon_dids = call("/1.0/dids?tenant=lagoon", ADMIN_TOKEN)
        lagoon_number = next(n for d in lagoon_dids["items"] for n in d.get("numbers", []) + [r["from"] for r in d.get("ranges", [])])
        self.driver.find_element(By.ID, "number").send_keys(lagoon_number)
        self.driver.find_element(By.CSS_SELECTOR, "#number-form button").click()
        self.wait_text("#number-answer", "No DID you may see")
        self.assert_no_lagoon("number search")
        # explain of an ACME call works; the page never names lagoon
        self.visit("explain", "#page-explain", "Routing explain")
        self.driver.find_element(By.CSS_SELECTOR, "#explain-form button").click()
        self.wait_text("#explain-steps", "Routes, in order")
        self.assert_no_lagoon("explain")
        self.screenshot("tenant-explain")
        # 404 of the number search is an expected answer (Chromium logs it as a failed load)
        errors = [e for e in self.console_errors() if "404" not in e["message"]]
        self.assertEqual(errors, [])


class Phone(DashboardCase):
    @classmethod
    def setUpClass(cls):
        cls.driver = browser(phone=True)

    def assert_fits(self, where):
        viewport = self.driver.execute_script("return window.innerWidth")
        self.assertEqual(viewport, 390)
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, viewport + 1, f"{where} scrolls sideways on a phone")

    def test_pages_fit_a_phone_screen(self):
        self.sign_in(ADMIN_TOKEN)
        self.visit("overview", "#page-overview", "Live revision")
        self.assert_fits("overview")
        self.screenshot("phone-overview")
        self.visit("cdrs", "#cdr-answer", "Per trunk")
        self.assert_fits("cdrs")
        self.visit("explain", "#page-explain", "Routing explain")
        self.driver.find_element(By.CSS_SELECTOR, "#explain-form button").click()
        self.wait_text("#explain-steps", "Routes, in order")
        self.assert_fits("explain")
        self.screenshot("phone-explain")
        self.assert_console_clean("phone pages")


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--screenshots", required=True)
    ARGS, rest = parser.parse_known_args()
    program = unittest.main(argv=[sys.argv[0], "-v"] + rest, exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
