// load_snapshot: the live revision, read back from PostgreSQL and decoded with the same
// decoder as manifests (model/decode.h), then compiled like any catalog.
#include <pqxx/pqxx>

#include "api/routing/snapshot.h"
#include "model/decode.h"
#include "store/database.h"
#include "store/live_state.h"
#include "store/revision_log.h"

namespace c4::routing {
namespace {

// The manifest document a row stands for, so the one decoder can read it.
nlohmann::json document_of(const ObjectKey& key, const nlohmann::json& content) {
  nlohmann::json metadata = {{"name", key.name}};
  if (!key.tenant.empty()) metadata["tenant"] = key.tenant;
  if (content.contains("labels") && !content["labels"].empty()) metadata["labels"] = content["labels"];
  return {{"apiVersion", "c4confd/v1"},
          {"kind", std::string(kind_name(key.kind))},
          {"metadata", std::move(metadata)},
          {"spec", content.value("spec", nlohmann::json::object())}};
}

}  // namespace

Result<SnapshotPtr> load_snapshot(pqxx::connection& conn, const SnapshotOptions& options) {
  Catalog catalog;
  ObjectIds ids;
  std::string revision;
  Status read = with_database(conn, "reading the live configuration", [&](pqxx::connection& c) -> Status {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(c);
    auto status = read_status(txn);
    if (!status) return status.status();
    if (status->live_revision_id) revision = std::to_string(*status->live_revision_id);
    auto objects = read_live_objects(txn);
    if (!objects) return objects.status();
    for (const auto& [key, live] : *objects) ids[key] = live.id;
    auto contents = read_live_contents(txn);
    if (!contents) return contents.status();
    Problems problems;
    // Decode in dependency order (the order of Kind), as a revision's catalog holds them.
    for (const auto& [key, content] : *contents) {
      Document doc;  // no file: the object comes from a row (explain shows no file:line)
      nlohmann::json json = document_of(key, content);
      // The decoder walks a DID's number lists in the YAML tree alongside the JSON (for
      // positions), so a DID needs one; JSON text is YAML.
      if (key.kind == Kind::DID) doc.root = YAML::Load(json.dump());
      if (!decode_document(key.kind, doc, json, catalog, problems))
        return Status::internal("row of " + key.display() + " does not decode");
    }
    if (problems.has_errors())
      return Status::internal("rows do not decode: " + problems.items().front().message);
    // A DID is decoded from YAML text made here, whose positions mean nothing to anyone.
    forget_source_positions(catalog);
    catalog.build_index(problems);
    return Status::ok();
  });
  if (!read) return read;
  return compile_snapshot(std::move(catalog), std::move(ids), std::move(revision), options);
}

}  // namespace c4::routing
