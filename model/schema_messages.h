// The translation of valijson's findings into plain-language messages: one translator per
// English message valijson writes, chosen by the message's prefix.
//
// valijson's messages are not an API: an upgrade may reword one. Every prefix below is pinned
// by tests/unit/model/schema_messages_test.cc against valijson's real output, so a rewording fails
// that test instead of silently turning a friendly message into valijson's raw one.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace c4 {

struct SchemaFinding {
  std::string pointer;
  std::string message;
};

// What a translator may look at for one valijson error.
struct SchemaErrorContext {
  std::string pointer;      // where valijson reported it ("/spec/numbers/3")
  std::string description;  // valijson's message
  const nlohmann::json* schema = nullptr;  // the schema node at `pointer`, when known
  const nlohmann::json* value = nullptr;   // the document's value at `pointer`, when present
  const nlohmann::json* document = nullptr;
  const YAML::Node* yaml = nullptr;        // the document as written (for quoting hints)
  bool secret = false;  // the value is a secret: never echoed
  // Every (pointer, description) valijson reported for the document.
  const std::vector<std::pair<std::string, std::string>>* all = nullptr;
  // Pointers of failed anyOf nodes, and of the fields their branches require: the anyOf finding
  // summarises them.
  const std::set<std::string>* any_of_pointers = nullptr;
  const std::set<std::string>* any_of_fields = nullptr;
};

// Adds the findings one valijson error stands for to `out` (none for a wrapper that repeats a
// deeper finding).
using SchemaTranslator = void (*)(const SchemaErrorContext& error, std::vector<SchemaFinding>& out);

struct SchemaMessage {
  std::string_view prefix;  // how valijson's message begins
  SchemaTranslator translate;
};

// Every message valijson writes that c4confd translates, in the order they are tried.
const std::vector<SchemaMessage>& schema_messages();

// The prefix of valijson's message for a failed anyOf (the context builder needs it first).
inline constexpr std::string_view kAnyOfFailed = "Failed to validate against any schemas allowed by anyOf";

// Adds the findings of `error`: the first translator whose prefix starts its description, or
// valijson's own message when none does.
void translate_schema_error(const SchemaErrorContext& error, std::vector<SchemaFinding>& out);

}  // namespace c4
