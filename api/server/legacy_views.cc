#include "api/server/legacy_views.h"

#include "api/server/config_views.h"

namespace c4::api {

const std::vector<std::pair<std::string, std::string>>& legacy_config_paths() {
  static const std::vector<std::pair<std::string, std::string>> paths = {
      {"/1.0/carrier-trunks", "carrier_trunks"},
      {"/1.0/normalization-profiles", "normalization_profiles"},
      {"/1.0/routing-groups", "routing_groups"},
      {"/1.0/routing-rules", "routing_rules"},
      {"/1.0/ipbx", "ipbxs"},
  };
  return paths;
}

void mount_legacy_views(Server& server, std::shared_ptr<ConnectionPool> pool) {
  for (const auto& [path, kind] : legacy_config_paths()) mount_kind_alias(server, pool, kind, path);
}

}  // namespace c4::api
