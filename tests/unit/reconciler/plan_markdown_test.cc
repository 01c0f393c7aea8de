// plan --output markdown: the pull-request comment (reconciler/plan_markdown.h).
#include <doctest/doctest.h>

#include "common/markdown.h"
#include "reconciler/plan_markdown.h"

namespace c4 {
namespace {

Change change(ChangeAction action, Kind kind, std::string tenant, std::string name, std::vector<FieldChange> fields = {}) {
  return {{kind, std::move(tenant), std::move(name)}, action, std::move(fields)};
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_CASE("the plan comment starts with its marker and a table per kind") {
  Plan plan;
  plan.changes = {change(ChangeAction::create, Kind::DID, "acme", "lyon"),
                  change(ChangeAction::update, Kind::IPBX, "acme", "pbx1",
                         {{"/spec/sipProxy", "old.example", "new.example"}}),
                  change(ChangeAction::remove, Kind::DID, "lagoon", "rome")};
  std::string md = plan_to_markdown(plan, {"0123456789abcdef0123456789abcdef01234567", "main"});
  CHECK(md.rfind("<!-- c4confd-plan -->\n### c4confd plan: 3 changes\n\nRevision `0123456789ab` compared with `main` (no database).\n", 0) == 0);
  CHECK(md.find("| IPBX | 0 | 1 | 0 |\n| DID | 1 | 0 | 1 |\n") != std::string::npos);
  CHECK(md.find("| **Total** | **1** | **1** | **1** |") != std::string::npos);
  CHECK(md.find("#### Tenant `acme`: 2 changes") != std::string::npos);
  CHECK(md.find("#### Tenant `lagoon`: 1 change") != std::string::npos);
  CHECK(md.find("| ✏️ update | IPBX `pbx1` | `/spec/sipProxy`: `\"old.example\"` → `\"new.example\"` |") != std::string::npos);
  CHECK(md.find("<details>") == std::string::npos);
}

TEST_CASE("an empty plan says there is nothing to change") {
  std::string md = plan_to_markdown(Plan{}, {"abc", ""});
  CHECK(md.find("### c4confd plan: no changes") != std::string::npos);
  CHECK(md.find("compared with the live database") != std::string::npos);
}

TEST_CASE("a long tenant section is collapsed in details") {
  Plan plan;
  for (int i = 0; i < 11; ++i) plan.changes.push_back(change(ChangeAction::create, Kind::DID, "acme", "d" + std::to_string(i)));
  plan.changes.push_back(change(ChangeAction::create, Kind::DID, "lagoon", "x"));
  std::string md = plan_to_markdown(plan, {});
  CHECK(md.find("<details><summary><b>Tenant <code>acme</code></b>: 11 changes</summary>\n\n| | Object |") != std::string::npos);
  CHECK(md.find("\n</details>\n") != std::string::npos);
  CHECK(md.find("#### Tenant `lagoon`: 1 change") != std::string::npos);
}

TEST_CASE("summarised number lists and redacted secrets are shown as the plan made them") {
  auto fields = diff_contents({{"spec", {{"password", "hunter2"}, {"numbers", nlohmann::json::array()}}}},
                              {{"spec", {{"password", "s3cret"}, {"numbers", [] {
                                            auto a = nlohmann::json::array();
                                            for (int i = 0; i < 40; ++i) a.push_back("+3314000" + std::to_string(1000 + i));
                                            return a;
                                          }()}}}});
  Plan plan;
  plan.changes = {change(ChangeAction::update, Kind::IPBX, "acme", "pbx1", fields)};
  std::string md = plan_to_markdown(plan, {});
  CHECK(md.find("hunter2") == std::string::npos);
  CHECK(md.find("s3cret") == std::string::npos);
  CHECK(md.find("`/spec/password`: `\"<redacted>\"` → `\"<redacted>\"`") != std::string::npos);
  CHECK(md.find("`/spec/numbers`: 40 added (`+33140001000`, ") != std::string::npos);
  CHECK(md.find(", …), 0 removed") != std::string::npos);
  CHECK(count(md, "+331400010") == 5);  // five examples, not forty numbers
}

TEST_CASE("hostile names cannot inject markdown, HTML, mentions or break the table") {
  Plan plan;
  std::string hostile = "x` [link](https://evil.example) ![img](https://evil.example/a.png) <img src=x> @org/team | `` \n<!--";
  plan.changes = {change(ChangeAction::update, Kind::DID, hostile, hostile, {{"/spec/description", "a", hostile}})};
  for (int i = 0; i < 11; ++i) plan.changes.push_back(change(ChangeAction::create, Kind::DID, hostile, std::to_string(i)));
  std::string md = plan_to_markdown(plan, {"c", hostile});
  // Every occurrence is inside a code span whose fence is longer than any run inside it, with
  // '|' escaped for the table and the newline written as text; in HTML it is entity-escaped.
  CHECK(md.find("```x` [link](https://evil.example) ![img](https://evil.example/a.png) <img src=x> @org/team \\| `` \\n<!--```") !=
        std::string::npos);
  CHECK(md.find("<summary><b>Tenant <code>x` [link](https://evil.example) ![img](https://evil.example/a.png) &lt;img src=x&gt; "
                "@org/team | `` \\n&lt;!--</code></b>") != std::string::npos);
  CHECK(md.find("\n<!--") == std::string::npos);
  // Every table row still has exactly its cells: no unescaped '|' came from the name.
  for (size_t at = md.find("| ✏️ update"); at != std::string::npos; at = std::string::npos) {
    std::string row = md.substr(at, md.find('\n', at) - at);
    size_t bars = 0;
    for (size_t i = 0; i < row.size(); ++i) bars += row[i] == '|' && (i == 0 || row[i - 1] != '\\');
    CHECK(bars == 4);
  }
}

TEST_CASE("md_code picks a fence longer than any backtick run") {
  CHECK(md_code("plain") == "`plain`");
  CHECK(md_code("a`b") == "``a`b``");
  CHECK(md_code("`x`") == "`` `x` ``");
  CHECK(md_code("a|b", true) == "`a\\|b`");
  CHECK(md_code("line\nbreak\r\x1b") == "`line\\nbreak\\r\\x1b`");
  CHECK(md_code(std::string("nul\0byte", 8)) == "`nul\\x00byte`");
  CHECK(md_code("bad \xff utf8") == "`bad \\xff utf8`");
  CHECK(html_escape("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#39;");
}

TEST_CASE("an oversized value is cut to a short code span") {
  Plan plan;
  std::string huge(100000, 'x');
  plan.changes = {change(ChangeAction::update, Kind::DID, "acme", "d", {{"/spec/description", "a", huge}})};
  std::string md = plan_to_markdown(plan, {});
  CHECK(md.size() < 2000);
  CHECK(md.find("→ `\"" + std::string(78, 'x') + "…`") != std::string::npos);
}

TEST_CASE("a plan over the size cap is cut at a row and says how much it left out") {
  Plan plan;
  for (int i = 0; i < 5000; ++i)
    plan.changes.push_back(change(ChangeAction::update, Kind::DID, "t" + std::to_string(i % 7), "did-" + std::to_string(i),
                                  {{"/spec/description", std::string(60, 'a'), std::string(60, 'b')}}));
  std::string md = plan_to_markdown(plan, {"c", "main"});
  CHECK(md.size() <= kCommentCap);
  CHECK(md.size() > kCommentCap - 3000);
  size_t rows = count(md, "| ✏️ update |");
  CHECK(rows < 5000);
  CHECK(md.find("Truncated: " + std::to_string(5000 - rows).substr(0, 1)) != std::string::npos);
  std::string left = std::to_string(5000 - rows);
  if (left.size() > 3) left.insert(left.size() - 3, ",");
  CHECK(md.find("> Truncated: " + left + " changes not shown. This comment is capped at 60,000 characters") != std::string::npos);
  CHECK(count(md, "<details>") == count(md, "</details>"));
  CHECK(plan_to_markdown(plan, {"c", "main"}, 10000).size() <= 10000);
}

TEST_CASE("an invalid revision's comment lists its problems, escaped") {
  Problems problems;
  Problem p;
  p.file = "tenants/a|b.yaml";
  p.pos = {3, 5};
  p.object = {"DID", "acme", "x"};
  p.pointer = "/spec/ipbx";
  p.message = "references IPBX \"<script>\", which does not exist";
  problems.add(p);
  std::string md = problems_to_markdown(problems, {"c", "main"});
  CHECK(md.find("### c4confd plan: the revision is invalid (1 error)") != std::string::npos);
  CHECK(md.find("| `tenants/a\\|b.yaml:3` | `DID acme/x /spec/ipbx` | ❌ `references IPBX \"<script>\", which does not exist` |") !=
        std::string::npos);
}

}  // namespace
}  // namespace c4
