// cli/options: flags, their environment twins and defaults.
#include "cli/options.h"

#include <cstdlib>

#include <doctest/doctest.h>

#include "scoped_env.h"
#include "test_support.h"

namespace c4::cli {
namespace {

using test::EnvVar;

CommandSpec spec() {
  return {"validate",
          "PATH",
          "Checks manifests.",
          {
              {"output", "FORMAT", "text or json.", "text"},
              {"quiet", "", "errors only.", ""},
              {"threads", "N", "parse threads.", "0"},
              {"log-level", "LEVEL", "how much to log.", "", false},
              {"secret-file", "PATH", "never from the environment.", "", true},
          }};
}

ParsedOptions parse(const std::vector<std::string>& args) {
  auto parsed = parse_options(spec(), args);
  INFO(parsed.status().message());
  REQUIRE(parsed.is_ok());
  return *parsed;
}

std::string error_of(const std::vector<std::string>& args) {
  auto parsed = parse_options(spec(), args);
  REQUIRE_FALSE(parsed.is_ok());
  CHECK(parsed.status().code() == Status::Code::invalid);
  return parsed.status().message();
}

TEST_CASE("option value as the next argument") {
  auto o = parse({"--output", "json", "examples"});
  CHECK(o.get("output") == "json");
  CHECK(test::joined(o.positional()) == "examples\n");
}

TEST_CASE("option value after an equals sign") {
  auto o = parse({"--output=json", "--threads=4", "examples"});
  CHECK(o.get("output") == "json");
  CHECK(o.get("threads") == "4");
  CHECK(test::joined(o.positional()) == "examples\n");
}

TEST_CASE("option value after an equals sign may itself hold an equals sign or be empty") {
  CHECK(parse({"--log-level=a=b"}).get("log-level") == "a=b");
  CHECK(parse({"--output="}).get("output") == "");
}

TEST_CASE("switches are set without a value") {
  auto o = parse({"examples", "--quiet"});
  CHECK(o.flag("quiet"));
  CHECK(o.get("quiet") == "true");
  CHECK_FALSE(parse({"examples"}).flag("quiet"));
}

TEST_CASE("a switch given a value is rejected") {
  CHECK(error_of({"--quiet=yes"}) == "option --quiet takes no value");
}

TEST_CASE("an unknown option is rejected naming the command") {
  CHECK(error_of({"--verbose", "examples"}) == "unknown option --verbose for 'validate' (see c4confd validate --help)");
  CHECK(error_of({"--out=json"}) == "unknown option --out for 'validate' (see c4confd validate --help)");
}

TEST_CASE("an option without its value is rejected naming the value") {
  CHECK(error_of({"examples", "--output"}) == "option --output needs a value (FORMAT)");
  CHECK(error_of({"--threads"}) == "option --threads needs a value (N)");
}

TEST_CASE("defaults apply when an option is not given") {
  EnvVar output("C4CONFD_OUTPUT", nullptr), threads("C4CONFD_THREADS", nullptr),
      level("C4CONFD_LOG_LEVEL", nullptr);
  auto o = parse({});
  CHECK(o.get("output") == "text");
  CHECK(o.get("threads") == "0");
  CHECK(o.get("log-level") == "");
  CHECK(o.get("no-such-option") == "");
  CHECK(o.positional().empty());
}

TEST_CASE("the environment twin overrides the default and the command line overrides both") {
  EnvVar env("C4CONFD_OUTPUT", "json");
  CHECK(parse({}).get("output") == "json");
  CHECK(parse({"--output", "text"}).get("output") == "text");
  CHECK(parse({"--output=text"}).get("output") == "text");
}

TEST_CASE("environment twins upper-case the name and turn dashes into underscores") {
  EnvVar env("C4CONFD_LOG_LEVEL", "debug");
  CHECK(parse({}).get("log-level") == "debug");
  CHECK(env_name(spec().options[3]) == "C4CONFD_LOG_LEVEL");
  CHECK(env_name(spec().options[0]) == "C4CONFD_OUTPUT");
}

TEST_CASE("a switch can be set from its environment twin") {
  {
    EnvVar env("C4CONFD_QUIET", "1");
    CHECK(parse({}).flag("quiet"));
  }
  {
    EnvVar env("C4CONFD_QUIET", "true");
    CHECK(parse({}).flag("quiet"));
  }
  {
    EnvVar env("C4CONFD_QUIET", "0");
    CHECK_FALSE(parse({}).flag("quiet"));
  }
}

TEST_CASE("an option marked no_env ignores the environment") {
  EnvVar env("C4CONFD_SECRET_FILE", "/etc/shadow");
  CHECK(parse({}).get("secret-file") == "");
  CHECK(parse({"--secret-file", "/run/s"}).get("secret-file") == "/run/s");
}

TEST_CASE("double dash ends the options") {
  EnvVar output("C4CONFD_OUTPUT", nullptr);
  auto o = parse({"--quiet", "--", "--output", "-x", "path"});
  CHECK(o.flag("quiet"));
  CHECK(o.get("output") == "text");
  CHECK(test::joined(o.positional()) == "--output\n-x\npath\n");
}

TEST_CASE("single dash arguments are positional") {
  auto o = parse({"-", "-q", "dir"});
  CHECK(test::joined(o.positional()) == "-\n-q\ndir\n");
}

TEST_CASE("the last occurrence of an option wins") {
  CHECK(parse({"--output", "json", "--output", "text"}).get("output") == "text");
}

TEST_CASE("a repeatable option keeps every value and the command line replaces its environment twin") {
  OptionSpec dirs{"secrets-dir", "DIR", "secret directories.", ""};
  dirs.repeatable = true;
  CommandSpec s{"validate", "PATH", "Checks manifests.", {dirs, {"output", "FORMAT", "text or json.", "text"}}};
  EnvVar env("C4CONFD_SECRETS_DIR", "/from/env");
  CHECK(parse_options(s, {}).value().all("secrets-dir") == std::vector<std::string>{"/from/env"});
  auto given = parse_options(s, {"--secrets-dir", "/a", "--secrets-dir=/b"}).value();
  CHECK(given.all("secrets-dir") == std::vector<std::string>{"/a", "/b"});
  CHECK(given.get("secrets-dir") == "/b");
  CHECK(given.all("output") == std::vector<std::string>{"text"});
  CHECK(command_help(s).find("--secrets-dir DIR …") != std::string::npos);
}

TEST_CASE("command help lists every option with its env twin and default") {
  std::string help = command_help(spec());
  CHECK(help.rfind("Usage: c4confd validate [OPTIONS] PATH\n\nChecks manifests.\n", 0) == 0);
  CHECK(help.find("  --output FORMAT\n      text or json. Default: text. [C4CONFD_OUTPUT]\n") != std::string::npos);
  CHECK(help.find("  --quiet\n      errors only. [C4CONFD_QUIET]\n") != std::string::npos);
  CHECK(help.find("  --secret-file PATH\n      never from the environment.\n") != std::string::npos);
  CHECK(help.find("C4CONFD_SECRET_FILE") == std::string::npos);
}

}  // namespace
}  // namespace c4::cli

namespace c4::cli {
namespace {

using test::EnvVar;

TEST_CASE("an option with choices refuses any other value, from the command line or the environment") {
  CommandSpec s{"plan", "", "Plans.", {{"output", "FORMAT", "the format.", "text", false, "", false, {"text", "json", "markdown"}}}};
  CHECK(parse_options(s, {"--output", "markdown"}).value().get("output") == "markdown");
  auto bad = parse_options(s, {"--output=sarif"});
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message() == "--output must be text, json or markdown, not \"sarif\"");
  EnvVar env("C4CONFD_OUTPUT", "yaml");
  CHECK_FALSE(parse_options(s, {}).is_ok());
  CHECK(parse_options(s, {"--output", "json"}).value().get("output") == "json");  // the command line replaces it
  CHECK(command_help(s).find("the format. One of: text, json or markdown. Default: text. [C4CONFD_OUTPUT]") !=
        std::string::npos);
}

}  // namespace
}  // namespace c4::cli
