// POST /1.0/kamailio/cdr (kamailio-contract.md, section 3).
#pragma once

#include <functional>

#include "api/cdr/cdr_writer.h"
#include "api/http_reply.h"

namespace c4::cdr {

// Parses the body (cdr_body.h), then answers through `reply`, exactly once:
//   400 invalid_input      a field is missing or malformed (details.field names it, details.in "body")
//   403 forbidden          the caller's scope does not include the CDR's tenant
//   200 {"success": false, "cdr": null}   the tenant is unknown (as the old service answered)
//   200 {"success": true, "cdr": {…}}     stored and committed, or spooled while the database
//                                         is unavailable (then "id" is null: cdr_writer.h)
//   422 refused            the database refused this CDR's data (it alone; details are logged)
//   503 unavailable        not stored: database down (and no room in a spool), queue full,
//                          shutting down
// Error messages never carry database hosts, ports or server messages (those are logged).
// The answers that need no commit are given before it returns; a stored CDR's (and a failed
// commit's) from the writer's thread once its batch is committed (CdrWriter::write_async), so
// the caller holds no thread meanwhile. `on_stored`, when given, is called with the committed
// record just before its reply (the routing side releases the call's trunk channel there);
// both run on the writer's thread and must be quick. May read the tenants table (an unknown
// tenant, at most once per refresh interval), so not for an I/O thread. Thread-safe.
void cdr_ingest(CdrWriter& writer, const api::ApiRequest& request, std::function<void(api::HttpReply)> reply,
                std::function<void(const StoredCdr&)> on_stored = {});

// The same, waiting for the answer (tests and tools).
api::HttpReply cdr_ingest_reply(CdrWriter& writer, const api::ApiRequest& request,
                                std::function<void(const StoredCdr&)> on_stored = {});

}  // namespace c4::cdr
