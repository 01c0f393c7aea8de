// The typed manifest objects, one struct per kind, as decoded from schema-valid documents.
//
// Values are parsed (numbers to E164, addresses to IpNetwork, times to minutes) so later
// stages never re-parse text; every value a cross-object check may complain about keeps the
// JSON pointer and position it came from. References stay names: resolving them is the
// catalog's job.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/e164.h"
#include "model/kind.h"
#include "model/net.h"
#include "model/problem.h"
#include "model/time_window.h"

namespace c4 {

// Where a value stands in its manifest.
struct Origin {
  SourcePos pos;
  std::string pointer;
};

struct Meta {
  Kind kind = Kind::Tenant;
  std::string name;
  std::string tenant;  // empty for Tenant and ApiToken
  std::map<std::string, std::string> labels;
  std::string file;
  SourcePos pos;       // position of metadata.name (where the object is "declared")
  SourcePos tenant_pos;  // position of metadata.tenant
  SourcePos spec_pos;    // position of spec
  // The spec as written (YAML typed as JSON); for a DID without its numbers, ranges and
  // prefixes, which the typed lists hold. What the database stores in its spec column.
  nlohmann::json spec = nlohmann::json::object();
  // SHA-256 of the canonical content (model/canonical.h): equal hashes, equal objects.
  std::string hash;
  ObjectRef ref() const { return {std::string(kind_name(kind)), tenant, name}; }
};

// A by-name reference to another object of the same tenant. Empty name = not set.
struct Ref {
  std::string name;
  Origin origin;
  bool empty() const { return name.empty(); }
};

// Where a secret comes from. `value` is the text itself for `plain`, the variable name for
// `env`, the path for `file`. Resolving happens where the secret is used, never in Git.
struct SecretRef {
  enum class Source { none, plain, env, file };
  Source source = Source::none;
  std::string value;
  Origin origin;
  bool empty() const { return source == Source::none; }
};

enum class Transport { udp, tcp, tls };

struct Capacity {
  std::optional<int> max_calls_per_second;
  std::optional<int> max_channels;
};

struct Tenant {
  Meta meta;
  std::string uuid;            // spec.uuid, or derived from the name
  bool uuid_derived = false;
  Origin uuid_origin;
  std::string description;
};

struct Domain {
  Meta meta;
  std::string domain;
  Origin domain_origin;
  std::string description;
};

struct Carrier {
  Meta meta;
  std::string description;
  std::string contact;
};

struct NormalizationRule {
  enum class Direction { inbound, outbound };
  enum class AppliesTo { callee, caller, both };
  std::string name;
  Direction direction = Direction::inbound;
  int priority = 100;
  std::string match;    // RE2 pattern
  std::string replace;  // with \1..\9
  AppliesTo applies_to = AppliesTo::both;
  bool stop = true;
  Origin origin;
};

struct NormalizationProfile {
  Meta meta;
  std::string country_code;
  std::string area_code;
  std::string international_prefix = "00";
  std::string long_distance_prefix = "0";
  bool always_international_plus = false;
  bool always_long_distance = false;
  bool e164_without_plus = false;  // inbound: digits-only E.164 gets its '+' (normalizer.h)
  std::vector<NormalizationRule> rules;  // as written; sort by priority where used
};

struct Registration {
  bool registered = true;
  std::string username;
  SecretRef password;
  std::string realm;
  std::string registrar_proxy;
  std::string from_domain;
  int expire_seconds = 3600;
  int retry_seconds = 30;
};

struct CarrierTrunk {
  Meta meta;
  Ref carrier;
  std::string sip_proxy;
  int sip_proxy_port = 5060;
  Transport transport = Transport::udp;
  std::vector<IpNetwork> allowed_sources;
  bool any_source = false;
  Ref normalization_profile;
  std::optional<Registration> registration;
  Capacity capacity;
  std::string description;
};

struct IPBX {
  Meta meta;
  Ref domain;
  std::string host;
  int port = 5060;
  Transport transport = Transport::udp;
  std::vector<IpNetwork> allowed_sources;
  bool any_source = false;
  bool registered = false;
  std::string username;
  SecretRef password;
  std::string ha1;           // of the IPBX's own calls, over the digest realm
  std::string digest_realm;  // realm Kamailio challenges the IPBX with; "" = its Domain's SIP domain
  std::string realm;         // realm of the credentials sent TO the IPBX; "" = its Domain's SIP domain
  std::string customer;
  Ref normalization_profile;
  Ref routing_group;
  Capacity capacity;
  std::string description;
};

// One claimed number, with the line it was written on (index in the list is implicit).
// `index` is the entry's position in the manifest's list (for JSON pointers in messages).
struct DidNumber {
  E164 number;
  SourcePos pos;
  uint32_t index = 0;
};

struct DidRange {
  E164 from, to;  // same length, from <= to
  SourcePos pos;
  uint32_t index = 0;
};

struct DidPrefix {
  std::string digits;  // without '+'
  SourcePos pos;
  uint32_t index = 0;
};

struct DID {
  Meta meta;
  Ref ipbx;
  Ref carrier_trunk;
  std::vector<DidNumber> numbers;
  std::vector<DidRange> ranges;
  std::vector<DidPrefix> prefixes;
  std::string regex;
  Origin regex_origin;
  std::string description;
  // How many numbers exact lists and ranges claim (prefixes and regexes are open-ended).
  uint64_t counted_numbers() const;
};

struct RoutingGroup {
  Meta meta;
  std::string description;
};

struct RoutingTarget {
  Ref carrier_trunk;
  int priority = 1;
  int weight = 1;
};

struct RoutingRule {
  Meta meta;
  Ref routing_group;
  int priority = 100;
  std::vector<std::string> prefixes;         // destination digits without '+'; empty = any
  std::string regex;
  std::optional<int> min_length, max_length;
  std::vector<std::string> caller_prefixes;  // digits without '+'; empty = any
  std::vector<TimeWindow> time_windows;      // empty = always
  std::vector<RoutingTarget> targets;
  bool failover = true;
  std::string description;
};

struct ApiToken {
  Meta meta;
  std::string sha256;
  Origin sha256_origin;
  std::vector<Ref> tenants;
  std::string description;
};

std::string_view transport_name(Transport t);

}  // namespace c4

namespace c4 {

// Maps an object struct to its Kind (kind_of<DID> == Kind::DID).
template <typename T> inline constexpr Kind kind_of = Kind::Tenant;
template <> inline constexpr Kind kind_of<Domain> = Kind::Domain;
template <> inline constexpr Kind kind_of<Carrier> = Kind::Carrier;
template <> inline constexpr Kind kind_of<NormalizationProfile> = Kind::NormalizationProfile;
template <> inline constexpr Kind kind_of<CarrierTrunk> = Kind::CarrierTrunk;
template <> inline constexpr Kind kind_of<RoutingGroup> = Kind::RoutingGroup;
template <> inline constexpr Kind kind_of<IPBX> = Kind::IPBX;
template <> inline constexpr Kind kind_of<DID> = Kind::DID;
template <> inline constexpr Kind kind_of<RoutingRule> = Kind::RoutingRule;
template <> inline constexpr Kind kind_of<ApiToken> = Kind::ApiToken;

}  // namespace c4
