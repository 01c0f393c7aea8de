// GET /1.0/cdrs/stats: call statistics over the CDRs a filter selects, computed in SQL.
#pragma once

#include "store/connection_pool.h"
#include "api/http_reply.h"

namespace c4::cdr {

// Filters of cdr_filter.h plus group_by (none | trunk | ipbx | hour | day). 200
//   {"group_by": "trunk", "items": [{"carrier_trunk_id": 7, "calls": 3, "answered": 2,
//     "asr": 0.6667, "acd": 90.0, "minutes": 3.0}, …]}
// per group, ordered by the group key (a null trunk or IPBX last):
//   calls     CDRs in the group
//   answered  CDRs with duration > 0
//   asr       answered / calls (null when calls is 0)
//   acd       mean duration of the answered calls, in seconds (null when none answered)
//   minutes   sum of durations / 60
// The key is "carrier_trunk_id", "ipbx_id", or "period" (ISO-8601 start of the UTC hour or
// day); group_by none gives one item without a key. 400 bad parameter, 404 tenant unknown or
// out of scope, 503 database unavailable. Thread-safe.
api::HttpReply cdr_stats_reply(ConnectionPool& pool, const api::ApiRequest& request);

}  // namespace c4::cdr
