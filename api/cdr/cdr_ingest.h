// POST /1.0/kamailio/cdr (kamailio-contract.md, section 3).
#pragma once

#include <functional>

#include "api/cdr/cdr_writer.h"
#include "api/http_reply.h"

namespace c4::cdr {

// Parses the body (cdr_body.h), then:
//   400 invalid_field      a field is missing or malformed (details.field names it)
//   403 forbidden          the caller's scope does not include the CDR's tenant
//   200 {"success": false, "cdr": null}   the tenant is unknown (as the old service answered)
//   200 {"success": true, "cdr": {…}}     stored and committed (blocks until the commit)
//   503 unavailable        not stored: database down, commit failed, queue full, shutting down
// `on_stored`, when given, is called with each committed record before the reply is returned
// (the routing side releases the call's trunk channel there). Thread-safe.
api::HttpReply cdr_ingest_reply(CdrWriter& writer, const api::ApiRequest& request,
                                const std::function<void(const StoredCdr&)>& on_stored = {});

}  // namespace c4::cdr
