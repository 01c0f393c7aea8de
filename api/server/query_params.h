// Parsing of the query parameters the read paths share (offset, limit, label filters), with
// 400 errors that name the parameter at fault.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/http_reply.h"

namespace c4::api {

struct Page {
  int64_t offset = 0;
  int64_t limit = 100;
};

inline constexpr int64_t kMaxLimit = 1000;

// Reads `offset` (0 or more, default 0) and `limit` (1..kMaxLimit, default `default_limit`).
// On a bad value returns false and sets `error` to a 400 naming the parameter.
bool parse_page(const ApiRequest& request, Page& page, HttpReply& error, int64_t default_limit = 100);

// A positive decimal integer below 2^63 (an id, a cursor), or nullopt.
std::optional<int64_t> parse_positive_id(const std::string& text);

// Every `label` parameter as key=value. On a value without '=' or with an empty key returns
// false and sets `error`.
bool parse_labels(const ApiRequest& request, std::vector<std::pair<std::string, std::string>>& labels,
                  HttpReply& error);

// The query string of a request target ("/path?a=1&b=x%3Dy" → {a: 1, b: x=y}): split on '&',
// then on the FIRST '=' only (so label=key=value keeps "key=value"), percent-decoded, '+' as a
// space. A parameter without '=' has an empty value.
std::multimap<std::string, std::string> parse_query_string(std::string_view target);

// The path of a request target with its %XX escapes decoded ("/a%2Fb" → "/a/b"); '+' stays a
// '+' (it means a space only in a query). A stray '%' is kept as typed.
std::string percent_decode_path(std::string_view path);

// True when `text` is well-formed UTF-8 without NUL (what PostgreSQL text accepts).
bool is_clean_utf8(std::string_view text);

// A 400 for the first query parameter, path parameter or path that is not clean UTF-8 (a
// database would refuse it later, which must not look like an outage), or nullopt.
std::optional<HttpReply> unreadable_text(const ApiRequest& request);

// A 400 for the first query parameter not in `known`, or nullopt when all are known.
std::optional<HttpReply> unknown_parameter(const ApiRequest& request, const std::set<std::string>& known);

}  // namespace c4::api
