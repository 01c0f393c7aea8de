#include "model/decode.h"

#include <re2/re2.h>

#include "common/text.h"
#include "common/uuid.h"
#include "model/canonical.h"
#include "model/problem_at.h"
#include "model/problem_rules.h"

namespace c4 {
namespace {

using json = nlohmann::json;

// Reads fields of one document, reporting value problems at their position.
class Decoder {
 public:
  Decoder(const Document& doc, const json& root, Problems& problems, DecodeMode mode)
      : doc_(doc), root_(root), problems_(problems), mode_(mode) {}

  // False for a document that failed its schema: only present values are checked.
  bool complete() const { return mode_ == DecodeMode::complete; }

  // anySource and allowedSources say opposite things; as written, even when entries are bad.
  void check_source_choice(const json& s) const {
    bool any = boolean(s, "anySource", false);
    auto it = s.find("allowedSources");
    if (any && it != s.end() && it->is_array() && !it->empty())
      report("/spec/anySource", "anySource: true makes allowedSources meaningless; keep one of them");
  }

  Meta meta(Kind kind) const {
    Meta m;
    m.kind = kind;
    const json& md = root_.at("metadata");
    m.name = md.at("name").get<std::string>();
    m.tenant = md.value("tenant", "");
    if (md.contains("labels"))
      for (const auto& [k, v] : md["labels"].items()) m.labels[k] = v.get<std::string>();
    m.file = doc_.file;
    m.pos = position_at(doc_.root, "/metadata/name");
    m.tenant_pos = position_at(doc_.root, "/metadata/tenant");
    m.spec_pos = position_at(doc_.root, "/spec");
    return m;
  }
  void set_object(const ObjectRef& object) { object_ = object; }

  const json& spec() const {
    static const json empty = json::object();
    auto it = root_.find("spec");
    return it == root_.end() || it->is_null() ? empty : *it;
  }

  static std::string str(const json& obj, const char* key, const std::string& def = "") {
    auto it = obj.find(key);
    return it == obj.end() || !it->is_string() ? def : it->get<std::string>();
  }
  static int integer(const json& obj, const char* key, int def) {
    auto it = obj.find(key);
    return it == obj.end() || !it->is_number_integer() ? def : it->get<int>();
  }
  static std::optional<int> opt_integer(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int>();
  }
  static bool boolean(const json& obj, const char* key, bool def) {
    auto it = obj.find(key);
    return it == obj.end() || !it->is_boolean() ? def : it->get<bool>();
  }

  void report(const std::string& pointer, std::string message,
              Problem::Severity severity = Problem::Severity::error) const {
    Problem p = problem_at(doc_.file, doc_.root, pointer, object_, std::move(message), severity);
    p.rule = rules::kValue;
    problems_.add(std::move(p));
  }

  Origin origin(const std::string& pointer) const { return {position_at(doc_.root, pointer), pointer}; }

  Ref ref(const json& obj, const std::string& base, const char* key) const {
    Ref r;
    r.name = str(obj, key);
    if (!r.empty()) r.origin = origin(pointer_append(base, key));
    return r;
  }

  std::string host(const json& obj, const std::string& base, const char* key) const {
    std::string h = str(obj, key);
    if (!h.empty() && !is_host(h))
      report(pointer_append(base, key), "\"" + h + "\" is neither an IP address nor a valid hostname");
    return h;
  }

  std::string hostname(const json& obj, const std::string& base, const char* key) const {
    std::string h = str(obj, key);
    if (!h.empty() && !is_hostname(h)) report(pointer_append(base, key), "\"" + h + "\" is not a valid hostname");
    return h;
  }

  std::vector<IpNetwork> networks(const json& obj, const std::string& base, const char* key) const {
    std::vector<IpNetwork> out;
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    std::string list_pointer = pointer_append(base, key);
    for (size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) continue;  // reported by the schema
      std::string why;
      auto net = parse_ip_network((*it)[i].get<std::string>(), &why);
      if (net) out.push_back(*net);
      else report(pointer_append(list_pointer, i), why);
    }
    return out;
  }

  std::string regex(const json& obj, const std::string& base, const char* key) const {
    std::string pattern = str(obj, key);
    if (!pattern.empty()) check_regex(pattern, pointer_append(base, key));
    return pattern;
  }

  bool check_regex(const std::string& pattern, const std::string& pointer) const {
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(pattern, options);
    if (re.ok()) return true;
    report(pointer, "regular expression \"" + pattern + "\" is rejected by RE2: " + re.error());
    return false;
  }

  SecretRef secret(const json& obj, const std::string& base, const char* plain_key,
                   const char* from_key) const {
    SecretRef s;
    if (obj.contains(plain_key)) {
      s.source = SecretRef::Source::plain;
      s.value = obj[plain_key].get<std::string>();
      s.origin = origin(pointer_append(base, plain_key));
      report(s.origin.pointer, std::string("plain-text secret in Git; prefer ") + from_key +
                                   ": {env: NAME} or {file: PATH}",
             Problem::Severity::warning);
      // It goes into the uacreg table and rtjson: a CR, LF or NUL would cut a row or a header.
      // (The message does not repeat the secret.)
      if (size_t at = find_control_char(s.value); at != std::string::npos)
        report(s.origin.pointer, "the password holds a " + describe_control_char(s.value, at) +
                                     "; a SIP password may not hold control characters");
    } else if (obj.contains(from_key)) {
      const json& from = obj[from_key];
      const char* key = from.contains("env") ? "env" : "file";
      s.source = from.contains("env") ? SecretRef::Source::env : SecretRef::Source::file;
      // str(), not from[key]: a document that failed its schema (passwordFrom: {}) is decoded
      // too (DecodeMode::partial), and a missing key is undefined behaviour for operator[] const.
      s.value = str(from, key);
      // At the name or path itself: where a refused reference is reported.
      s.origin = origin(pointer_append(pointer_append(base, from_key), key));
    }
    return s;
  }

  Transport transport(const json& obj) const {
    std::string t = str(obj, "transport", "udp");
    return t == "tcp" ? Transport::tcp : t == "tls" ? Transport::tls : Transport::udp;
  }

  Capacity capacity(const json& obj) const {
    Capacity c;
    auto it = obj.find("capacity");
    if (it == obj.end()) return c;
    c.max_calls_per_second = opt_integer(*it, "maxCallsPerSecond");
    c.max_channels = opt_integer(*it, "maxChannels");
    return c;
  }

  // Digits of an E.164 prefix list ("+3314" → "3314"), reporting bad entries.
  std::vector<std::string> prefixes(const json& obj, const std::string& base, const char* key) const {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    std::string list_pointer = pointer_append(base, key);
    for (size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) continue;  // reported by the schema
      std::string why;
      auto digits = parse_e164_prefix((*it)[i].get<std::string>(), &why);
      if (digits) out.push_back(*digits);
      else report(pointer_append(list_pointer, i), why);
    }
    return out;
  }

  const Document& doc() const { return doc_; }

 private:
  const Document& doc_;
  const json& root_;
  Problems& problems_;
  DecodeMode mode_;
  ObjectRef object_;
};

Tenant decode_tenant(Decoder& d, Meta meta) {
  Tenant t;
  t.meta = std::move(meta);
  const json& s = d.spec();
  t.description = Decoder::str(s, "description");
  t.uuid = Decoder::str(s, "uuid");
  if (t.uuid.empty()) {
    t.uuid = tenant_uuid_from_name(t.meta.name);
    t.uuid_derived = true;
    t.uuid_origin = d.origin("/metadata/name");
  } else {  // its form is checked by the schema
    t.uuid_origin = d.origin("/spec/uuid");
    t.uuid = ascii_lower(t.uuid);
  }
  return t;
}

Domain decode_domain(Decoder& d, Meta meta) {
  Domain x;
  x.meta = std::move(meta);
  x.domain = d.hostname(d.spec(), "/spec", "domain");
  x.domain = ascii_lower(x.domain);
  x.domain_origin = d.origin("/spec/domain");
  x.description = Decoder::str(d.spec(), "description");
  return x;
}

Carrier decode_carrier(Decoder& d, Meta meta) {
  Carrier x;
  x.meta = std::move(meta);
  x.description = Decoder::str(d.spec(), "description");
  x.contact = Decoder::str(d.spec(), "contact");
  return x;
}

NormalizationProfile decode_profile(Decoder& d, Meta meta) {
  NormalizationProfile x;
  x.meta = std::move(meta);
  const json& s = d.spec();
  x.country_code = Decoder::str(s, "countryCode");
  x.area_code = Decoder::str(s, "areaCode");
  x.international_prefix = Decoder::str(s, "internationalPrefix", "00");
  x.long_distance_prefix = Decoder::str(s, "longDistancePrefix", "0");
  x.always_international_plus = Decoder::boolean(s, "alwaysInternationalPlus", false);
  x.always_long_distance = Decoder::boolean(s, "alwaysLongDistance", false);
  x.e164_without_plus = Decoder::boolean(s, "e164WithoutPlus", false);
  if (s.contains("rules")) {
    for (size_t i = 0; i < s["rules"].size(); ++i) {
      const json& r = s["rules"][i];
      std::string base = pointer_append("/spec/rules", i);
      NormalizationRule rule;
      rule.name = Decoder::str(r, "name");
      rule.direction = Decoder::str(r, "direction") == "outbound" ? NormalizationRule::Direction::outbound
                                                                    : NormalizationRule::Direction::inbound;
      rule.priority = Decoder::integer(r, "priority", 100);
      rule.match = d.regex(r, base, "match");
      rule.replace = Decoder::str(r, "replace");
      std::string applies = Decoder::str(r, "appliesTo", "both");
      rule.applies_to = applies == "callee"   ? NormalizationRule::AppliesTo::callee
                        : applies == "caller" ? NormalizationRule::AppliesTo::caller
                                              : NormalizationRule::AppliesTo::both;
      rule.stop = Decoder::boolean(r, "stop", true);
      rule.origin = d.origin(base);
      // A \N beyond the pattern's groups would silently produce nothing: say so now.
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(rule.match, options);
      std::string why;
      if (re.ok() && !re.CheckRewriteString(rule.replace, &why))
        d.report(pointer_append(base, "replace"), "replacement \"" + rule.replace + "\" does not fit the match pattern: " + why);
      x.rules.push_back(std::move(rule));
    }
  }
  return x;
}

CarrierTrunk decode_trunk(Decoder& d, Meta meta) {
  CarrierTrunk x;
  x.meta = std::move(meta);
  const json& s = d.spec();
  x.carrier = d.ref(s, "/spec", "carrier");
  x.sip_proxy = d.host(s, "/spec", "sipProxy");
  x.sip_proxy_port = Decoder::integer(s, "sipProxyPort", 5060);
  x.transport = d.transport(s);
  x.allowed_sources = d.networks(s, "/spec", "allowedSources");
  x.any_source = Decoder::boolean(s, "anySource", false);
  x.normalization_profile = d.ref(s, "/spec", "normalizationProfile");
  if (s.contains("registration")) {
    const json& r = s["registration"];
    Registration reg;
    reg.registered = Decoder::boolean(r, "registered", true);
    reg.username = Decoder::str(r, "username");
    reg.password = d.secret(r, "/spec/registration", "password", "passwordFrom");
    reg.realm = Decoder::str(r, "realm");
    reg.registrar_proxy = d.host(r, "/spec/registration", "registrarProxy");
    reg.from_domain = d.hostname(r, "/spec/registration", "fromDomain");
    reg.expire_seconds = Decoder::integer(r, "expireSeconds", 3600);
    reg.retry_seconds = Decoder::integer(r, "retrySeconds", 30);
    if (d.complete() && reg.registered && reg.registrar_proxy.empty())
      d.report("/spec/registration", "a registering trunk needs registrarProxy (where to send REGISTER)");
    x.registration = std::move(reg);
  }
  x.capacity = d.capacity(s);
  x.description = Decoder::str(s, "description");
  d.check_source_choice(s);
  return x;
}

IPBX decode_ipbx(Decoder& d, Meta meta) {
  IPBX x;
  x.meta = std::move(meta);
  const json& s = d.spec();
  x.domain = d.ref(s, "/spec", "domain");
  x.host = d.host(s, "/spec", "host");
  x.port = Decoder::integer(s, "port", 5060);
  x.transport = d.transport(s);
  x.allowed_sources = d.networks(s, "/spec", "allowedSources");
  x.any_source = Decoder::boolean(s, "anySource", false);
  x.registered = Decoder::boolean(s, "registered", false);
  x.username = Decoder::str(s, "username");
  x.password = d.secret(s, "/spec", "password", "passwordFrom");
  x.ha1 = Decoder::str(s, "ha1");
  x.digest_realm = Decoder::str(s, "digestRealm");
  x.realm = Decoder::str(s, "realm");
  x.customer = Decoder::str(s, "customer");
  x.normalization_profile = d.ref(s, "/spec", "normalizationProfile");
  x.routing_group = d.ref(s, "/spec", "routingGroup");
  x.capacity = d.capacity(s);
  x.description = Decoder::str(s, "description");
  d.check_source_choice(s);
  if (d.complete() && !x.any_source && !s.contains("allowedSources") && x.username.empty())
    d.report("/spec", "this IPBX can never be identified: give allowedSources, a username, or anySource: true");
  // The HA1 Kamailio checks is bound to the realm it challenges with; without a Domain nothing
  // says which realm that is, and `realm` (for calls to the IPBX) is another thing.
  if (d.complete() && !x.username.empty() && (!x.password.empty() || !x.ha1.empty()) && x.domain.empty() &&
      x.digest_realm.empty())
    d.report("/spec", "an IPBX that authenticates by digest needs its digest realm (the realm Kamailio challenges it "
                      "with): give domain or digestRealm (realm is for the credentials sent to the IPBX)");
  return x;
}

DID decode_did(Decoder& d, Meta meta) {
  DID x;
  x.meta = std::move(meta);
  const json& s = d.spec();
  x.ipbx = d.ref(s, "/spec", "ipbx");
  x.carrier_trunk = d.ref(s, "/spec", "carrierTrunk");
  x.description = Decoder::str(s, "description");

  // Lists can hold many thousands of entries: walk the YAML sequence alongside the JSON one
  // for positions instead of resolving a pointer per entry.
  auto each = [&](const char* key, auto&& f) {
    auto it = s.find(key);
    if (it == s.end()) return;
    YAML::Node seq = node_at(d.doc().root, std::string("/spec/") + key);
    size_t i = 0;
    for (auto y = seq.begin(); y != seq.end() && i < it->size(); ++y, ++i) f((*it)[i], *y, i);
  };
  each("numbers", [&](const json& v, const YAML::Node& y, size_t i) {
    if (!v.is_string()) return;  // reported by the schema
    std::string why;
    auto n = parse_e164(v.get<std::string>(), &why);
    if (n) x.numbers.push_back({*n, position_of(y), static_cast<uint32_t>(i)});
    else d.report(pointer_append("/spec/numbers", i), why);
  });
  each("ranges", [&](const json& v, const YAML::Node& y, size_t i) {
    if (!v.is_object() || !v.contains("from") || !v.contains("to") || !v["from"].is_string() || !v["to"].is_string())
      return;  // reported by the schema
    std::string base = pointer_append("/spec/ranges", i), why_from, why_to;
    auto from = parse_e164(v.at("from").get<std::string>(), &why_from);
    auto to = parse_e164(v.at("to").get<std::string>(), &why_to);
    if (!from) d.report(pointer_append(base, "from"), why_from);
    if (!to) d.report(pointer_append(base, "to"), why_to);
    if (!from || !to) return;
    if (from->length != to->length)
      d.report(base, "range ends " + from->to_string() + " and " + to->to_string() + " have different lengths");
    else if (to->value < from->value)
      d.report(base, "range is reversed: " + from->to_string() + " is after " + to->to_string());
    else
      x.ranges.push_back({*from, *to, position_of(y), static_cast<uint32_t>(i)});
  });
  each("prefixes", [&](const json& v, const YAML::Node& y, size_t i) {
    if (!v.is_string()) return;  // reported by the schema
    std::string why;
    auto p = parse_e164_prefix(v.get<std::string>(), &why);
    if (p) x.prefixes.push_back({*p, position_of(y), static_cast<uint32_t>(i)});
    else d.report(pointer_append("/spec/prefixes", i), why);
  });
  x.regex = d.regex(s, "/spec", "regex");
  if (!x.regex.empty()) x.regex_origin = d.origin("/spec/regex");
  return x;
}

RoutingGroup decode_group(Decoder& d, Meta meta) {
  RoutingGroup x;
  x.meta = std::move(meta);
  x.description = Decoder::str(d.spec(), "description");
  return x;
}

TimeWindow decode_window(Decoder& d, const json& w, const std::string& base) {
  TimeWindow tw;
  if (w.contains("days")) {
    tw.days = 0;
    for (const auto& day : w["days"])
      if (auto wd = parse_weekday(day.get<std::string>())) tw.days |= static_cast<uint8_t>(1u << *wd);
  }
  tw.start_minute = parse_hhmm(Decoder::str(w, "start")).value_or(0);
  tw.end_minute = parse_hhmm(Decoder::str(w, "end")).value_or(0);
  tw.timezone = Decoder::str(w, "timezone", "UTC");
  if (!is_known_timezone(tw.timezone))
    d.report(pointer_append(base, "timezone"), "unknown time zone \"" + tw.timezone + "\" (use an IANA name such as Europe/Paris)");
  for (const char* key : {"from", "until"}) {
    std::string text = Decoder::str(w, key);
    if (text.empty()) continue;
    auto date = parse_date(text);
    if (!date) d.report(pointer_append(base, key), "\"" + text + "\" is not a calendar date");
    else (std::string(key) == "from" ? tw.from : tw.until) = date;
  }
  std::string why;
  if (d.complete() && !window_can_open(tw, &why)) d.report(base, "time window can never open: " + why);
  return tw;
}

RoutingRule decode_rule(Decoder& d, Meta meta) {
  RoutingRule x;
  x.meta = std::move(meta);
  const json& s = d.spec();
  x.routing_group = d.ref(s, "/spec", "routingGroup");
  x.priority = Decoder::integer(s, "priority", 100);
  x.failover = Decoder::boolean(s, "failover", true);
  x.description = Decoder::str(s, "description");
  if (s.contains("match")) {
    const json& m = s["match"];
    x.prefixes = d.prefixes(m, "/spec/match", "prefixes");
    x.caller_prefixes = d.prefixes(m, "/spec/match", "callerPrefixes");
    x.regex = d.regex(m, "/spec/match", "regex");
    x.min_length = Decoder::opt_integer(m, "minLength");
    x.max_length = Decoder::opt_integer(m, "maxLength");
    if (d.complete() && x.min_length && x.max_length && *x.min_length > *x.max_length)
      d.report("/spec/match", "minLength " + std::to_string(*x.min_length) + " is greater than maxLength " +
                                  std::to_string(*x.max_length) + ", so the rule can never match");
    if (m.contains("timeWindows"))
      for (size_t i = 0; i < m["timeWindows"].size(); ++i)
        x.time_windows.push_back(decode_window(d, m["timeWindows"][i], pointer_append("/spec/match/timeWindows", i)));
  }
  if (s.contains("targets")) {
    for (size_t i = 0; i < s["targets"].size(); ++i) {
      const json& t = s["targets"][i];
      RoutingTarget target;
      target.carrier_trunk = d.ref(t, pointer_append("/spec/targets", i), "carrierTrunk");
      target.priority = Decoder::integer(t, "priority", 1);
      target.weight = Decoder::integer(t, "weight", 1);
      x.targets.push_back(std::move(target));
    }
  }
  return x;
}

ApiToken decode_token(Decoder& d, Meta meta) {
  ApiToken x;
  x.meta = std::move(meta);
  const json& s = d.spec();
  x.sha256 = Decoder::str(s, "sha256");
  x.sha256_origin = d.origin("/spec/sha256");
  x.sha256 = ascii_lower(x.sha256);
  x.description = Decoder::str(s, "description");
  if (s.contains("tenants"))
    for (size_t i = 0; i < s["tenants"].size(); ++i)
      x.tenants.push_back({s["tenants"][i].get<std::string>(), d.origin(pointer_append("/spec/tenants", i))});
  return x;
}

// Keeps the spec as written (DID lists aside, held typed) and the canonical hash.
template <typename T>
void finish(T& object) {
  Meta& m = object.meta;
  if constexpr (std::is_same_v<T, DID>) {
    for (const char* key : {"numbers", "ranges", "prefixes"}) m.spec.erase(key);
    DidLists lists = did_lists(object);
    m.hash = object_hash(labels_json(m), m.spec, &lists);
  } else {
    m.hash = object_hash(labels_json(m), m.spec, nullptr);
  }
}

template <typename T>
void add(Catalog& out, T object) {
  finish(object);
  out.all<T>().push_back(std::move(object));
}

}  // namespace

bool decode_document(Kind kind, const Document& doc, const json& json, Catalog& out, Problems& problems,
                     DecodeMode mode) try {
  Decoder d(doc, json, problems, mode);
  Meta meta = d.meta(kind);
  if (auto spec = json.find("spec"); spec != json.end() && spec->is_object()) meta.spec = *spec;
  d.set_object(meta.ref());
  switch (kind) {
    case Kind::Tenant: add(out, decode_tenant(d, std::move(meta))); break;
    case Kind::Domain: add(out, decode_domain(d, std::move(meta))); break;
    case Kind::Carrier: add(out, decode_carrier(d, std::move(meta))); break;
    case Kind::NormalizationProfile: add(out, decode_profile(d, std::move(meta))); break;
    case Kind::CarrierTrunk: add(out, decode_trunk(d, std::move(meta))); break;
    case Kind::RoutingGroup: add(out, decode_group(d, std::move(meta))); break;
    case Kind::IPBX: add(out, decode_ipbx(d, std::move(meta))); break;
    case Kind::DID: add(out, decode_did(d, std::move(meta))); break;
    case Kind::RoutingRule: add(out, decode_rule(d, std::move(meta))); break;
    case Kind::ApiToken: add(out, decode_token(d, std::move(meta))); break;
  }
  return true;
} catch (const nlohmann::json::exception&) {
  return false;  // a value of the wrong type, which the schema check has reported
}

}  // namespace c4
