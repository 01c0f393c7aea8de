#include "model/validate.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <thread>

#include "common/text.h"
#include "model/checks.h"
#include "model/decode.h"
#include "model/problem_at.h"
#include "model/problem_rules.h"
#include "model/yaml_json.h"

namespace c4 {
namespace {

std::string known_kinds() {
  std::string s;
  for (const auto& k : all_kinds()) s += (s.empty() ? "" : ", ") + std::string(k.name);
  return s;
}

// A value of a manifest in a message; bytes that are not UTF-8 are replaced, not thrown on.
std::string shown(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Reads apiVersion and kind. Returns the kind, or nullopt after reporting why the document
// cannot be checked further.
std::optional<Kind> read_header(const Document& doc, const nlohmann::json& json, const ObjectRef& object,
                                Problems& problems) {
  auto fail = [&](const std::string& pointer, std::string message) -> std::optional<Kind> {
    Problem p = problem_at(doc.file, doc.root, pointer, object, std::move(message));
    p.rule = rules::kHeader;
    problems.add(std::move(p));
    return std::nullopt;
  };
  if (!json.is_object())
    return fail("", "a manifest must be a mapping with apiVersion, kind, metadata and spec");
  auto api = json.find("apiVersion");
  if (api == json.end()) return fail("", "missing required field \"apiVersion\" (use " + std::string(kApiVersion) + ")");
  if (!api->is_string() || api->get<std::string>() != kApiVersion)
    return fail("/apiVersion", "unknown apiVersion " + shown(*api) + "; this c4confd reads " + std::string(kApiVersion));
  auto kind = json.find("kind");
  if (kind == json.end()) return fail("", "missing required field \"kind\" (one of: " + known_kinds() + ")");
  std::string name = kind->is_string() ? kind->get<std::string>() : shown(*kind);
  if (auto k = kind_from_name(name)) return k;
  std::string hint;
  for (const auto& info : all_kinds())
    if (ascii_lower(info.name) == ascii_lower(name)) hint = " (did you mean " + std::string(info.name) + "?)";
  return fail("/kind", "unknown kind \"" + name + "\"" + (hint.empty() ? "; known kinds: " + known_kinds() : hint));
}

// Best-effort identity of a document for messages, before it is known to be valid.
ObjectRef identify(const nlohmann::json& json) {
  ObjectRef o;
  if (!json.is_object()) return o;
  auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
  if (json.contains("kind")) o.kind = text(json["kind"]);
  if (json.contains("metadata") && json["metadata"].is_object()) {
    const auto& md = json["metadata"];
    if (md.contains("name")) o.name = text(md["name"]);
    auto kind = kind_from_name(o.kind);
    if (md.contains("tenant") && (!kind || kind_info(*kind).tenant_scoped)) o.tenant = text(md["tenant"]);
  }
  return o;
}

FileValidation validate_file(const SourceText& source, const SchemaSet& schemas, const Limits& limits) {
  FileValidation out;
  if (!source.not_read.empty()) {
    Problem p;
    p.severity = source.not_read_is_error ? Problem::Severity::error : Problem::Severity::warning;
    p.file = source.path;
    p.rule = rules::kFileNotRead;
    p.pos = {1, 0};
    p.message = source.not_read;
    out.problems.add(std::move(p));
    return out;
  }
  for (const Document& doc : parse_documents(source, out.problems, limits)) {
    ++out.documents;
    nlohmann::json json = yaml_to_json(doc.root, doc.file, out.problems);
    ObjectRef object = identify(json);
    auto kind = read_header(doc, json, object, out.problems);
    if (!kind) continue;
    if (schemas.validate(*kind, json, doc.root, doc.file, object, out.problems)) {
      decode_document(*kind, doc, json, out.catalog, out.problems);
    } else {
      // Still look at the values, so one run shows every problem; the object is not kept,
      // but references to it are not reported again.
      Catalog scratch;
      decode_document(*kind, doc, json, scratch, out.problems, DecodeMode::partial);
      if (!object.name.empty()) out.catalog.mark_invalid({*kind, object.tenant, object.name});
    }
  }
  return out;
}

// Reports the DID entry at which the revision's numbers (listed, and every number of every
// range) go over limits.max_numbers; one problem at most.
void check_number_count(const Catalog& catalog, const Limits& limits, Problems& problems) {
  uint64_t total = 0;
  for (const auto& d : catalog.all<DID>()) {
    auto over = [&](const std::string& pointer, SourcePos pos) {
      Problem p;
      p.rule = rules::kLimit;
      p.file = d.meta.file;
      p.pos = pos;
      p.pointer = pointer;
      p.object = d.meta.ref();
      p.message = "the DIDs of this revision claim more than " + with_thousands(limits.max_numbers) +
                  " numbers, counting every number of every range (--max-numbers); the limit is crossed here";
      problems.add(std::move(p));
    };
    if (total + d.counted_numbers() <= limits.max_numbers) {
      total += d.counted_numbers();
      continue;
    }
    for (const auto& n : d.numbers)
      if (++total > limits.max_numbers) return over(pointer_append("/spec/numbers", n.index), n.pos);
    for (const auto& r : d.ranges) {
      total += r.to.value - r.from.value + 1;
      if (total > limits.max_numbers) return over(pointer_append("/spec/ranges", r.index), r.pos);
    }
  }
}

// Parses the files (or takes their results from `cache`) and gathers their objects and
// problems into `report`. Returns false when a file a limit refused is missing, so references
// between files cannot be checked.
bool gather_files(const std::vector<SourceText>& sources, const SchemaSet& schemas, unsigned threads,
                  FileValidationCache* cache, const Limits& limits, ValidationReport& report) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, std::max<size_t>(1, sources.size()));

  std::vector<std::shared_ptr<FileValidation>> results(sources.size());
  if (cache)
    for (size_t i = 0; i < sources.size(); ++i)
      // Cached results are only read (copied below), never moved from.
      results[i] = std::const_pointer_cast<FileValidation>(cache->find(sources[i]));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < sources.size(); i = next++)
      if (!results[i]) results[i] = std::make_shared<FileValidation>(validate_file(sources[i], schemas, limits));
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  report.files = sources.size();
  std::map<std::string, std::shared_ptr<const FileValidation>> entries;
  bool complete = true;
  for (size_t i = 0; i < sources.size(); ++i) {
    FileValidation& r = *results[i];
    report.documents += r.documents;
    if (cache) {
      Catalog copy = r.catalog;  // cached results stay intact for the next revision
      report.catalog.append(std::move(copy));
    } else {
      report.catalog.append(std::move(r.catalog));  // nobody keeps them: no copy of a million numbers
    }
    report.problems.append(r.problems);
    // A refused file's result depends on the other files' sizes, not only on its content.
    if (cache && !sources[i].content_id.empty() && sources[i].not_read.empty())
      entries[FileValidationCache::key(sources[i])] = results[i];
    complete = complete && !(sources[i].not_read_is_error && !sources[i].not_read.empty());
  }
  if (cache) cache->reset(std::move(entries));
  return complete;
}

}  // namespace

std::shared_ptr<const FileValidation> FileValidationCache::find(const SourceText& source) const {
  if (source.content_id.empty() || !source.not_read.empty()) return nullptr;
  auto it = entries_.find(key(source));
  return it == entries_.end() ? nullptr : it->second;
}

ValidationReport validate_sources(const std::vector<SourceText>& sources, const SchemaSet& schemas,
                                  unsigned threads, FileValidationCache* cache, const Limits& limits,
                                  const SecretPolicy& secrets) {
  ValidationReport report;
  bool complete = gather_files(sources, schemas, threads, cache, limits, report);
  check_number_count(report.catalog, limits, report.problems);
  // With files left unread, references into them would all be reported as dangling: the
  // revision is refused anyway, for the limit.
  if (complete) {
    report.catalog.build_index(report.problems);
    check_catalog(report.catalog, report.problems);
  }
  // Not a per-file check: the policy is the operator's, and cached file results must not hold it.
  check_secret_references(report.catalog, secrets, report.problems);
  report.problems.sort();
  return report;
}

Catalog catalog_of_sources(const std::vector<SourceText>& sources, const SchemaSet& schemas, unsigned threads,
                           FileValidationCache* cache, const Limits& limits) {
  ValidationReport report;
  gather_files(sources, schemas, threads, cache, limits, report);
  report.catalog.build_index(report.problems);
  return std::move(report.catalog);
}

}  // namespace c4
