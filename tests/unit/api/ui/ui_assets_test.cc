// The dashboard's files (api/ui/ui_assets.h): strict CSP, nosniff, exact types, ETag revalidation.
#include "api/ui/ui_assets.h"

#include <algorithm>
#include <vector>

#include "test_support.h"

namespace c4::api {
namespace {

std::string header(const HttpReply& reply, const std::string& name) {
  auto it = std::find_if(reply.headers.begin(), reply.headers.end(), [&](const auto& h) { return h.first == name; });
  return it == reply.headers.end() ? "" : it->second;
}

}  // namespace

TEST_CASE("the dashboard page is served with a strict content security policy and no inline script") {
  HttpReply page = ui_asset_reply("", "");
  REQUIRE(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  std::string csp = header(page, "Content-Security-Policy");
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe") == std::string::npos);
  CHECK(header(page, "X-Content-Type-Options") == "nosniff");
  CHECK(page.body.find("<script>") == std::string::npos);
  CHECK(page.body.find("style=") == std::string::npos);
  CHECK(page.body == ui_asset_reply("index.html", "").body);
}

TEST_CASE("dashboard files have their content type and Chart.js is embedded") {
  CHECK(ui_asset_reply("app.js", "").content_type == "text/javascript; charset=utf-8");
  CHECK(ui_asset_reply("app.css", "").content_type == "text/css; charset=utf-8");
  HttpReply chart = ui_asset_reply("chart.min.js", "");
  CHECK(chart.status == 200);
  CHECK(chart.body.size() > 100000);
  // textContent only: the script never writes HTML from data
  CHECK(ui_asset_reply("app.js", "").body.find("innerHTML") == std::string::npos);
}

TEST_CASE("a dashboard file whose ETag the browser holds is answered 304 without a body") {
  HttpReply first = ui_asset_reply("app.js", "");
  std::string etag = header(first, "ETag");
  REQUIRE(etag.size() > 10);
  HttpReply again = ui_asset_reply("app.js", "\"other\", " + etag);
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(header(again, "ETag") == etag);
  CHECK(ui_asset_reply("app.js", "\"other\"").status == 200);
  CHECK(ui_asset_reply("app.css", etag).status == 200);  // another file's tag
}

TEST_CASE("an unknown or hostile dashboard path is a JSON 404 with the same protective headers") {
  for (const std::string& name :
       std::vector<std::string>{"nope.js", "../openapi.json", "app.js\r\nX: y", std::string("app.js\0", 7), std::string(10000, 'a')}) {
    HttpReply reply = ui_asset_reply(name, "");
    CHECK(reply.status == 404);
    CHECK(reply.content_type == "application/json");
    CHECK(header(reply, "X-Content-Type-Options") == "nosniff");
  }
}

}  // namespace c4::api
