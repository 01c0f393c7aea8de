// compile_applied_snapshot: the routing snapshot of a revision the reconciler has just
// committed, from its catalog rather than from PostgreSQL's rows (api/routing/snapshot.h).
#include <algorithm>

#include "api/routing/snapshot.h"

namespace c4::routing {
namespace {

// Copies `list` into `out` sorted by (tenant, name): the key order of the rows load_snapshot
// decodes (every object of a list has the same kind).
template <typename T>
void copy_in_key_order(const std::vector<T>& list, std::vector<T>& out) {
  std::vector<const T*> order;
  order.reserve(list.size());
  for (const auto& o : list) order.push_back(&o);
  std::sort(order.begin(), order.end(), [](const T* a, const T* b) { return key_of(a->meta) < key_of(b->meta); });
  out.reserve(list.size());
  for (const T* o : order) out.push_back(*o);
}

}  // namespace

void forget_source_positions(Catalog& catalog) {
  catalog.for_each_list([](auto& list) {
    for (auto& o : list) {
      o.meta.file.clear();
      o.meta.pos = {};
      o.meta.tenant_pos = {};
      o.meta.spec_pos = {};
    }
  });
}

Result<SnapshotPtr> compile_applied_snapshot(const Catalog& applied, ObjectIds ids, int64_t revision_id,
                                             const SnapshotOptions& options) {
  Catalog catalog;
  applied.for_each_list([&](const auto& list) {
    using T = typename std::decay_t<decltype(list)>::value_type;
    copy_in_key_order(list, catalog.template all<T>());
  });
  forget_source_positions(catalog);
  Problems problems;
  catalog.build_index(problems);
  if (problems.has_errors())
    return Status::invalid("the applied catalog does not index: " + problems.items().front().message);
  return compile_snapshot(std::move(catalog), std::move(ids), std::to_string(revision_id), options);
}

}  // namespace c4::routing
