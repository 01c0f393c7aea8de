#include "model/catalog.h"

#include "model/problem_rules.h"

namespace c4 {

void Catalog::append(Catalog&& other) {
  std::apply(
      [&](auto&... mine) {
        std::apply(
            [&](auto&... theirs) {
              ((mine.insert(mine.end(), std::make_move_iterator(theirs.begin()),
                            std::make_move_iterator(theirs.end())),
                theirs.clear()),
               ...);
            },
            other.objects_);
      },
      objects_);
  invalid_.merge(other.invalid_);
}

void Catalog::build_index(Problems& problems) {
  for_each_list([&](const auto& list) {
    for (size_t i = 0; i < list.size(); ++i) {
      const Meta& m = list[i].meta;
      auto& index = index_[static_cast<size_t>(m.kind)];
      auto [it, inserted] = index.emplace(key(m.tenant, m.name), i);
      if (inserted) continue;
      const Meta& first = list[it->second].meta;
      Problem p;
      p.file = m.file;
      p.pos = m.pos;
      p.pointer = "/metadata/name";
      p.rule = rules::kDuplicateObject;
      p.object = m.ref();
      p.message = "duplicate object: " + m.ref().display() + " is already declared at " + first.file +
                  ":" + std::to_string(first.pos.line);
      problems.add(std::move(p));
    }
  });
}

size_t Catalog::object_count() const {
  size_t n = 0;
  for_each_list([&](const auto& list) { n += list.size(); });
  return n;
}

}  // namespace c4
