#include "model/yaml_source.h"

#include <algorithm>
#include <cstdio>

#include <yaml-cpp/depthguard.h>

#include "common/utf8.h"
#include "model/problem_rules.h"
#include "model/yaml_budget.h"
#include "model/yaml_loop_guard.h"

namespace c4 {
namespace {

std::vector<std::string> split_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < pointer.size() && pointer[i] == '/') {
    size_t next = pointer.find('/', i + 1);
    std::string raw(pointer.substr(i + 1, next == std::string_view::npos ? std::string_view::npos
                                                                         : next - i - 1));
    std::string token;
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '~' && k + 1 < raw.size()) {
        token.push_back(raw[k + 1] == '1' ? '/' : '~');
        ++k;
      } else {
        token.push_back(raw[k]);
      }
    }
    tokens.push_back(std::move(token));
    if (next == std::string_view::npos) break;
    i = next;
  }
  return tokens;
}

bool parse_index(const std::string& token, size_t& index) {
  if (token.empty() || token.size() > 9) return false;
  index = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return true;
}

// Steps from `node` to its child named by `token`; sets `key_pos` to the key's position for
// mappings. Returns an invalid node when there is no such child.
YAML::Node child(const YAML::Node& node, const std::string& token, SourcePos* key_pos) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == token) {
        if (key_pos) *key_pos = position_of(it->first);
        return it->second;
      }
    }
  } else if (node.IsSequence()) {
    size_t index = 0;
    if (parse_index(token, index) && index < node.size()) {
      if (key_pos) *key_pos = position_of(node[index]);
      return node[index];
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

// The position of the first line whose indentation contains a tab; 0:0 when none.
SourcePos first_tab_indent(const std::string& text) {
  uint32_t line = 1;
  for (size_t i = 0; i < text.size();) {
    size_t col = 0;
    while (i + col < text.size() && (text[i + col] == ' ' || text[i + col] == '\t')) {
      if (text[i + col] == '\t') return {line, 1};
      ++col;
    }
    size_t eol = text.find('\n', i);
    if (eol == std::string::npos) break;
    i = eol + 1;
    ++line;
  }
  return {};
}

}  // namespace

SourcePos position_of(const YAML::Node& node) {
  if (!node.IsDefined()) return {};
  YAML::Mark m = node.Mark();
  if (m.is_null()) return {};
  return {static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
}

std::vector<Document> parse_documents(const SourceText& source, Problems& problems, const Limits& limits) {
  std::vector<Document> docs;
  std::vector<YAML::Node> nodes;
  // Values reach JSON and the schema checks, which need UTF-8 (valijson's length count reads
  // out of bounds on other bytes).
  if (size_t bad = first_invalid_utf8(source.text); bad != std::string::npos) {
    size_t line_start = source.text.rfind('\n', bad) == std::string::npos ? 0 : source.text.rfind('\n', bad) + 1;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(source.text[bad]));
    Problem p;
    p.file = source.path;
    p.rule = rules::kYaml;
    p.pos = {static_cast<uint32_t>(std::count(source.text.begin(), source.text.begin() + bad, '\n') + 1),
             static_cast<uint32_t>(bad - line_start + 1)};
    p.message = std::string("invalid YAML: not UTF-8 text (byte ") + hex + "); save the file as UTF-8";
    problems.add(std::move(p));
    return docs;
  }
  try {
    // LoadAll would never return on such a stream (a yaml-cpp 0.7 defect, yaml_loop_guard.h),
    // nor would the budget's event scan, which runs the same parser: checked first.
    if (auto stuck = yaml_loop_point(source.text)) {
      char c = static_cast<size_t>(stuck->pos) < source.text.size() ? source.text[stuck->pos] : ' ';
      throw YAML::ParserException(*stuck, c > ' ' && c < 127 ? std::string("unexpected '") + c + "'" : "unexpected character");
    }
    if (may_exceed_yaml_budget(source.text, limits)) {
      if (auto over = check_yaml_budget(source, limits)) {
        problems.add(std::move(*over));
        return docs;
      }
    }
    nodes = YAML::LoadAll(source.text);
  } catch (const YAML::DeepRecursion& e) {
    Problem p;
    p.file = source.path;
    p.rule = rules::kYaml;
    p.pos = {static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)};
    p.message = "invalid YAML: nested too deep (the parser stops at " + std::to_string(e.depth()) + " levels)";
    problems.add(std::move(p));
    return docs;
  } catch (const YAML::Exception& e) {
    Problem p;
    p.file = source.path;
    p.rule = rules::kYaml;
    if (!e.mark.is_null())
      p.pos = {static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)};
    p.message = "invalid YAML: " + e.msg;
    // yaml-cpp's message for a tab in indentation ("illegal map value") does not say why.
    if (auto tab = first_tab_indent(source.text); tab.line && (!p.pos.line || tab.line == p.pos.line)) {
      p.pos = tab;
      p.message = "invalid YAML: tab character in indentation (YAML indents with spaces only)";
    }
    problems.add(std::move(p));
    return docs;
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].IsNull()) continue;
    docs.push_back(Document{source.path, i, position_of(nodes[i]), nodes[i]});
  }
  return docs;
}

// Walking uses Node::reset: yaml-cpp's operator= on a Node writes through to the node it refers
// to, which would overwrite the document being walked.
YAML::Node node_at(const YAML::Node& root, std::string_view pointer) {
  YAML::Node node;
  node.reset(root);
  for (const auto& token : split_pointer(pointer)) {
    YAML::Node next = child(node, token, nullptr);
    if (!next.IsDefined()) return next;
    node.reset(next);
  }
  return node;
}

SourcePos position_at(const YAML::Node& root, std::string_view pointer) {
  SourcePos pos = position_of(root);
  YAML::Node node;
  node.reset(root);
  for (const auto& token : split_pointer(pointer)) {
    SourcePos key_pos;
    YAML::Node next = child(node, token, &key_pos);
    if (!next.IsDefined()) break;
    pos = key_pos.line ? key_pos : position_of(next);
    node.reset(next);
  }
  return pos;
}

std::string pointer_append(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

std::string pointer_append(std::string_view pointer, size_t index) {
  return std::string(pointer) + "/" + std::to_string(index);
}

}  // namespace c4
