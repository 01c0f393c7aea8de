// The Catalog: every object of a revision, by kind, with lookup by (tenant, name).
//
// Objects are kept in load order (files sorted by path, documents in file order), which makes
// every later stage deterministic. The index is built once all files are in; until then
// find() sees nothing. Not thread-safe for writes; concurrent reads of a built catalog are fine.
#pragma once

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "model/objects.h"

namespace c4 {

// Calls f(std::type_identity<T>{}) with T the object struct of `kind`, returning its result.
template <typename F>
decltype(auto) with_kind_type(Kind kind, F&& f) {
  switch (kind) {
    case Kind::Tenant: return f(std::type_identity<Tenant>{});
    case Kind::Domain: return f(std::type_identity<Domain>{});
    case Kind::Carrier: return f(std::type_identity<Carrier>{});
    case Kind::NormalizationProfile: return f(std::type_identity<NormalizationProfile>{});
    case Kind::CarrierTrunk: return f(std::type_identity<CarrierTrunk>{});
    case Kind::RoutingGroup: return f(std::type_identity<RoutingGroup>{});
    case Kind::IPBX: return f(std::type_identity<IPBX>{});
    case Kind::DID: return f(std::type_identity<DID>{});
    case Kind::RoutingRule: return f(std::type_identity<RoutingRule>{});
    case Kind::ApiToken: break;
  }
  return f(std::type_identity<ApiToken>{});
}

// Identity of an object across revisions: what plans compare and the database keys on.
struct ObjectKey {
  Kind kind = Kind::Tenant;
  std::string tenant;  // "" for cluster-scoped kinds
  std::string name;
  auto operator<=>(const ObjectKey&) const = default;
  std::string display() const { return ObjectRef{std::string(kind_name(kind)), tenant, name}.display(); }
};

inline ObjectKey key_of(const Meta& m) { return {m.kind, m.tenant, m.name}; }

class Catalog {
 public:
  template <typename T> std::vector<T>& all() { return std::get<std::vector<T>>(objects_); }
  template <typename T> const std::vector<T>& all() const { return std::get<std::vector<T>>(objects_); }

  // Calls f(std::vector<T>&) for every kind, in dependency order.
  template <typename F> void for_each_list(F&& f) { std::apply([&](auto&... v) { (f(v), ...); }, objects_); }
  template <typename F> void for_each_list(F&& f) const { std::apply([&](const auto&... v) { (f(v), ...); }, objects_); }

  // Moves every object of `other` to the end of this catalog.
  void append(Catalog&& other);

  // Indexes objects by (kind, tenant, name). A second object with the same key is reported to
  // `problems` (pointing at both declarations) and left out of the index.
  void build_index(Problems& problems);

  // The object of kind T named `name` in `tenant` ("" for cluster-scoped kinds), or nullptr.
  template <typename T> const T* find(std::string_view tenant, std::string_view name) const {
    const auto& index = index_[static_cast<size_t>(kind_of<T>)];
    auto it = index.find(key(tenant, name));
    return it == index.end() ? nullptr : &all<T>()[it->second];
  }

  // Tenants (other than `except`) that hold an object of kind T named `name`.
  template <typename T>
  std::vector<std::string> tenants_with(std::string_view name, std::string_view except) const {
    std::vector<std::string> out;
    for (const auto& t : all<Tenant>())
      if (t.meta.name != except && find<T>(t.meta.name, name)) out.push_back(t.meta.name);
    return out;
  }

  size_t object_count() const;

  // Objects declared by documents that failed validation: not in the catalog, but known to
  // exist, so references to them are not reported a second time as dangling.
  void mark_invalid(ObjectKey key) { invalid_.insert(std::move(key)); }
  const std::set<ObjectKey>& invalid() const { return invalid_; }
  bool declared_invalid(const ObjectKey& key) const { return invalid_.count(key) > 0; }
  bool has_invalid(Kind kind, std::string_view tenant) const {
    for (const auto& k : invalid_)
      if (k.kind == kind && k.tenant == tenant) return true;
    return false;
  }

 private:
  static std::string key(std::string_view tenant, std::string_view name) {
    std::string k(tenant);
    k.push_back('\0');
    k.append(name);
    return k;
  }

  std::tuple<std::vector<Tenant>, std::vector<Domain>, std::vector<Carrier>,
             std::vector<NormalizationProfile>, std::vector<CarrierTrunk>,
             std::vector<RoutingGroup>, std::vector<IPBX>, std::vector<DID>,
             std::vector<RoutingRule>, std::vector<ApiToken>>
      objects_;
  std::array<std::unordered_map<std::string, size_t>, kKindCount> index_;
  std::set<ObjectKey> invalid_;
};

}  // namespace c4
