#include "reconciler/outcome_projection.h"

#include <map>
#include <memory>

namespace c4 {

std::string projection_revision_id(const PassOutcome& outcome) {
  return std::to_string(outcome.revision_id.value_or(0)) + ":" + outcome.commit_id;
}

ProjectionInput projection_input(const PassOutcome& outcome) {
  auto ids = std::make_shared<const IdMap>(outcome.ids);
  auto uuids = std::make_shared<std::map<std::string, std::string>>();
  for (const auto& t : outcome.catalog->all<Tenant>()) (*uuids)[t.meta.name] = t.uuid;

  ProjectionInput input;
  input.revision = projection_revision_id(outcome);
  input.catalog = outcome.catalog.get();
  input.id_of = [ids](Kind kind, const std::string& tenant, const std::string& name) {
    auto it = ids->find({kind, kind_info(kind).tenant_scoped ? tenant : "", name});
    return it == ids->end() ? int64_t{0} : it->second;
  };
  input.tenant_uuid_of = [uuids](const std::string& tenant) {
    auto it = uuids->find(tenant);
    return it == uuids->end() ? std::string() : it->second;
  };
  return input;
}

}  // namespace c4
