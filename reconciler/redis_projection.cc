#include "reconciler/redis_projection.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace c4 {
namespace {

// Tunables. A batch is one pipelined round trip; ~1000 commands keeps each write and read
// buffer around 100 KB, large enough that round trips stop mattering and small enough not to
// stall the server for other clients.
constexpr size_t kScanCount = 1000;          // SCAN ... COUNT
constexpr size_t kBatchCommands = 1000;      // commands per pipelined batch
constexpr size_t kBatchArguments = 200'000;  // arguments per batch (big hashes go alone)
constexpr size_t kDeleteKeysPerCommand = 1000;

constexpr std::string_view kRevisionKey = "c4:revision";
constexpr std::string_view kRevisionChannel = "c4:revisions";
constexpr std::string_view kProjectingKey = "c4:projecting";
constexpr std::string_view kDidKeyPrefix = "c4:did:+";

// A hash's fields and values, sorted by field, fields unique.
using Fields = std::vector<std::pair<std::string, std::string>>;

// What the diff learnt about one desired key.
enum class KeyState : uint8_t { unseen, pending, same, differs };

struct Entry {
  uint32_t payload = 0;  // index into Projection::payloads
  KeyState state = KeyState::unseen;
};

// The desired key space. Numbers (the bulk: millions) are keyed by their E.164 value, not by
// text, and share their DID's payload, which keeps a million keys in tens of megabytes.
struct Projection {
  std::vector<Fields> payloads;
  std::unordered_map<uint64_t, Entry> dids;     // "c4:did:+<value>"
  std::unordered_map<std::string, Entry> keys;  // every other key
  size_t skipped_dids = 0;  // c4:did:* keys of DIDs left out (DidFilter): desired, not built

  size_t size() const { return dids.size() + keys.size(); }

  uint32_t add_payload(Fields fields) {
    std::sort(fields.begin(), fields.end());
    payloads.push_back(std::move(fields));
    return static_cast<uint32_t>(payloads.size() - 1);
  }

  // The entry of a key as Redis names it, or nullptr when the key is not desired.
  Entry* find(std::string_view key) {
    if (key.substr(0, kDidKeyPrefix.size()) == kDidKeyPrefix) {
      std::string_view digits = key.substr(kDidKeyPrefix.size());
      // Only the canonical spelling is ours: 2..15 digits, the first not 0.
      if (digits.size() < 2 || digits.size() > kE164MaxDigits || digits[0] == '0') return nullptr;
      uint64_t value = 0;
      for (char c : digits) {
        if (c < '0' || c > '9') return nullptr;
        value = value * 10 + static_cast<uint64_t>(c - '0');
      }
      auto it = dids.find(value);
      return it == dids.end() ? nullptr : &it->second;
    }
    auto it = keys.find(std::string(key));
    return it == keys.end() ? nullptr : &it->second;
  }

  // Calls f(key text, entry) for every desired key.
  template <typename F> void for_each(F&& f) {
    std::string key;
    for (auto& [value, entry] : dids) {
      key.assign(kDidKeyPrefix);
      key += std::to_string(value);
      f(key, entry);
    }
    for (auto& [k, entry] : keys) f(k, entry);
  }
};

std::string json_text(const Fields& fields, std::initializer_list<std::string_view> numeric) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : fields) {
    bool is_number = std::find(numeric.begin(), numeric.end(), name) != numeric.end();
    if (is_number) j[name] = std::stoll(value);
    else j[name] = value;
  }
  return j.dump();
}

// The answers a projection needs from the database.
struct Lookups {
  std::function<int64_t(Kind, const std::string&, const std::string&)> id_of;
  std::function<std::string(const std::string&)> tenant_uuid_of;
};

// Keys ("<tenant>\0<name>") of the DIDs whose c4:did:* keys are built; nullptr: every DID.
using DidFilter = std::unordered_set<std::string>;

std::string did_key(const DID& d) { return d.meta.tenant + '\0' + d.meta.name; }

class ProjectionBuilder {
 public:
  ProjectionBuilder(Lookups lookups, const DidFilter* only) : lookups_(std::move(lookups)), only_(only) {}

  Projection build(const Catalog& catalog) {
    // What each kind projects is the registry's (model/kind.h); kinds in Kind order, so carrier
    // trunks claim an address before IPBXs.
    catalog.for_each_list([&](const auto& list) {
      using T = typename std::decay_t<decltype(list)>::value_type;
      const KindInfo& info = kind_info(kind_of<T>);
      if constexpr (requires(const T& o) { o.allowed_sources; o.any_source; }) {
        if (info.projection == RedisProjection::source_addresses)
          for (const auto& o : list) add_sources(o.meta, info.projection_label, o.allowed_sources, o.any_source);
      }
      if constexpr (std::is_same_v<T, DID>) {
        if (info.projection == RedisProjection::did_numbers)
          for (const auto& d : list) add_did(d);
      }
    });
    add_big_hash("c4:srcnet", std::move(srcnet_));
    add_big_hash("c4:didrange", std::move(didrange_));
    add_big_hash("c4:didprefix", std::move(didprefix_));
    return std::move(out_);
  }

 private:
  const std::string& tenant_uuid(const std::string& tenant) {
    auto it = uuids_.find(tenant);
    if (it == uuids_.end()) it = uuids_.emplace(tenant, lookups_.tenant_uuid_of(tenant)).first;
    return it->second;
  }

  void add_sources(const Meta& meta, std::string_view kind, const std::vector<IpNetwork>& sources,
                   bool any_source) {
    if (any_source || sources.empty()) return;
    Fields fields = {{"id", std::to_string(lookups_.id_of(meta.kind, meta.tenant, meta.name))},
                     {"kind", std::string(kind)},
                     {"name", meta.name},
                     {"tenant", meta.tenant},
                     {"tenant_uuid", tenant_uuid(meta.tenant)}};
    std::string json = json_text(fields, {"id"});
    uint32_t payload = out_.add_payload(std::move(fields));
    for (const auto& net : sources) {
      if (net.prefix_len == 128) out_.keys.try_emplace("c4:src:" + net.to_string(), Entry{payload});
      else srcnet_.try_emplace(net.to_string(), json);  // first claim wins
    }
  }

  void add_did(const DID& d) {
    const std::string& tenant = d.meta.tenant;
    Fields fields = {{"carrier_trunk", d.carrier_trunk.name},
                     {"did", d.meta.name},
                     {"ipbx", d.ipbx.name},
                     {"ipbx_id", std::to_string(lookups_.id_of(Kind::IPBX, tenant, d.ipbx.name))},
                     {"tenant", tenant},
                     {"tenant_uuid", tenant_uuid(tenant)}};
    std::string json = json_text(fields, {"ipbx_id"});
    // The shared hashes need every DID; the per-number keys only those the filter names.
    bool expand = !only_ || only_->count(did_key(d));
    uint32_t payload = expand ? out_.add_payload(std::move(fields)) : 0;
    if (expand)
      for (const auto& n : d.numbers) out_.dids.try_emplace(n.number.value, Entry{payload});
    else
      out_.skipped_dids += d.numbers.size();
    for (const auto& r : d.ranges) {
      didrange_.try_emplace(r.from.to_string() + ".." + r.to.to_string(), json);
      if (r.to.value < r.from.value || r.to.value - r.from.value >= kMaxExpandedDidRange) continue;
      if (!expand) {
        out_.skipped_dids += r.to.value - r.from.value + 1;
        continue;
      }
      for (uint64_t v = r.from.value; v <= r.to.value; ++v) out_.dids.try_emplace(v, Entry{payload});
    }
    for (const auto& p : d.prefixes) didprefix_.try_emplace("+" + p.digits, json);
    // d.regex: not projected (see the header).
  }

  void add_big_hash(const std::string& key, std::map<std::string, std::string> fields) {
    if (fields.empty()) return;  // Redis has no empty hashes: absent means empty
    uint32_t payload = out_.add_payload(Fields(fields.begin(), fields.end()));
    out_.keys.try_emplace(key, Entry{payload});
  }

  Lookups lookups_;
  const DidFilter* only_;
  Projection out_;
  std::unordered_map<std::string, std::string> uuids_;
  std::map<std::string, std::string> srcnet_, didrange_, didprefix_;
};

// True when an HGETALL reply holds exactly `want`.
bool same_hash(const RedisReply& reply, const Fields& want) {
  if (reply.type != RedisReply::Type::array || reply.elements.size() != 2 * want.size()) return false;
  std::vector<std::pair<std::string_view, std::string_view>> got;
  got.reserve(want.size());
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2)
    got.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
  std::sort(got.begin(), got.end());
  for (size_t i = 0; i < want.size(); ++i)
    if (got[i].first != want[i].first || got[i].second != want[i].second) return false;
  return true;
}

// Fails on an error reply, naming `step`; EXEC's reply holds the replies inside MULTI.
Status check_reply(const RedisCommand& command, const RedisReply& r, const std::string& step) {
  if (r.is_error()) return redis_error_status(r, step + ": " + command.front());
  if (command.front() == "EXEC") {
    if (r.type != RedisReply::Type::array) return Status::internal(step + ": EXEC was aborted");
    for (const auto& inner : r.elements)
      if (inner.is_error()) return redis_error_status(inner, step + ": inside MULTI");
  }
  return Status::ok();
}

// Runs a batch in one round trip and fails on the first error reply.
Status run_batch(RedisClient& redis, const std::vector<RedisCommand>& batch, const std::string& step) {
  auto replies = redis.pipeline(batch);
  if (!replies) return replies.status().with_context(step);
  for (size_t i = 0; i < replies->size(); ++i)
    if (Status s = check_reply(batch[i], (*replies)[i], step); !s) return s;
  return Status::ok();
}

// Runs batches with one always in flight: the server works on batch i+1 while we read the
// replies of batch i (the client's reply parsing costs as much as the server's work).
class Pipeliner {
 public:
  using OnReply = std::function<Status(const RedisCommand&, const RedisReply&)>;
  Pipeliner(RedisClient& redis, std::string step, OnReply on_reply = nullptr)
      : redis_(redis), step_(std::move(step)), on_reply_(std::move(on_reply)) {}

  Status submit(std::vector<RedisCommand> batch) {
    if (Status s = redis_.send(batch); !s) return s.with_context(step_);
    if (Status s = drain(); !s) return s;
    in_flight_ = std::move(batch);
    return Status::ok();
  }
  Status finish() { return drain(); }

 private:
  Status drain() {
    for (const auto& command : in_flight_) {
      auto reply = redis_.receive();
      if (!reply) return reply.status().with_context(step_);
      if (Status s = check_reply(command, *reply, step_); !s) return s;
      if (on_reply_)
        if (Status s = on_reply_(command, *reply); !s) return s;
    }
    in_flight_.clear();
    return Status::ok();
  }

  RedisClient& redis_;
  std::string step_;
  OnReply on_reply_;
  std::vector<RedisCommand> in_flight_;
};

// Reads the c4:* key space and marks every desired key same or differs; collects the keys
// that are not desired. Each round trip carries the SCAN of page i+1 and the HGETALLs of page i,
// and is sent before the replies of the previous round are parsed.
Status read_live(RedisClient& redis, Projection& want, std::vector<std::string>& stale) {
  const std::string step = "reading the c4:* keys";
  std::vector<Entry*> in_flight;  // HGETALLs sent, whose replies follow the outstanding SCAN
  std::string cursor = "0";
  bool scan_done = false, scan_outstanding = true;
  if (Status s = redis.send({{"SCAN", cursor, "MATCH", "c4:*", "COUNT", std::to_string(kScanCount)}}); !s)
    return s.with_context(step);
  for (;;) {
    std::vector<RedisCommand> round;
    std::vector<Entry*> next;
    if (scan_outstanding) {
      auto scan = redis.receive();
      if (!scan) return scan.status().with_context(step);
      if (scan->is_error()) return redis_error_status(*scan, step + ": SCAN");
      if (scan->type != RedisReply::Type::array || scan->elements.size() != 2)
        return Status::internal(step + ": unexpected SCAN reply");
      cursor = scan->elements[0].str;
      scan_done = cursor == "0";
      if (!scan_done) round.push_back({"SCAN", cursor, "MATCH", "c4:*", "COUNT", std::to_string(kScanCount)});
      for (auto& k : scan->elements[1].elements) {
        if (k.str == kRevisionKey || k.str == kProjectingKey) continue;
        Entry* e = want.find(k.str);
        if (!e) stale.push_back(std::move(k.str));  // SCAN may repeat a key: DEL counts truly deleted
        else if (e->state == KeyState::unseen) {    // ... and repeats are compared once
          e->state = KeyState::pending;
          round.push_back({"HGETALL", std::move(k.str)});
          next.push_back(e);
        }
      }
    }
    if (!round.empty())
      if (Status s = redis.send(round); !s) return s.with_context(step);
    for (Entry* e : in_flight) {
      auto reply = redis.receive();
      if (!reply) return reply.status().with_context(step);
      e->state = same_hash(*reply, want.payloads[e->payload]) ? KeyState::same : KeyState::differs;
    }
    if (round.empty()) return Status::ok();
    in_flight = std::move(next);
    scan_outstanding = !scan_done;
  }
}

// Writes every key whose state is not `same`: DEL + HSET, a MULTI/EXEC per batch.
Status write_keys(RedisClient& redis, Projection& want, ProjectionStats& stats) {
  Pipeliner pipe(redis, "writing the c4:* keys");
  std::vector<RedisCommand> batch;
  size_t arguments = 0;
  Status status;
  auto flush = [&]() {
    if (batch.empty() || !status) return;
    batch.insert(batch.begin(), RedisCommand{"MULTI"});
    batch.push_back({"EXEC"});
    status = pipe.submit(std::move(batch));
    batch.clear();
    arguments = 0;
  };
  want.for_each([&](const std::string& key, Entry& e) {
    if (e.state == KeyState::same || !status) return;
    const Fields& fields = want.payloads[e.payload];
    RedisCommand hset;
    hset.reserve(2 + 2 * fields.size());
    hset.push_back("HSET");
    hset.push_back(key);
    for (const auto& [f, v] : fields) {
      hset.push_back(f);
      hset.push_back(v);
    }
    if (!batch.empty() && arguments + hset.size() > kBatchArguments) flush();
    // A key the scan found absent has no old fields to drop.
    if (e.state != KeyState::unseen) batch.push_back({"DEL", key});
    arguments += 2 + hset.size();
    batch.push_back(std::move(hset));
    ++stats.keys_written;
    if (batch.size() + 2 >= kBatchCommands) flush();
  });
  flush();
  if (!status) return status;
  return pipe.finish();
}

Status delete_keys(RedisClient& redis, const std::vector<std::string>& stale, ProjectionStats& stats) {
  Pipeliner pipe(redis, "deleting stale c4:* keys", [&](const RedisCommand&, const RedisReply& r) {
    stats.keys_deleted += static_cast<size_t>(r.integer);
    return Status::ok();
  });
  for (size_t start = 0; start < stale.size();) {
    size_t end = std::min(stale.size(), start + kDeleteKeysPerCommand);
    RedisCommand del{"DEL"};
    del.insert(del.end(), stale.begin() + static_cast<std::ptrdiff_t>(start),
               stale.begin() + static_cast<std::ptrdiff_t>(end));
    if (Status s = pipe.submit({std::move(del)}); !s) return s;
    start = end;
  }
  return pipe.finish();
}

// The shortcut: Redis holds exactly `before`, so the difference of the two projections is what
// must change. Marks changed keys `differs`, the rest `same`; collects keys only in `before`.
void diff_projections(Projection& before, Projection& after, std::vector<std::string>& stale) {
  after.for_each([&](const std::string& key, Entry& e) {
    Entry* old = before.find(key);
    bool same = old && before.payloads[old->payload] == after.payloads[e.payload];
    e.state = same ? KeyState::same : KeyState::differs;
    if (old) old->state = KeyState::same;  // "still desired"
  });
  before.for_each([&](const std::string& key, Entry& e) {
    if (e.state == KeyState::unseen) stale.push_back(key);
  });
}

std::string object_key(Kind kind, const std::string& tenant, const std::string& name) {
  return std::to_string(static_cast<int>(kind)) + '\0' + tenant + '\0' + name;
}

// The lookups that rebuild the previous projection. The database only knows the objects of
// the new revision, so only those are asked about; the others get values no real object has
// (id -1, uuid ""), which makes their keys differ from anything desired: rewritten or deleted.
// Ids are stable across updates, so asking now gives the answer the last projection got.
Lookups previous_lookups(const ProjectionInput& input) {
  auto known = std::make_shared<std::unordered_set<std::string>>();
  for (const auto& t : input.catalog->all<Tenant>()) known->insert(object_key(Kind::Tenant, "", t.meta.name));
  for (const auto& t : input.catalog->all<CarrierTrunk>())
    known->insert(object_key(Kind::CarrierTrunk, t.meta.tenant, t.meta.name));
  for (const auto& p : input.catalog->all<IPBX>()) known->insert(object_key(Kind::IPBX, p.meta.tenant, p.meta.name));
  Lookups l;
  l.id_of = [&input, known](Kind kind, const std::string& tenant, const std::string& name) -> int64_t {
    return known->count(object_key(kind, tenant, name)) ? input.id_of(kind, tenant, name) : -1;
  };
  l.tenant_uuid_of = [&input, known](const std::string& tenant) {
    return known->count(object_key(Kind::Tenant, "", tenant)) ? input.tenant_uuid_of(tenant) : std::string();
  };
  return l;
}

// True when a tenant of both catalogs changed its uuid: the previous projection's uuid cannot
// be asked for any more, so the shortcut cannot be trusted.
bool tenant_uuid_changed(const Catalog& before, const Catalog& after) {
  std::unordered_map<std::string, std::string> uuids;
  for (const auto& t : before.all<Tenant>()) uuids.emplace(t.meta.name, t.uuid);
  for (const auto& t : after.all<Tenant>()) {
    auto it = uuids.find(t.meta.name);
    if (it != uuids.end() && it->second != t.uuid) return true;
  }
  return false;
}

// Whether Redis holds exactly the projection of input.previous: c4:revision names it and no
// projection was cut short since (c4:projecting is absent).
Result<bool> holds_previous(RedisClient& redis, const ProjectionInput& input) {
  if (!input.previous || input.previous_revision.empty()) return false;
  if (tenant_uuid_changed(*input.previous, *input.catalog)) return false;
  auto replies = redis.pipeline({{"GET", std::string(kRevisionKey)}, {"EXISTS", std::string(kProjectingKey)}});
  if (!replies) return replies.status().with_context("reading c4:revision");
  const RedisReply& revision = (*replies)[0];
  const RedisReply& projecting = (*replies)[1];
  return revision.type == RedisReply::Type::string && revision.str == input.previous_revision &&
         projecting.type == RedisReply::Type::integer && projecting.integer == 0;
}

// The DIDs whose projection may differ between two catalogs: added, removed or changed (their
// hash covers the name, IPBX and trunk references and every number). A number's key depends
// on its DID alone (validation refuses numbers claimed twice, and tenant uuids are the same
// when the shortcut runs; IPBX ids never change), so the c4:did:* keys of the other DIDs are
// equal in both projections and need not be built: a one-file change costs that file's keys.
DidFilter changed_dids(const Catalog& before, const Catalog& after) {
  std::unordered_map<std::string, const std::string*> hashes;
  for (const auto& d : before.all<DID>()) hashes.emplace(did_key(d), &d.meta.hash);
  DidFilter changed;
  for (const auto& d : after.all<DID>()) {
    auto it = hashes.find(did_key(d));
    if (it == hashes.end() || *it->second != d.meta.hash) changed.insert(did_key(d));
    if (it != hashes.end()) hashes.erase(it);
  }
  for (const auto& [key, _] : hashes) changed.insert(key);  // removed
  return changed;
}

// Builds the projection of `catalog` (c4:did:* keys of the DIDs `only` names, when given); the
// callers' lookups may throw, which ends here.
Result<Projection> build_projection(const Catalog& catalog, Lookups lookups, const DidFilter* only = nullptr) {
  try {
    return ProjectionBuilder(std::move(lookups), only).build(catalog);
  } catch (const std::exception& e) {
    return Status::internal(std::string("computing the Redis projection: ") + e.what());
  }
}

Result<ProjectionStats> project(RedisClient& redis, const ProjectionInput& input) {
  ProjectionStats stats;
  auto shortcut = holds_previous(redis, input);
  if (!shortcut) return shortcut.status();
  std::optional<DidFilter> changed;
  if (*shortcut) changed = changed_dids(*input.previous, *input.catalog);
  const DidFilter* only = changed ? &*changed : nullptr;

  auto built = build_projection(*input.catalog, {input.id_of, input.tenant_uuid_of}, only);
  if (!built) return built.status();
  Projection& want = *built;
  std::vector<std::string> stale;
  if (*shortcut) {
    auto before = build_projection(*input.previous, previous_lookups(input), only);
    if (!before) return before.status();
    diff_projections(*before, want, stale);
  } else {
    stats.full_resync = true;
    if (Status s = read_live(redis, want, stale); !s) return s;
  }

  size_t total = want.size() + want.skipped_dids;
  size_t to_write = 0;
  for (const auto& [value, e] : want.dids) to_write += e.state != KeyState::same;
  for (const auto& [key, e] : want.keys) to_write += e.state != KeyState::same;
  if (to_write > 0 || !stale.empty()) {
    // Marks Redis as between two projections until c4:revision moves: a run cut short here
    // leaves the marker, and the next run does the full diff instead of trusting c4:revision.
    if (Status s = run_batch(redis, {{"SET", std::string(kProjectingKey), input.revision}},
                             "marking the projection of " + input.revision);
        !s)
      return s;
    if (Status s = write_keys(redis, want, stats); !s) return s;
    if (Status s = delete_keys(redis, stale, stats); !s) return s;
  }
  stats.unchanged = total - stats.keys_written;

  std::vector<RedisCommand> publish = {{"MULTI"},
                                       {"SET", std::string(kRevisionKey), input.revision},
                                       {"DEL", std::string(kProjectingKey)},
                                       {"EXEC"},
                                       {"PUBLISH", std::string(kRevisionChannel), input.revision}};
  if (Status s = run_batch(redis, publish, "publishing revision " + input.revision); !s) return s;
  return stats;
}

}  // namespace

Result<ProjectionStats> project_to_redis(RedisClient& redis, const ProjectionInput& input) {
  if (redis.unread_replies() > 0) redis.disconnect();
  auto result = project(redis, input);
  // A step that stopped at an error reply may have left replies unread: start afresh next time.
  if (redis.unread_replies() > 0) redis.disconnect();
  return result;
}

}  // namespace c4
