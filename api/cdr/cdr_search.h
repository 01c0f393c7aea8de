// GET /1.0/cdrs: CDR search with keyset pagination.
#pragma once

#include "store/connection_pool.h"
#include "api/http_reply.h"

namespace c4::cdr {

// Filters of cdr_filter.h. 200 {"items": [CDR…], "next": cursor | null}: newest first
// (call_start desc, id desc), at most `limit` items; "next" is passed as `after` to get the
// following page and is null on the last one. (No "total": counting every match of a
// multi-month range would cost more than the page.) 400 bad parameter, 404 tenant unknown or
// out of scope, 503 database unavailable. Thread-safe.
// With `offset` (the old service's paging) the page also carries "total", every match counted.
api::HttpReply cdr_search_reply(ConnectionPool& pool, const api::ApiRequest& request);

// GET /1.0/cdrs/{id} (the old service's path): one CDR of the caller's tenants, 404 otherwise
// (another tenant's CDR looks missing), 400 for an id that is not a positive whole number.
api::HttpReply cdr_by_id_reply(ConnectionPool& pool, const api::ApiRequest& request);

}  // namespace c4::cdr
