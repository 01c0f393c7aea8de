#include "importer/legacy_reader.h"

#include <algorithm>
#include <regex>

#include "importer/copy_rows.h"

namespace c4::importer {
namespace {

// Unpacks a Result into `into`, or returns its Status from the enclosing function.
#define C4_TAKE(into, expr)              \
  do {                                   \
    auto r_ = (expr);                    \
    if (!r_) return r_.status();         \
    into = std::move(*r_);               \
  } while (0)

Status read_tenants(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "tenants", {"uuid", "name"}, [&](const CopyRow& r) -> Status {
    OldTenant t;
    C4_TAKE(t.uuid, r.text(0));
    C4_TAKE(t.name, r.text(1));
    data.tenants.push_back(std::move(t));
    return Status::ok();
  });
}

Status read_domains(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "domains", {"id", "tenant_uuid", "domain"}, [&](const CopyRow& r) -> Status {
    OldDomain d;
    C4_TAKE(d.id, r.integer(0));
    C4_TAKE(d.tenant_uuid, r.text(1));
    C4_TAKE(d.domain, r.text(2));
    data.domains.push_back(std::move(d));
    return Status::ok();
  });
}

Status read_carriers(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "carriers", {"id", "tenant_uuid", "name"}, [&](const CopyRow& r) -> Status {
    OldCarrier c;
    C4_TAKE(c.id, r.integer(0));
    C4_TAKE(c.tenant_uuid, r.text(1));
    C4_TAKE(c.name, r.text(2));
    data.carriers.push_back(std::move(c));
    return Status::ok();
  });
}

Status read_trunks(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "carrier_trunks",
                    {"id", "tenant_uuid", "carrier_id", "normalization_profile_id", "name", "sip_proxy", "sip_proxy_port",
                     "ip_address", "registered", "auth_username", "auth_password", "realm", "registrar_proxy",
                     "from_domain", "expire_seconds", "retry_seconds"},
                    [&](const CopyRow& r) -> Status {
                      OldTrunk t;
                      C4_TAKE(t.id, r.integer(0));
                      C4_TAKE(t.tenant_uuid, r.text(1));
                      C4_TAKE(t.carrier_id, r.integer(2));
                      C4_TAKE(t.profile_id, r.optional_integer(3));
                      C4_TAKE(t.name, r.text(4));
                      C4_TAKE(t.sip_proxy, r.text(5));
                      C4_TAKE(t.sip_proxy_port, r.integer(6, 5060));
                      t.ip_address = r.optional_text(7);
                      C4_TAKE(t.registered, r.boolean(8));
                      t.auth_username = r.optional_text(9);
                      t.auth_password = r.optional_text(10);
                      t.realm = r.optional_text(11);
                      t.registrar_proxy = r.optional_text(12);
                      t.from_domain = r.optional_text(13);
                      C4_TAKE(t.expire_seconds, r.integer(14, 3600));
                      C4_TAKE(t.retry_seconds, r.integer(15, 30));
                      data.trunks.push_back(std::move(t));
                      return Status::ok();
                    });
}

Status read_ipbxs(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "ipbx",
                    {"id", "tenant_uuid", "domain_id", "normalization_profile_id", "customer", "ip_fqdn", "ip_address",
                     "port", "registered", "username", "password", "password_ha1", "realm"},
                    [&](const CopyRow& r) -> Status {
                      OldIpbx x;
                      C4_TAKE(x.id, r.integer(0));
                      C4_TAKE(x.tenant_uuid, r.text(1));
                      C4_TAKE(x.domain_id, r.integer(2));
                      C4_TAKE(x.profile_id, r.optional_integer(3));
                      C4_TAKE(x.customer, r.optional_integer(4));
                      C4_TAKE(x.ip_fqdn, r.text(5));
                      x.ip_address = r.optional_text(6);
                      C4_TAKE(x.port, r.integer(7, 5060));
                      C4_TAKE(x.registered, r.boolean(8));
                      x.username = r.optional_text(9);
                      x.password = r.optional_text(10);
                      x.password_ha1 = r.optional_text(11);
                      x.realm = r.optional_text(12);
                      data.ipbxs.push_back(std::move(x));
                      return Status::ok();
                    });
}

Status read_dids(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "dids", {"id", "tenant_uuid", "ipbx_id", "carrier_trunk_id", "did_regex", "did_prefix"},
                    [&](const CopyRow& r) -> Status {
                      OldDid d;
                      C4_TAKE(d.id, r.integer(0));
                      C4_TAKE(d.tenant_uuid, r.text(1));
                      C4_TAKE(d.ipbx_id, r.integer(2));
                      C4_TAKE(d.carrier_trunk_id, r.integer(3, 0));
                      C4_TAKE(d.did_regex, r.text(4));
                      C4_TAKE(d.did_prefix, r.text(5));
                      data.dids.push_back(std::move(d));
                      return Status::ok();
                    });
}

Status read_profiles(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "normalization_profiles",
                    {"id", "tenant_uuid", "name", "country_code", "area_code", "intl_prefix", "ld_prefix",
                     "always_intl_prefix_plus", "always_ld"},
                    [&](const CopyRow& r) -> Status {
                      OldProfile p;
                      C4_TAKE(p.id, r.integer(0));
                      C4_TAKE(p.tenant_uuid, r.text(1));
                      C4_TAKE(p.name, r.text(2));
                      p.country_code = r.optional_text(3);
                      p.area_code = r.optional_text(4);
                      p.intl_prefix = r.optional_text(5);
                      p.ld_prefix = r.optional_text(6);
                      C4_TAKE(p.always_intl_prefix_plus, r.boolean(7));
                      C4_TAKE(p.always_ld, r.boolean(8));
                      data.profiles.push_back(std::move(p));
                      return Status::ok();
                    });
}

Status read_normalization_rules(pqxx::transaction_base& txn, LegacyData& data) {
  return copy_table(txn, "normalization_rules",
                    {"id", "profile_id", "rule_type", "priority", "match_regex", "match_prefix", "replace_regex"},
                    [&](const CopyRow& r) -> Status {
                      OldNormalizationRule n;
                      C4_TAKE(n.id, r.integer(0));
                      C4_TAKE(n.profile_id, r.integer(1));
                      C4_TAKE(n.rule_type, r.integer(2, 0));
                      C4_TAKE(n.priority, r.integer(3, 0));
                      n.match_regex = r.optional_text(4);
                      n.match_prefix = r.optional_text(5);
                      n.replace_regex = r.optional_text(6);
                      data.normalization_rules.push_back(std::move(n));
                      return Status::ok();
                    });
}

Status read_routing(pqxx::transaction_base& txn, LegacyData& data) {
  auto s = copy_table(txn, "routing_rules", {"id", "prefix", "carrier_trunk_id", "ipbx_id", "did_regex", "route_type"},
                      [&](const CopyRow& r) -> Status {
                        OldRoutingRule rule;
                        C4_TAKE(rule.id, r.integer(0));
                        rule.prefix = r.optional_text(1);
                        C4_TAKE(rule.carrier_trunk_id, r.integer(2, 0));
                        C4_TAKE(rule.ipbx_id, r.integer(3, 0));
                        rule.did_regex = r.optional_text(4);
                        rule.route_type = r.optional_text(5).value_or("pstn");
                        data.routing_rules.push_back(std::move(rule));
                        return Status::ok();
                      });
  if (!s) return s;
  return copy_table(txn, "routing_groups", {"id", "tenant_uuid", "routing_rule_id"}, [&](const CopyRow& r) -> Status {
    OldRoutingGroupRow g;
    C4_TAKE(g.id, r.integer(0));
    C4_TAKE(g.tenant_uuid, r.text(1));
    C4_TAKE(g.routing_rule_id, r.optional_integer(2));
    data.routing_groups.push_back(std::move(g));
    return Status::ok();
  });
}

template <typename T>
void sort_by_id(std::vector<T>& rows) {
  std::sort(rows.begin(), rows.end(), [](const T& a, const T& b) { return a.id < b.id; });
}

void sort_all(LegacyData& d) {
  std::sort(d.tenants.begin(), d.tenants.end(),
            [](const OldTenant& a, const OldTenant& b) { return a.name != b.name ? a.name < b.name : a.uuid < b.uuid; });
  sort_by_id(d.domains);
  sort_by_id(d.carriers);
  sort_by_id(d.trunks);
  sort_by_id(d.ipbxs);
  sort_by_id(d.dids);
  sort_by_id(d.profiles);
  sort_by_id(d.normalization_rules);
  sort_by_id(d.routing_rules);
  sort_by_id(d.routing_groups);
}

}  // namespace

Result<LegacyData> read_legacy_data(pqxx::connection& conn) {
  LegacyData data;
  try {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(conn);
    for (auto step : {read_tenants, read_domains, read_carriers, read_trunks, read_ipbxs, read_dids, read_profiles,
                      read_normalization_rules, read_routing})
      if (auto s = step(txn, data); !s) return s;
    data.cdr_count = txn.exec1("SELECT count(*) FROM cdrs")[0].as<int64_t>();
    txn.commit();
  } catch (const pqxx::broken_connection& e) {
    return Status::unavailable(std::string("reading the old database: ") + e.what());
  } catch (const std::exception& e) {
    return Status::invalid(std::string("reading the old database: ") + e.what());
  }
  sort_all(data);
  return data;
}

Result<std::unique_ptr<pqxx::connection>> connect_legacy_database(const std::string& url) {
  try {
    return std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    // libpq's message may quote the connection string: keep only its first line, without
    // anything that looks like a password.
    std::string why = e.what();
    why = why.substr(0, why.find('\n'));
    why = std::regex_replace(why, std::regex(R"(password=\S*)"), "password=***");
    return Status::unavailable("cannot connect to the old database: " + why);
  }
}

}  // namespace c4::importer
