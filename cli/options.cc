#include "cli/options.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/exit_codes.h"

namespace c4::cli {
namespace {

const OptionSpec* find_option(const CommandSpec& spec, const std::string& name) {
  for (const auto& o : spec.options)
    if (o.name == name) return &o;
  return nullptr;
}

// "text, json or github"
std::string either(const std::vector<std::string>& choices) {
  std::string s;
  for (size_t i = 0; i < choices.size(); ++i)
    s += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
  return s;
}

Status check_choice(const OptionSpec& o, const std::string& value) {
  if (o.choices.empty()) return Status::ok();
  for (const auto& c : o.choices)
    if (c == value) return Status::ok();
  return Status::invalid("--" + o.name + " must be " + either(o.choices) + ", not \"" + value + "\"");
}

}  // namespace

std::string env_name(const OptionSpec& option) {
  if (!option.env.empty()) return option.env;
  std::string s = "C4CONFD_";
  for (char c : option.name) s.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return s;
}

Result<ParsedOptions> parse_options(const CommandSpec& spec, const std::vector<std::string>& args) {
  ParsedOptions parsed;
  for (const auto& o : spec.options) {
    if (!o.default_value.empty()) parsed.values_[o.name] = o.default_value;
    if (o.no_env) continue;
    if (const char* env = std::getenv(env_name(o).c_str())) parsed.values_[o.name] = env;
  }
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg.compare(0, 2, "--") != 0 || arg == "-") {
      parsed.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const OptionSpec* o = find_option(spec, name);
    if (!o) return Status::invalid("unknown option --" + name + " for '" + spec.name + "' (see c4confd " + spec.name + " --help)");
    if (o->value_name.empty()) {
      if (has_value) return Status::invalid("option --" + name + " takes no value");
      parsed.values_[name] = "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return Status::invalid("option --" + name + " needs a value (" + o->value_name + ")");
      value = args[++i];
    }
    parsed.values_[name] = value;
    if (o->repeatable) parsed.repeated_[name].push_back(value);
  }
  // Checked after the command line so an environment twin the command line replaces is not judged.
  for (const auto& o : spec.options)
    if (auto it = parsed.values_.find(o.name); it != parsed.values_.end())
      if (Status s = check_choice(o, it->second); !s) return s;
  return parsed;
}

std::vector<std::string> ParsedOptions::all(const std::string& name) const {
  if (auto it = repeated_.find(name); it != repeated_.end()) return it->second;
  std::string v = get(name);
  if (v.empty()) return {};
  return {v};
}

std::string ParsedOptions::get(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? "" : it->second;
}

bool ParsedOptions::flag(const std::string& name) const {
  std::string v = get(name);
  return v == "true" || v == "1" || v == "yes";
}

std::string command_help(const CommandSpec& spec) {
  std::string s = "Usage: c4confd " + spec.name + (spec.options.empty() ? "" : " [OPTIONS]") +
                  (spec.arguments.empty() ? "" : " " + spec.arguments) + "\n\n" + spec.summary + "\n" +
                  kExitUsageHelp + "\n";
  if (spec.options.empty()) return s;
  s += "\nOptions (each also read from the environment variable shown):\n";
  for (const auto& o : spec.options) {
    std::string flag = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name) + (o.repeatable ? " …" : "");
    s += flag + "\n      " + o.help;
    if (!o.choices.empty()) s += " One of: " + either(o.choices) + ".";
    if (!o.default_value.empty()) s += " Default: " + o.default_value + ".";
    if (!o.no_env) s += " [" + env_name(o) + "]";
    s += "\n";
  }
  return s;
}

std::string command_brief(const CommandSpec& spec) {
  if (!spec.brief.empty()) return spec.brief;
  std::string joined;
  for (char c : spec.summary) joined += c == '\n' ? ' ' : c;
  // A sentence ends at ". " (or the end); "e.g. " and "(see `x`). " are not worth special cases here.
  auto end = joined.find(". ");
  return end == std::string::npos ? joined : joined.substr(0, end + 1);
}

Result<std::string> read_secret_option(const ParsedOptions& options, const std::string& flag, const char* env) {
  std::string path = options.get(flag);
  if (path.empty()) {
    const char* value = std::getenv(env);
    return std::string(value ? value : "");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid("--" + flag + " " + path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) return Status::invalid("--" + flag + " " + path + ": the file is empty");
  return secret;
}

Result<ListenAddress> parse_listen_option(const ParsedOptions& options, const std::string& flag) {
  std::string listen = options.get(flag);
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Status::invalid("--" + flag + " \"" + listen + "\": expected HOST:PORT, e.g. 127.0.0.1:9600");
  ListenAddress address;
  address.host = listen.substr(0, colon);
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']')
    address.host = address.host.substr(1, address.host.size() - 2);
  std::string port_text = listen.substr(colon + 1);
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535)
    return Status::invalid("--" + flag + " \"" + listen + "\": the port must be a number from 0 to 65535");
  address.port = port;
  return address;
}

}  // namespace c4::cli
