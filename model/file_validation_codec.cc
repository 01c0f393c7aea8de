#include "model/file_validation_codec.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace c4 {
namespace {

// Bumped whenever the layout below changes (the build id already changes with the code; this
// keeps the form honest for readers of the same build id with an older layout, which cannot
// exist, and documents the layout's history).
constexpr uint32_t kFormatVersion = 1;
constexpr char kMagic[4] = {'C', '4', 'F', 'V'};

// A field list per struct, shared by the writer and the reader: a field added to a struct
// and not here would be lost between runs, so the sizes are pinned below (x86-64 libstdc++,
// the one platform c4confd is built for) and a new field stops the build here.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(Meta) == 224, "Meta changed: update fields(Meta) and this size");
static_assert(sizeof(Tenant) == 336, "Tenant changed: update fields(Tenant) and this size");
static_assert(sizeof(Domain) == 328, "Domain changed: update fields(Domain) and this size");
static_assert(sizeof(Carrier) == 288, "Carrier changed: update fields(Carrier) and this size");
static_assert(sizeof(NormalizationRule) == 152, "NormalizationRule changed: update fields(NormalizationRule) and this size");
static_assert(sizeof(NormalizationProfile) == 384, "NormalizationProfile changed: update fields(NormalizationProfile) and this size");
static_assert(sizeof(Registration) == 224, "Registration changed: update fields(Registration) and this size");
static_assert(sizeof(CarrierTrunk) == 720, "CarrierTrunk changed: update fields(CarrierTrunk) and this size");
static_assert(sizeof(IPBX) == 800, "IPBX changed: update fields(IPBX) and this size");
static_assert(sizeof(DID) == 544, "DID changed: update fields(DID) and this size");
static_assert(sizeof(RoutingGroup) == 256, "RoutingGroup changed: update fields(RoutingGroup) and this size");
static_assert(sizeof(TimeWindow) == 80, "TimeWindow changed: update fields(TimeWindow) and this size");
static_assert(sizeof(RoutingRule) == 488, "RoutingRule changed: update fields(RoutingRule) and this size");
static_assert(sizeof(ApiToken) == 352, "ApiToken changed: update fields(ApiToken) and this size");
static_assert(sizeof(Problem) == 240, "Problem changed: update fields(Problem) and this size");
static_assert(sizeof(DidNumber) == 32, "DidNumber changed: update fields(DidNumber) and this size");
static_assert(sizeof(DidRange) == 48, "DidRange changed: update fields(DidRange) and this size");
static_assert(sizeof(DidPrefix) == 48, "DidPrefix changed: update fields(DidPrefix) and this size");
static_assert(sizeof(Origin) == 40, "Origin changed: update fields(Origin) and this size");
static_assert(sizeof(Ref) == 72, "Ref changed: update fields(Ref) and this size");
static_assert(sizeof(SecretRef) == 80, "SecretRef changed: update fields(SecretRef) and this size");
static_assert(sizeof(Capacity) == 16, "Capacity changed: update fields(Capacity) and this size");
static_assert(sizeof(IpNetwork) == 18, "IpNetwork changed: update fields(IpNetwork) and this size");
static_assert(sizeof(RoutingTarget) == 80, "RoutingTarget changed: update fields(RoutingTarget) and this size");
static_assert(sizeof(CivilDate) == 12, "CivilDate changed: update fields(CivilDate) and this size");
static_assert(sizeof(E164) == 16, "E164 changed: update fields(E164) and this size");
static_assert(sizeof(SourcePos) == 8, "SourcePos changed: update fields(SourcePos) and this size");
static_assert(sizeof(ObjectRef) == 96, "ObjectRef changed: update fields(ObjectRef) and this size");
static_assert(sizeof(ObjectKey) == 72, "ObjectKey changed: update fields(ObjectKey) and this size");
#endif

template <typename A> void fields(A& a, SourcePos& x) { a(x.line, x.column); }
template <typename A> void fields(A& a, Origin& x) { a(x.pos, x.pointer); }
template <typename A> void fields(A& a, E164& x) { a(x.value, x.length); }
template <typename A> void fields(A& a, IpNetwork& x) { a(x.bytes, x.prefix_len, x.v4); }
template <typename A> void fields(A& a, CivilDate& x) { a(x.year, x.month, x.day); }
template <typename A> void fields(A& a, ObjectRef& x) { a(x.kind, x.tenant, x.name); }
template <typename A> void fields(A& a, ObjectKey& x) { a(x.kind, x.tenant, x.name); }
template <typename A> void fields(A& a, Problem& x) {
  a(x.severity, x.file, x.pos, x.pointer, x.object, x.message, x.rule);
}
template <typename A> void fields(A& a, Meta& x) {
  a(x.kind, x.name, x.tenant, x.labels, x.file, x.pos, x.tenant_pos, x.spec_pos, x.spec, x.hash);
}
template <typename A> void fields(A& a, Ref& x) { a(x.name, x.origin); }
template <typename A> void fields(A& a, SecretRef& x) { a(x.source, x.value, x.origin); }
template <typename A> void fields(A& a, Capacity& x) { a(x.max_calls_per_second, x.max_channels); }
template <typename A> void fields(A& a, Tenant& x) { a(x.meta, x.uuid, x.uuid_derived, x.uuid_origin, x.description); }
template <typename A> void fields(A& a, Domain& x) { a(x.meta, x.domain, x.domain_origin, x.description); }
template <typename A> void fields(A& a, Carrier& x) { a(x.meta, x.description, x.contact); }
template <typename A> void fields(A& a, NormalizationRule& x) {
  a(x.name, x.direction, x.priority, x.match, x.replace, x.applies_to, x.stop, x.origin);
}
template <typename A> void fields(A& a, NormalizationProfile& x) {
  a(x.meta, x.country_code, x.area_code, x.international_prefix, x.long_distance_prefix, x.always_international_plus,
    x.always_long_distance, x.e164_without_plus, x.rules);
}
template <typename A> void fields(A& a, Registration& x) {
  a(x.registered, x.username, x.password, x.realm, x.registrar_proxy, x.from_domain, x.expire_seconds, x.retry_seconds);
}
template <typename A> void fields(A& a, CarrierTrunk& x) {
  a(x.meta, x.carrier, x.sip_proxy, x.sip_proxy_port, x.transport, x.allowed_sources, x.any_source,
    x.normalization_profile, x.registration, x.capacity, x.description);
}
template <typename A> void fields(A& a, IPBX& x) {
  a(x.meta, x.domain, x.host, x.port, x.transport, x.allowed_sources, x.any_source, x.registered, x.username,
    x.password, x.ha1, x.digest_realm, x.realm, x.customer, x.normalization_profile, x.routing_group, x.capacity,
    x.description);
}
template <typename A> void fields(A& a, DidNumber& x) { a(x.number, x.pos, x.index); }
template <typename A> void fields(A& a, DidRange& x) { a(x.from, x.to, x.pos, x.index); }
template <typename A> void fields(A& a, DidPrefix& x) { a(x.digits, x.pos, x.index); }
template <typename A> void fields(A& a, DID& x) {
  a(x.meta, x.ipbx, x.carrier_trunk, x.numbers, x.ranges, x.prefixes, x.regex, x.regex_origin, x.description);
}
template <typename A> void fields(A& a, RoutingGroup& x) { a(x.meta, x.description); }
template <typename A> void fields(A& a, RoutingTarget& x) { a(x.carrier_trunk, x.priority, x.weight); }
template <typename A> void fields(A& a, TimeWindow& x) {
  a(x.days, x.start_minute, x.end_minute, x.timezone, x.from, x.until);
}
template <typename A> void fields(A& a, RoutingRule& x) {
  a(x.meta, x.routing_group, x.priority, x.prefixes, x.regex, x.min_length, x.max_length, x.caller_prefixes,
    x.time_windows, x.targets, x.failover, x.description);
}
template <typename A> void fields(A& a, ApiToken& x) { a(x.meta, x.sha256, x.sha256_origin, x.tenants, x.description); }

// The largest value of each enum, for the reader's range check.
template <typename E> constexpr int enum_max() {
  if constexpr (std::is_same_v<E, Kind>) return static_cast<int>(kKindCount) - 1;
  else if constexpr (std::is_same_v<E, Problem::Severity>) return 1;
  else if constexpr (std::is_same_v<E, Transport>) return 2;
  else if constexpr (std::is_same_v<E, SecretRef::Source>) return 3;
  else if constexpr (std::is_same_v<E, NormalizationRule::Direction>) return 1;
  else if constexpr (std::is_same_v<E, NormalizationRule::AppliesTo>) return 2;
  else static_assert(sizeof(E) == 0, "an enum without a range");
}

template <typename T> struct is_vector : std::false_type {};
template <typename T> struct is_vector<std::vector<T>> : std::true_type {};
template <typename T> struct is_optional : std::false_type {};
template <typename T> struct is_optional<std::optional<T>> : std::true_type {};

class Writer {
 public:
  template <typename... T> void operator()(const T&... xs) { (put(xs), ...); }
  std::string take() { return std::move(out_); }

  template <typename T> void put(const T& x) {
    if constexpr (std::is_enum_v<T>) {
      put(static_cast<int32_t>(x));
    } else if constexpr (std::is_arithmetic_v<T>) {
      out_.append(reinterpret_cast<const char*>(&x), sizeof x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      put(static_cast<uint32_t>(x.size()));
      out_.append(x);
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
      std::vector<uint8_t> cbor = nlohmann::json::to_cbor(x);
      put(std::string(cbor.begin(), cbor.end()));
    } else if constexpr (is_vector<T>::value || std::is_same_v<T, std::array<uint8_t, 16>>) {
      put(static_cast<uint32_t>(x.size()));
      for (const auto& item : x) put(item);
    } else if constexpr (is_optional<T>::value) {
      put(x.has_value());
      if (x) put(*x);
    } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
      put(static_cast<uint32_t>(x.size()));
      for (const auto& [k, v] : x) put(k), put(v);
    } else {
      fields(*this, const_cast<T&>(x));  // the field lists are shared with the reader; nothing is written
    }
  }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename... T> void operator()(T&... xs) { (get(xs), ...); }
  bool ok() const { return ok_; }
  bool at_end() const { return ok_ && in_.empty(); }
  void fail() { ok_ = false; }

  template <typename T> void get(T& x) {
    if (!ok_) return;
    if constexpr (std::is_enum_v<T>) {
      int32_t v = 0;
      get(v);
      if (v < 0 || v > enum_max<T>()) return fail();
      x = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      uint8_t v = 2;
      get_raw(&v, 1);
      if (v > 1) return fail();
      x = v == 1;
    } else if constexpr (std::is_arithmetic_v<T>) {
      get_raw(&x, sizeof x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      uint32_t n = 0;
      get(n);
      if (!ok_ || n > in_.size()) return fail();
      x.assign(in_.data(), n);
      in_.remove_prefix(n);
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
      std::string cbor;
      get(cbor);
      if (!ok_) return;
      x = nlohmann::json::from_cbor(cbor, true, false);
      if (x.is_discarded()) fail();
    } else if constexpr (std::is_same_v<T, std::array<uint8_t, 16>>) {
      uint32_t n = 0;
      get(n);
      if (n != x.size()) return fail();
      for (auto& b : x) get(b);
    } else if constexpr (is_vector<T>::value) {
      uint32_t n = 0;
      get(n);
      if (!ok_ || n > in_.size()) return fail();  // every item takes at least one byte
      // Grown as items are read, so a corrupt count costs no more memory than the items the
      // bytes really hold.
      x.clear();
      x.reserve(std::min<size_t>(n, 4096));
      for (uint32_t i = 0; i < n && ok_; ++i) get(x.emplace_back());
    } else if constexpr (is_optional<T>::value) {
      bool set = false;
      get(set);
      if (!set) return x.reset();
      x.emplace();
      get(*x);
    } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
      uint32_t n = 0;
      get(n);
      if (!ok_ || n > in_.size()) return fail();
      x.clear();
      for (uint32_t i = 0; i < n && ok_; ++i) {
        std::string k, v;
        get(k), get(v);
        x.emplace(std::move(k), std::move(v));
      }
    } else {
      fields(*this, x);
    }
  }

 private:
  void get_raw(void* p, size_t n) {
    if (in_.size() < n) return fail();
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
  }

  std::string_view in_;
  bool ok_ = true;
};

// Objects of every kind, each list tagged with its size; every object must be of the list's kind.
void put_catalog(Writer& w, const Catalog& catalog) {
  catalog.for_each_list([&](const auto& list) { w(list); });
  w(std::vector<ObjectKey>(catalog.invalid().begin(), catalog.invalid().end()));
}

void get_catalog(Reader& r, Catalog& catalog) {
  catalog.for_each_list([&](auto& list) {
    using T = typename std::decay_t<decltype(list)>::value_type;
    r(list);
    for (const auto& object : list)
      if (object.meta.kind != kind_of<T>) r.fail();
  });
  std::vector<ObjectKey> invalid;
  r(invalid);
  for (auto& key : invalid) catalog.mark_invalid(std::move(key));
}

}  // namespace

std::string encode_file_validation(const FileValidation& result) {
  Writer w;
  w(kMagic[0], kMagic[1], kMagic[2], kMagic[3], kFormatVersion);
  put_catalog(w, result.catalog);
  w(result.problems.items(), static_cast<uint64_t>(result.documents));
  return w.take();
}

std::optional<FileValidation> decode_file_validation(std::string_view bytes) {
  Reader r(bytes);
  char magic[4] = {};
  uint32_t version = 0;
  r(magic[0], magic[1], magic[2], magic[3], version);
  if (!r.ok() || std::memcmp(magic, kMagic, 4) != 0 || version != kFormatVersion) return std::nullopt;
  FileValidation out;
  get_catalog(r, out.catalog);
  std::vector<Problem> problems;
  uint64_t documents = 0;
  r(problems, documents);
  if (!r.at_end()) return std::nullopt;
  for (auto& p : problems) out.problems.add(std::move(p));
  out.documents = documents;
  return out;
}

}  // namespace c4
