#include "api/routing/request_reader.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "api/routing/kamailio.h"
#include "common/utf8.h"
#include "common/text.h"

namespace c4::routing {
namespace {

// JSON's whitespace (RFC 8259), nothing else.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Appends code point `cp` (≤ U+10FFFF, not a surrogate) as UTF-8.
void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Reader {
 public:
  explicit Reader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void skip_space() {
    while (p_ < end_ && is_space(*p_)) ++p_;
  }
  bool eat(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool at_end() {
    skip_space();
    return p_ == end_;
  }
  char peek() {
    skip_space();
    return p_ == end_ ? '\0' : *p_;
  }

  // A string after its opening quote, unescaped into `out`; false when it is not one the
  // reader vouches for.
  bool string(std::string& out) {
    out.clear();
    const char* run = p_;
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.append(run, p_);
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        out.append(run, p_);
        if (!escape(out)) return false;
        run = p_;
        continue;
      }
      if (c >= 0x80) {
        size_t n = utf8_sequence_length(reinterpret_cast<const unsigned char*>(p_), reinterpret_cast<const unsigned char*>(end_));
        if (n == 0) return false;
        p_ += n;
        continue;
      }
      ++p_;
    }
    return false;
  }

  // An integer (JSON grammar, no fraction or exponent, fits int64); false otherwise, with
  // `fractional` set when it was a valid JSON number that is not an integer.
  bool integer(int64_t& out, bool& fractional) {
    fractional = false;
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') ++p_;
    else
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    const char* digits_end = p_;
    bool frac = false;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
      frac = true;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
      frac = true;
    }
    if (frac) {
      fractional = true;
      return false;
    }
    auto [q, ec] = std::from_chars(start, digits_end, out);
    return ec == std::errc() && q == digits_end;
  }

  // "true", "false" or "null" at the cursor.
  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

 private:
  bool digits() {
    const char* start = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ != start;
  }

  bool hex4(uint32_t& out) {
    if (end_ - p_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      out <<= 4;
      if (c >= '0' && c <= '9') out |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') out |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  // The escape at the cursor (a backslash), appended unescaped.
  bool escape(std::string& out) {
    if (end_ - p_ < 2) return false;
    char e = p_[1];
    p_ += 2;
    switch (e) {
      case '"': out.push_back('"'); return true;
      case '\\': out.push_back('\\'); return true;
      case '/': out.push_back('/'); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate first
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    put_utf8(out, cp);
    return true;
  }

  const char* p_;
  const char* end_;
};

enum Field : unsigned {
  kFromUri, kToUri, kSourceIp, kDomain, kUsername, kCallId, kFromTag, kToTag, kFromName, kToName,
  kSourcePort, kAuth, kPassword, kUnknown
};

Field field_named(std::string_view key) {
  static constexpr std::pair<std::string_view, Field> kFields[] = {
      {"from_uri", kFromUri}, {"to_uri", kToUri},     {"source_ip", kSourceIp}, {"domain", kDomain},
      {"username", kUsername}, {"call_id", kCallId},  {"from_tag", kFromTag},   {"to_tag", kToTag},
      {"from_name", kFromName}, {"to_name", kToName}, {"source_port", kSourcePort}, {"auth", kAuth},
      {"password", kPassword}};
  for (const auto& [name, field] : kFields)
    if (name == key) return field;
  return kUnknown;
}

std::string* text_target(CallRequest& r, Field f) {
  switch (f) {
    case kFromUri: return &r.from_uri;
    case kToUri: return &r.to_uri;
    case kSourceIp: return &r.source_ip;
    case kDomain: return &r.domain;
    case kUsername: return &r.username;
    case kCallId: return &r.call_id;
    case kFromTag: return &r.from_tag;
    case kToTag: return &r.to_tag;
    case kFromName: return &r.from_name;
    case kToName: return &r.to_name;
    default: return nullptr;
  }
}

// Stores one string value of field `f`; false when the DOM parser must decide.
bool take_string(CallRequest& r, Field f, std::string&& value) {
  if (std::string* target = text_target(r, f)) {
    // (a field the DOM parser refuses: it words the error; only the flag is checked here)
    if (f != kFromName && f != kToName && find_control_char(value) != std::string::npos) return false;
    *target = std::move(value);
    return true;
  }
  if (f == kPassword) {
    r.password = std::move(value);
    return true;
  }
  if (f == kAuth) {
    auto v = auth_from_text(value);
    if (v) r.want_auth = *v;
    return v.has_value();
  }
  if (f == kSourcePort) {
    auto v = port_from_text(value);
    if (v) r.source_port = *v;
    return v.has_value();
  }
  return true;
}

bool take_integer(CallRequest& r, Field f, int64_t value) {
  if (f == kUnknown) return true;
  if (f == kAuth) {
    auto v = auth_from_integer(value);
    if (v) r.want_auth = *v;
    return v.has_value();
  }
  if (f == kSourcePort) {
    auto v = port_from_integer(value);
    if (v) r.source_port = *v;
    return v.has_value();
  }
  return false;  // a number where a string belongs: the DOM parser words the error
}

}  // namespace

Status check_request_text(std::string_view field, std::string_view value) {
  if (field == "from_name" || field == "to_name" || field == "password") return Status::ok();
  size_t at = find_control_char(value);
  if (at == std::string_view::npos) return Status::ok();
  return Status::invalid(std::string(field) + ": " + describe_control_char(value, at) +
                         "; a SIP URI, user, tag or Call-ID never holds one");
}

std::optional<bool> auth_from_text(std::string_view s) {
  if (s == "1" || s == "true") return true;
  if (s == "0" || s == "false" || s.empty()) return false;
  return std::nullopt;
}

std::optional<bool> auth_from_integer(int64_t v) {
  if (v == 0 || v == 1) return v == 1;
  return std::nullopt;
}

std::optional<int> port_from_text(std::string_view s) {
  if (s.empty()) return 0;
  int64_t v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return port_from_integer(v);
}

std::optional<int> port_from_integer(int64_t v) {
  if (v < 0 || v > 65535) return std::nullopt;
  return static_cast<int>(v);
}

std::optional<CallRequest> read_call_request_fast(std::string_view body, RequestKind kind) {
  Reader in(body);
  CallRequest r;
  if (!in.eat('{')) return std::nullopt;
  unsigned seen = 0;
  std::string key, value;
  if (in.peek() == '}') {
    in.eat('}');
  } else {
    for (;;) {
      if (!in.eat('"') || !in.string(key) || !in.eat(':')) return std::nullopt;
      Field f = field_named(key);
      if (f != kUnknown) {
        if (seen & (1u << f)) return std::nullopt;  // the DOM keeps the last one: let it
        seen |= 1u << f;
      }
      char c = in.peek();
      if (c == '"') {
        in.eat('"');
        if (!in.string(value) || !take_string(r, f, std::move(value))) return std::nullopt;
      } else if (c == 't' || c == 'f') {
        bool flag = c == 't';
        if (!in.literal(flag ? "true" : "false")) return std::nullopt;
        if (f == kAuth) r.want_auth = flag;
        else if (f != kUnknown) return std::nullopt;
      } else if (c == 'n') {
        if (!in.literal("null")) return std::nullopt;  // null = absent: the field keeps its default
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        int64_t v = 0;
        bool fractional = false;
        if (in.integer(v, fractional)) {
          if (!take_integer(r, f, v)) return std::nullopt;
        } else if (!fractional || f != kUnknown) {
          return std::nullopt;
        }
      } else {
        return std::nullopt;  // an object, an array, or not JSON
      }
      if (in.eat(',')) continue;
      if (in.eat('}')) break;
      return std::nullopt;
    }
  }
  if (!in.at_end()) return std::nullopt;
  if (kind == RequestKind::routing && (r.from_uri.empty() || r.to_uri.empty())) return std::nullopt;
  return r;
}

}  // namespace c4::routing
