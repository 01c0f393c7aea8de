#include "api/server/wazo_auth.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/sha.h"
#include "common/text.h"

namespace c4::api {
namespace {

using Clock = std::chrono::system_clock;

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t dot = text.find('.', start);
    out.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

// Matches pattern words [p, …) against required words [r, …): `#` takes one or more words.
bool match_words(const std::vector<std::string_view>& p, size_t i, const std::vector<std::string_view>& r, size_t j) {
  if (i == p.size()) return j == r.size();
  if (p[i] == "#") {
    for (size_t k = j + 1; k <= r.size(); ++k)
      if (match_words(p, i + 1, r, k)) return true;
    return false;
  }
  if (j == r.size()) return false;
  return (p[i] == "*" || p[i] == r[j]) && match_words(p, i + 1, r, j + 1);
}

WazoToken unavailable(std::string why) {
  WazoToken t;
  t.state = WazoToken::State::unavailable;
  t.why = std::move(why);
  return t;
}

// The token of a 200 answer of GET /0.1/token/{token}: data.metadata.tenant_uuid, data.acl
// (older wazo-auth: data.acls), data.utc_expires_at. A 200 without them is a wazo-auth we do
// not understand: unavailable, not unknown (the caller did nothing wrong).
WazoToken token_of(const std::string& body, Clock::time_point now) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_object()) return unavailable("answer without data");
  const auto& data = doc["data"];
  WazoToken t;
  t.state = WazoToken::State::valid;
  if (data.contains("metadata") && data["metadata"].is_object() && data["metadata"].value("tenant_uuid", nlohmann::json()).is_string())
    t.tenant_uuid = ascii_lower(data["metadata"]["tenant_uuid"].get<std::string>());
  if (t.tenant_uuid.empty()) return unavailable("answer without data.metadata.tenant_uuid");
  const char* acl_key = data.contains("acl") ? "acl" : "acls";
  if (data.contains(acl_key) && data[acl_key].is_array())
    for (const auto& acl : data[acl_key])
      if (acl.is_string()) t.acls.push_back(acl.get<std::string>());
  std::optional<Clock::time_point> expires;
  for (const char* key : {"utc_expires_at", "expires_at"})
    if (!expires && data.contains(key) && data[key].is_string()) expires = parse_wazo_time(data[key].get<std::string>());
  t.expires_at = expires.value_or(now + kMaxValidCache);
  if (t.expires_at <= now) t.state = WazoToken::State::unknown;  // expired: as wazo-auth would say
  return t;
}

}  // namespace

bool acl_grants(std::string_view pattern, std::string_view required) {
  return match_words(words(pattern), 0, words(required), 0);
}

bool any_acl_grants(const std::vector<std::string>& acls, std::string_view required) {
  return std::any_of(acls.begin(), acls.end(), [&](const std::string& a) { return acl_grants(a, required); });
}

bool plausible_wazo_token(std::string_view token) {
  if (token.empty() || token.size() > 256) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
  });
}

std::optional<Clock::time_point> parse_wazo_time(std::string_view text) {
  std::tm tm{};
  int y, mo, d, h, mi, s;
  char tail[64] = {0};
  std::string copy(text.substr(0, 63));
  int n = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%63s", &y, &mo, &d, &h, &mi, &s, tail);
  if (n < 6 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970) return std::nullopt;
  std::string_view rest = tail;
  if (!rest.empty() && rest.front() == '.') {
    size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    rest.remove_prefix(digits);
  }
  if (!rest.empty() && rest != "Z" && rest != "+00:00") return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return Clock::from_time_t(timegm(&tm));
}

Result<std::shared_ptr<WazoAuth>> WazoAuth::create(WazoAuthOptions options) {
  auto url = parse_http_url(options.url, "wazo-auth URL");
  if (!url) return url.status();
  std::shared_ptr<WazoAuth> w(new WazoAuth(std::move(options)));
  w->url_ = std::move(url.value());
  w->prefix_ = w->url_.target;
  while (!w->prefix_.empty() && w->prefix_.back() == '/') w->prefix_.pop_back();
  w->url_.target = w->prefix_;
  return w;
}

size_t WazoAuth::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

WazoToken WazoAuth::check(std::string_view token, std::string_view tenant_uuid) {
  if (!plausible_wazo_token(token)) return WazoToken{};  // unknown, and never sent
  std::string key = sha256_hex(token) + "/" + std::string(tenant_uuid);
  Clock::time_point now = options_.now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.until > now) return it->second.token;
    if (it != cache_.end()) cache_.erase(it);
    ++calls_;
  }
  WazoToken answer = ask(token, tenant_uuid);
  if (answer.state == WazoToken::State::valid)
    remember(key, answer, std::min(answer.expires_at, now + kMaxValidCache));
  else if (answer.state == WazoToken::State::unknown)
    remember(key, answer, now + kUnknownCache);
  else
    log_event(LogLevel::warn, "wazo_auth.unavailable", {{"error", answer.why}});
  return answer;
}

void WazoAuth::remember(const std::string& key, const WazoToken& token, Clock::time_point until) {
  std::lock_guard lock(mutex_);
  if (cache_.size() >= options_.cache_entries && !cache_.count(key)) {
    Clock::time_point now = options_.now();
    std::erase_if(cache_, [now](const auto& item) { return item.second.until <= now; });
    while (cache_.size() >= options_.cache_entries && !cache_.empty())
      cache_.erase(std::min_element(cache_.begin(), cache_.end(), [](const auto& a, const auto& b) {
        return a.second.until < b.second.until;
      }));
  }
  if (options_.cache_entries > 0) cache_[key] = Entry{token, until};
}

// One call to wazo-auth. The token went through plausible_wazo_token and the tenant is a
// canonical UUID (the access layer checks), so both go into the target as they are.
WazoToken WazoAuth::ask(std::string_view token, std::string_view tenant_uuid) {
  HttpCall call;
  call.path_suffix = "/0.1/token/" + std::string(token);
  if (!tenant_uuid.empty()) call.path_suffix += "?tenant=" + std::string(tenant_uuid);
  call.headers = {{"Accept", "application/json"}};
  call.timeout = options_.timeout;
  // The errors name the origin and the step, never the path (it holds the token).
  auto reply = http_call(url_, call);
  if (!reply) return unavailable("GET " + prefix_ + "/0.1/token/…: " + reply.status().message());
  if (reply->status == 200) return token_of(reply->body, options_.now());
  if (reply->status == 404 || reply->status == 401 || reply->status == 403) return WazoToken{};
  return unavailable("GET " + prefix_ + "/0.1/token/…: HTTP " + std::to_string(reply->status));
}

}  // namespace c4::api
