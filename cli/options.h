// Command-line options shared by every subcommand: each flag has an environment variable
// twin (C4CONFD_<FLAG>), a default and one line of help, declared in one table per command
// so --help can never disagree with what is parsed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace c4::cli {

struct OptionSpec {
  std::string name;        // "output" for --output
  std::string value_name;  // "FORMAT"; empty for a boolean switch
  std::string help;
  std::string default_value;
  // The environment twin is C4CONFD_ + upper-cased name with '-' → '_', unless `no_env`.
  bool no_env = false;
  // When set, the environment twin's name instead of the derived one.
  std::string env = "";
  // May be given more than once; every value is kept (ParsedOptions::all). Values on the
  // command line replace the environment twin's.
  bool repeatable = false;
  // When not empty, the only values accepted (command line or environment twin); any other is
  // a usage error naming them, e.g. the formats an --output supports.
  std::vector<std::string> choices = {};
};

struct CommandSpec {
  std::string name;
  std::string arguments;  // "PATH"
  std::string summary;
  std::vector<OptionSpec> options;
  // One sentence for the command list of `c4confd --help`; empty: the summary's first sentence.
  std::string brief = "";
};

class ParsedOptions {
 public:
  std::string get(const std::string& name) const;  // command line, else env twin, else default
  bool flag(const std::string& name) const;        // switch set on the command line or env "1"/"true"
  // Every value of a repeatable option, in order (one at most for the others; none when unset).
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend Result<ParsedOptions> parse_options(const CommandSpec&, const std::vector<std::string>&);
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> repeated_;  // repeatable options given on the command line
  std::vector<std::string> positional_;
};

// Parses `args` (after the subcommand) against `spec`: --name VALUE, --name=VALUE, --switch,
// and "--" ending options. Unknown flags, missing values and values outside an option's
// `choices` fail with Status::invalid (a usage error: exit_codes.h kExitUsage).
Result<ParsedOptions> parse_options(const CommandSpec& spec, const std::vector<std::string>& args);

std::string env_name(const OptionSpec& option);
// The help text of one command (usage, summary, every option with its env twin, default and
// choices, and the usage exit status shared by every command).
std::string command_help(const CommandSpec& spec);
// The one-line description of a command in the command list: `brief`, else the summary's
// first sentence, whole.
std::string command_brief(const CommandSpec& spec);

// A secret given by a file flag: the content of the file --`flag` names, trailing newlines,
// carriage returns and spaces dropped; without the flag, the environment variable `env` (""
// when unset). invalid when the file cannot be read or holds nothing.
Result<std::string> read_secret_option(const ParsedOptions& options, const std::string& flag, const char* env);

struct ListenAddress {
  std::string host;  // brackets of an IPv6 literal removed
  int port = 0;      // 0: any free port
};
// Parses the HOST:PORT of --`flag` ("[::1]:9600" for IPv6). invalid names the flag.
Result<ListenAddress> parse_listen_option(const ParsedOptions& options, const std::string& flag);

}  // namespace c4::cli
