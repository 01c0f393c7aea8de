#include "model/yaml_json.h"

#include <cerrno>
#include <cstdlib>

#include "model/problem_rules.h"
#include "model/yaml_source.h"

namespace c4 {
namespace {

bool is_int_text(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

bool is_float_text(const std::string& s) {
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == n;
}

bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

nlohmann::json scalar_to_json(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (!is_plain(node)) return s;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (is_int_text(s)) {
    errno = 0;
    long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == 0) return static_cast<int64_t>(v);
    return std::strtod(s.c_str(), nullptr);
  }
  if (is_float_text(s)) return std::strtod(s.c_str(), nullptr);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    int base = s[1] == 'x' ? 16 : 8;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str() + 2, &end, base);
    if (errno == 0 && end && *end == '\0') return static_cast<int64_t>(v);
  }
  return s;
}

}  // namespace

bool is_plain_number(const YAML::Node& node) {
  return node.IsScalar() && is_plain(node) && (is_int_text(node.Scalar()) || is_float_text(node.Scalar()));
}

nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& file, Problems& problems) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(yaml_to_json(item, file, problems));
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) {
          Problem p;
          p.file = file;
          p.rule = rules::kYaml;
          p.pos = position_of(it->first);
          p.message = "a mapping key must be a plain value, not a list or mapping";
          problems.add(std::move(p));
          continue;
        }
        const std::string& key = it->first.Scalar();
        if (obj.contains(key)) {
          Problem p;
          p.file = file;
          p.rule = rules::kYaml;
          p.pos = position_of(it->first);
          p.message = "duplicate key \"" + key + "\" (the first one would be silently lost)";
          problems.add(std::move(p));
          continue;
        }
        obj[key] = yaml_to_json(it->second, file, problems);
      }
      return obj;
    }
  }
  return nullptr;
}

}  // namespace c4
