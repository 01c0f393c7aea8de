#include "model/yaml_budget.h"

#include <limits>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "model/problem_rules.h"

namespace c4 {
namespace {

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

// Thrown by the handler to stop the parser at the first problem.
struct Stop {
  Problem problem;
};

// Counts nodes as the conversion to JSON would make them: an alias counts as the whole node it
// names, so the size of every anchored node is recorded when it ends.
class BudgetHandler : public YAML::EventHandler {
 public:
  BudgetHandler(const SourceText& source, const Limits& limits) : source_(source), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {
    ++document_;
    nodes_ = 0;
    open_.clear();
    sizes_.clear();  // anchors do not cross documents
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = sizes_.find(anchor);
    if (it == sizes_.end())
      stop(mark, "this alias refers to a node that contains it: expanding it would never end");
    aliased_ = saturating_add(aliased_, it->second);
    if (aliased_ > limits_.max_alias_expansions)
      stop(mark, "the aliases of this file expand to more than " + with_thousands(limits_.max_alias_expansions) +
                     " nodes (--max-alias-expansions); the limit is crossed at this alias");
    add(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    start(mark, anchor);
  }
  void OnSequenceEnd() override { end(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    start(mark, anchor);
  }
  void OnMapEnd() override { end(); }

 private:
  struct Open {
    uint64_t size;  // nodes so far, itself included, aliases expanded
    YAML::anchor_t anchor;
  };

  [[noreturn]] void stop(const YAML::Mark& mark, std::string message) {
    Problem p;
    p.file = source_.path;
    p.rule = rules::kLimit;
    if (!mark.is_null()) p.pos = {static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1)};
    p.message = std::move(message);
    throw Stop{std::move(p)};
  }

  // `n` more nodes in the current document, inside the innermost open collection.
  void add(const YAML::Mark& mark, uint64_t n) {
    nodes_ = saturating_add(nodes_, n);
    if (nodes_ > limits_.max_yaml_nodes)
      stop(mark, "document " + std::to_string(document_) + " of this file has more than " +
                     with_thousands(limits_.max_yaml_nodes) +
                     " nodes, aliases expanded (--max-yaml-nodes); the limit is crossed here");
    if (!open_.empty()) open_.back().size = saturating_add(open_.back().size, n);
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    if (anchor != YAML::NullAnchor) sizes_[anchor] = 1;
  }
  void start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    open_.push_back({1, anchor});
  }
  void end() {
    Open closed = open_.back();
    open_.pop_back();
    if (closed.anchor != YAML::NullAnchor) sizes_[closed.anchor] = closed.size;
    // The parent counted the collection's own node when it started; the rest is added now.
    if (!open_.empty()) open_.back().size = saturating_add(open_.back().size, closed.size - 1);
  }

  const SourceText& source_;
  const Limits& limits_;
  size_t document_ = 0;
  uint64_t nodes_ = 0;    // of the current document
  uint64_t aliased_ = 0;  // of the whole file
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, uint64_t> sizes_;  // anchored nodes that have ended
};

}  // namespace

bool may_exceed_yaml_budget(std::string_view text, const Limits& limits) {
  // yaml-cpp makes at most one node per byte ("?\n" is a key and a value: two per two bytes),
  // plus one for an empty document; halving the limit leaves room to spare.
  return text.find('*') != std::string_view::npos || text.size() >= limits.max_yaml_nodes / 2;
}

std::optional<Problem> check_yaml_budget(const SourceText& source, const Limits& limits) {
  try {
    std::istringstream in(source.text);
    YAML::Parser parser(in);
    BudgetHandler handler(source, limits);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (Stop& stop) {
    return std::move(stop.problem);
  } catch (const std::exception&) {
    // Not valid YAML: parsing reports where.
  }
  return std::nullopt;
}

}  // namespace c4
