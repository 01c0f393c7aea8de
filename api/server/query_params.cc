#include "api/server/query_params.h"

#include <charconv>

#include "common/text.h"
#include "common/utf8.h"
#include "api/error_vocabulary.h"

namespace c4::api {
namespace {

constexpr PercentDecoding kForm{.plus_is_space = true};

HttpReply bad_parameter(const std::string& name, const std::string& message) {
  return invalid_input_reply("query", name, "query parameter " + name + ": " + message);
}

std::optional<int64_t> parse_int(const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string percent_decode_path(std::string_view path) { return *percent_decode(path); }

std::multimap<std::string, std::string> parse_query_string(std::string_view target) {
  std::multimap<std::string, std::string> out;
  auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view query = target.substr(q + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) out.emplace(*percent_decode(pair, kForm), "");
    else out.emplace(*percent_decode(pair.substr(0, eq), kForm), *percent_decode(pair.substr(eq + 1), kForm));
  }
  return out;
}

std::optional<int64_t> parse_positive_id(const std::string& text) {
  if (text.empty() || text[0] == '+' || text[0] == '-') return std::nullopt;
  auto v = parse_int(text);
  if (!v || *v <= 0) return std::nullopt;
  return v;
}

bool parse_page(const ApiRequest& request, Page& page, HttpReply& error, int64_t default_limit) {
  page = Page{0, default_limit};
  if (request.query.count("offset") > 1 || request.query.count("limit") > 1) {
    error = bad_parameter(request.query.count("offset") > 1 ? "offset" : "limit", "given more than once");
    return false;
  }
  if (const std::string* v = request.query_value("offset")) {
    auto n = parse_int(*v);
    if (!n || *n < 0) {
      error = bad_parameter("offset", "\"" + *v + "\" is not a whole number of 0 or more");
      return false;
    }
    page.offset = *n;
  }
  if (const std::string* v = request.query_value("limit")) {
    auto n = parse_int(*v);
    if (!n || *n < 1 || *n > kMaxLimit) {
      error = bad_parameter("limit", "\"" + *v + "\" is not a whole number from 1 to " + std::to_string(kMaxLimit));
      return false;
    }
    page.limit = *n;
  }
  return true;
}

bool parse_labels(const ApiRequest& request, std::vector<std::pair<std::string, std::string>>& labels,
                  HttpReply& error) {
  auto [first, last] = request.query.equal_range("label");
  for (auto it = first; it != last; ++it) {
    auto eq = it->second.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = bad_parameter("label", "\"" + it->second + "\" is not key=value (e.g. label=region=eu)");
      return false;
    }
    labels.emplace_back(it->second.substr(0, eq), it->second.substr(eq + 1));
  }
  return true;
}

bool is_clean_utf8(std::string_view text) {
  return text.find('\0') == std::string_view::npos && is_valid_utf8(text);
}

std::optional<HttpReply> unreadable_text(const ApiRequest& request) {
  auto bad = [](const std::string& in, const std::string& name) {
    return invalid_input_reply(in, name, in + " parameter " + name + ": not valid UTF-8 text (or holds a NUL byte)");
  };
  for (const auto& [name, value] : request.query)
    if (!is_clean_utf8(name) || !is_clean_utf8(value)) return bad("query", is_clean_utf8(name) ? name : "?");
  for (const auto& [name, value] : request.path_params)
    if (!is_clean_utf8(value)) return bad("path", name);
  if (!is_clean_utf8(request.path)) return invalid_input_reply("path", "path", "the path is not valid UTF-8 text");
  return std::nullopt;
}

std::optional<HttpReply> unknown_parameter(const ApiRequest& request, const std::set<std::string>& known) {
  for (const auto& [name, _] : request.query) {
    if (known.count(name)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return bad_parameter(name, "unknown parameter; this path takes " + list);
  }
  return std::nullopt;
}

}  // namespace c4::api
