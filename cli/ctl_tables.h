// How `c4confd ctl` prints the API's answers for people: aligned tables and key/value lists.
// Every value from the API (commit messages, error texts from manifests) is escaped
// (common/escape.h): it cannot forge a line or send a terminal escape.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

namespace c4::cli {

void print_status(std::ostream& out, const nlohmann::json& status);        // GET /1.0/status
void print_revisions(std::ostream& out, const nlohmann::json& page);       // GET /1.0/revisions
void print_revision(std::ostream& out, const nlohmann::json& revision);    // GET /1.0/revisions/{id}
void print_sync(std::ostream& out, const nlohmann::json& answer);          // POST /1.0/reconciler/sync

}  // namespace c4::cli
