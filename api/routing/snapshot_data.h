// The compiled tables of a Snapshot (api/routing/snapshot.h). Internal to the routing
// library: the engine reads them, compile_snapshot writes them once. Every index is into the
// vectors below; pointers (`src`) point into the Catalog the data owns, which never changes
// after compilation.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>

#include "api/routing/did_range_table.h"
#include "api/routing/flat_map.h"
#include "api/routing/normalizer.h"
#include "api/routing/source_table.h"
#include "api/routing/window_clock.h"
#include "model/catalog.h"

namespace c4::routing {

inline constexpr int32_t kNone = -1;

struct TenantEntry {
  const Tenant* src;
  int64_t id;
};

struct DomainEntry {
  const Domain* src;
  int64_t id;
  uint32_t tenant;
  int32_t ipbx = kNone;  // the first IPBX (catalog order) of this domain
};

// What every answer that names an IPBX or trunk repeats, formatted once at compile time
// (engine.cc and reply_writer.cc; filled by preformat_answers, reply_writer.h).
struct Preformatted {
  std::string dst_uri;      // "sip:host:port;transport=tcp", the route's next hop
  std::string to_host;      // host of the rewritten To URI ("[v6]" in brackets)
  std::string from_host;    // trunks: registration from-domain replacing the caller's host; "" = keep
  // JSON text, exactly as nlohmann's dump() writes it (json_reply's error handler):
  std::string auth_object;  // the auth object for this caller (auth_json)
  std::string route_head;   // {"branch_flags":8,"dst_uri":"…","fr_inv_timer":…,"fr_timer":…,"headers":{"extra":
  std::string credentials;  // "auth_password":"…","auth_username":"…","realm":"…",  ("" = none to offer)
};

struct TrunkEntry {
  const CarrierTrunk* src;
  int64_t id;
  uint32_t tenant;
  int32_t profile = kNone;
  std::optional<std::string> registration_password;  // resolved secret
  Preformatted text = {};
};

struct IpbxEntry {
  const IPBX* src;
  int64_t id;
  uint32_t tenant;
  int32_t profile = kNone;
  int32_t group = kNone;   // routing group (explicit, or the tenant's only one)
  int32_t domain = kNone;
  std::optional<std::string> password;  // resolved plain secret
  std::string ha1;                      // stored, or md5(username:digest_realm:password)
  std::string digest_realm;             // digestRealm, else the domain's SIP domain (Kamailio's challenge)
  std::string realm;                    // realm, else the domain's SIP domain (credentials sent to the IPBX)
  Preformatted text = {};
};

struct DidEntry {
  const DID* src;
  int64_t id;
  uint32_t tenant;
  uint32_t ipbx;
  int32_t trunk = kNone;  // only calls from this trunk match
};

struct RegexDid {
  uint32_t did;
  std::shared_ptr<const RE2> pattern;
};

struct TargetEntry {
  uint32_t trunk;
  int priority;
  int weight;
};

struct RuleEntry {
  const RoutingRule* src;
  int64_t id;
  uint32_t tenant;
  uint32_t group;
  std::shared_ptr<const RE2> regex;  // null when the rule has none
  std::vector<ZonedWindow> windows;
  std::vector<TargetEntry> targets;  // sorted by priority (stable)
};

struct GroupEntry {
  const RoutingGroup* src;
  int64_t id;
  uint32_t tenant;
  std::vector<uint32_t> unprefixed_rules;  // rules without destination prefixes
};

// Key of a rule prefix: (routing group, prefix digits as an integer).
struct RulePrefixKey {
  uint32_t group;
  uint64_t prefix;
  bool operator==(const RulePrefixKey&) const = default;
};
struct RulePrefixKeyHash {
  size_t operator()(const RulePrefixKey& k) const {
    return std::hash<uint64_t>{}(k.prefix * 0x9e3779b97f4a7c15ULL + k.group);
  }
};

class SnapshotData {
 public:
  Catalog catalog;
  std::string revision;
  std::chrono::system_clock::time_point built_at;
  std::vector<std::string> warnings;

  std::vector<TenantEntry> tenants;
  std::vector<DomainEntry> domains;
  std::vector<Normalizer> profiles;
  std::vector<TrunkEntry> trunks;
  std::vector<IpbxEntry> ipbxs;
  std::vector<DidEntry> dids;
  std::vector<GroupEntry> groups;
  std::vector<RuleEntry> rules;

  FlatU64Map did_numbers;             // number → did
  DidRangeTable did_ranges;           // sorted by `from`, disjoint (validation), with a directory
  FlatU64Map did_prefixes;            // prefix digits → did
  uint8_t longest_did_prefix = 0;
  std::vector<RegexDid> did_regexes;  // catalog order
  std::unordered_map<RulePrefixKey, std::vector<uint32_t>, RulePrefixKeyHash> rule_prefixes;
  uint8_t longest_rule_prefix = 0;
  size_t rule_prefix_count = 0;

  SourceTable ipbx_sources, trunk_sources;
  std::vector<uint32_t> any_source_ipbxs, any_source_trunks;
  std::vector<uint32_t> no_source_ipbxs, no_source_trunks;  // for CallerMatching::legacy
  std::unordered_map<std::string, uint32_t> domain_by_name;  // lower-case SIP domain → domain
  std::string unknown_caller_auth;  // the auth object of an unidentified caller, as JSON text
};

}  // namespace c4::routing
