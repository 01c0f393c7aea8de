#include "api/server/wazo_auth.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/sha.h"
#include "common/text.h"

namespace c4::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
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

struct Reply {
  int status = 0;
  std::string body;
};

// One GET over `stream` (a connected tcp_stream or ssl_stream), bounded in time by the caller's
// expiry on the lowest layer and in size by the parser's body limit.
template <class Stream>
Reply get(Stream& stream, const std::string& host, const std::string& target) {
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, host);
  request.set(http::field::accept, "application/json");
  request.set(http::field::user_agent, "c4confd");
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  http::read(stream, buffer, parser);
  return Reply{static_cast<int>(parser.get().result_int()), parser.get().body()};
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
  std::string url = options.url;
  auto bad = [&](const std::string& why) { return Status::invalid("wazo-auth URL \"" + url + "\": " + why); };
  std::shared_ptr<WazoAuth> w(new WazoAuth(std::move(options)));
  std::string_view rest = url;
  if (rest.rfind("https://", 0) == 0) {
    w->tls_ = true;
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else {
    return bad("expected http:// or https://");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  w->prefix_ = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!w->prefix_.empty() && w->prefix_.back() == '/') w->prefix_.pop_back();
  size_t colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string_view::npos && (!bracketed || authority.find(']') < colon)) {
    w->port_ = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
  } else {
    w->port_ = w->tls_ ? "443" : "80";
  }
  if (bracketed && authority.size() > 2) authority = authority.substr(1, authority.size() - 2);
  w->host_ = std::string(authority);
  bool port_ok = !w->port_.empty() && w->port_.size() <= 5 &&
                 std::all_of(w->port_.begin(), w->port_.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (w->host_.empty() || !port_ok) return bad("expected http(s)://HOST[:PORT][/PATH]");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return bad("holds a space or control character");
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
  std::string target = prefix_ + "/0.1/token/" + std::string(token);
  if (!tenant_uuid.empty()) target += "?tenant=" + std::string(tenant_uuid);
  Reply reply;
  try {
    net::io_context context;
    net::ip::tcp::resolver resolver(context);
    auto endpoints = resolver.resolve(host_, port_);
    if (!tls_) {
      beast::tcp_stream stream(context);
      stream.expires_after(options_.timeout);
      stream.connect(endpoints);
      reply = get(stream, host_, target);
    } else {
      net::ssl::context tls(net::ssl::context::tls_client);
      tls.set_default_verify_paths();
      tls.set_verify_mode(net::ssl::verify_peer);
      beast::ssl_stream<beast::tcp_stream> stream(context, tls);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), host_.c_str())) return unavailable("TLS: cannot set SNI");
      stream.set_verify_callback(net::ssl::host_name_verification(host_));
      beast::get_lowest_layer(stream).expires_after(options_.timeout);
      beast::get_lowest_layer(stream).connect(endpoints);
      stream.handshake(net::ssl::stream_base::client);
      reply = get(stream, host_, target);
    }
  } catch (const std::exception& e) {
    return unavailable(std::string("GET ") + prefix_ + "/0.1/token/…: " + e.what());
  }
  if (reply.status == 200) return token_of(reply.body, options_.now());
  if (reply.status == 404 || reply.status == 401 || reply.status == 403) return WazoToken{};
  return unavailable("GET " + prefix_ + "/0.1/token/…: HTTP " + std::to_string(reply.status));
}

}  // namespace c4::api
