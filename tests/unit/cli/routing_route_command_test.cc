// `c4confd route`: one routing question from a directory, no database.
#include <array>
#include <cstdio>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace c4 {
namespace {

struct Run {
  int status = -1;
  std::string out;
};

// Runs c4confd route on the examples with `args`; stderr is dropped.
Run route(const std::string& args) {
  std::string cmd = "env C4_SECRET_VOXBONE_PASSWORD=vx-secret " + std::string(C4_BINARY) + " route " C4_SOURCE_DIR "/examples " +
                    args + " 2>/dev/null";
  Run r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("route prints the Kamailio answer for a directory") {
  auto r = route("--from sip:0140000123@paris.acme.example.com --to 00390612345678 --source-ip 192.0.2.10 "
                 "--at 2026-11-26T10:00:00Z");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["auth"]["success"] == true);
  CHECK(j["rtjson"]["routes"].size() == 2);
  CHECK(j["rtjson"]["routes"][0]["dst_uri"] == "sip:fr.sip.voxbone.example:5060");
  CHECK(j["rtjson"]["auth_password"] == "vx-secret");
}

TEST_CASE("route explains and exits 1 when there is no route") {
  auto r = route("--from 0140000123 --to 00123 --source-ip 192.0.2.10 --at 2026-12-01T09:00:00Z --explain");
  CHECK(r.status == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["match"]["kind"] == "none");
  CHECK(j["no_route_reason"].get<std::string>().find("no rule") == 0);
  auto night = route("--from 0140000123 --to 0561234567 --source-ip 192.0.2.10 --at 2026-12-01T23:00:00+01:00 --explain");
  CHECK(night.status == 0);
  CHECK(nlohmann::json::parse(night.out)["match"]["name"] == "main-fr-night");
  CHECK(route("--from 1 --to 2 --source-ip 192.0.2.10 --at yesterday").status == 2);
}

}  // namespace c4
