// A realistic old platform, filled the way wazo-router-confd stored it: three tenants (one with
// a hostile name), IPBXs whose realm differs from their domain, numbers without '+', 10,000
// DIDs (exact numbers with gaps, a block, a regex, one RE2 refuses), normalization rules of
// both types (and one of an unknown type), routing rules and groups, PBKDF2 password hashes,
// CDRs. Ids are fixed so tests can name rows.
#pragma once

#include <string>

#include "common/sha.h"
#include "legacy_database.h"

namespace c4::test {

inline constexpr const char* kAcmeUuid = "c8c31ae4-d859-44af-8097-91c0941a5571";
inline constexpr const char* kLagoonUuid = "5b0c9b8e-2f4c-4e4a-9a55-0d5a9f1c7e01";
inline constexpr const char* kHostileUuid = "9d1e7f00-1111-4222-8333-944455556666";
// A tenant name with CR/LF, quotes, YAML syntax and non-ASCII: it must come back unchanged.
inline const std::string kHostileName = "Evil\r\nkind: Tenant\n--- &a *a \"q\" 'yes' #c ~ ünï€";
inline const std::string kLyonPassword = "s3cret-lyon";

// md5(username:domain:password) as the old service stored password_ha1.
inline std::string lyon_ha1() { return md5_hex("acme-lyon:lyon.acme.example.com:" + kLyonPassword); }

// A PBKDF2-SHA512 hash as the old service stored it: 64 hex of salt, then 128 hex of digest.
inline std::string old_hash(char fill) { return std::string(64, 'a') + std::string(128, fill); }

inline std::string sql_text(pqxx::connection& c, const std::string& s) { return c.quote(s); }

inline void fill_legacy_platform(LegacyDatabase& db) {
  auto& c = db.conn();
  std::string sql;
  sql += "INSERT INTO tenants VALUES ('" + std::string(kAcmeUuid) + "', 'ACME Télécom'), ('" + kLagoonUuid +
         "', 'lagoon'), ('" + kHostileUuid + "', " + sql_text(c, kHostileName) + ");\n";
  sql += "INSERT INTO domains (id, tenant_uuid, domain) VALUES (1, '" + std::string(kAcmeUuid) +
         "', 'paris.acme.example.com'), (2, '" + kAcmeUuid + "', 'lyon.acme.example.com'), (3, '" + kLagoonUuid +
         "', 'venezia.lagoon.example.it'), (4, '" + kHostileUuid + "', 'hostile.example.net');\n";
  sql += "INSERT INTO carriers (id, tenant_uuid, name) VALUES (1, '" + std::string(kAcmeUuid) + "', 'Orange'), (2, '" +
         kLagoonUuid + "', 'TIM'), (3, '" + kHostileUuid + "', " + sql_text(c, "O'Brien \"Telecom\"\r\n: - [x]") + ");\n";
  sql += "INSERT INTO normalization_profiles (id, tenant_uuid, name, country_code, intl_prefix, ld_prefix) VALUES "
         "(1, '" + std::string(kAcmeUuid) + "', 'FR national', '33', '00', '0'), (2, '" + kLagoonUuid +
         "', 'it', '39', '00', NULL);\n";
  // Rules as the old service wrote them: Python regexes, numbers without '+'.
  sql += R"(INSERT INTO normalization_rules (id, profile_id, rule_type, priority, match_regex, match_prefix, replace_regex) VALUES
    (1, 1, 1, 10, '^00([1-9][0-9]+)$', NULL, '\g<1>'),
    (2, 1, 1, 20, '^0([1-9][0-9]{8})$', '0', '33\1'),
    (3, 1, 2, 10, '^33([1-9][0-9]{8})$', '33', '0\1'),
    (4, 1, 3, 30, '^9$', NULL, '1'),
    (5, 1, 1, 40, '^(?=7)7(\d+)$', NULL, '\1');
)";
  sql += "INSERT INTO carrier_trunks (id, tenant_uuid, carrier_id, normalization_profile_id, name, sip_proxy, "
         "ip_address, registered, auth_username, auth_password, realm, registrar_proxy, from_domain, expire_seconds) "
         "VALUES (1, '" + std::string(kAcmeUuid) + "', 1, 1, 'orange-1', 'sbc.orange.example', '192.0.2.100', true, "
         "'acme', '" + old_hash('b') + "', 'orange.example', 'reg.orange.example', 'acme.example', 300), (2, '" +
         kLagoonUuid + "', 2, 2, 'tim-1', 'sbc.tim.example', '198.51.100.20', false, NULL, NULL, NULL, NULL, NULL, "
         "3600), (3, '" + kHostileUuid + "', 3, NULL, " + sql_text(c, "trunk\r\n\"x\"") +
         ", 'sbc.hostile.example', NULL, false, NULL, NULL, NULL, NULL, NULL, 3600);\n";
  sql += "INSERT INTO ipbx (id, tenant_uuid, domain_id, normalization_profile_id, customer, ip_fqdn, ip_address, "
         "port, username, password, password_ha1, realm) VALUES "
         "(1, '" + std::string(kAcmeUuid) + "', 1, 1, 1001, '192.0.2.10', '192.0.2.10', 5060, NULL, NULL, NULL, NULL), "
         "(2, '" + kAcmeUuid + "', 2, 1, 1002, 'pbx.lyon.acme.example.com', NULL, 5080, 'acme-lyon', '" + old_hash('c') +
         "', '" + lyon_ha1() + "', 'pbx-realm.lyon'), "
         "(3, '" + kLagoonUuid + "', 3, 2, NULL, '203.0.113.5', '203.0.113.5', 5060, NULL, NULL, NULL, 'venezia'), "
         "(4, '" + kHostileUuid + "', 4, NULL, NULL, " + sql_text(c, "bad host\r\n") + ", NULL, 5060, NULL, NULL, NULL, NULL);\n";
  // 10,000 DIDs. ACME Paris: 6,000 numbers 33140000000+i with every 1,000th missing (gaps);
  // ACME Lyon: 3,000 numbers; Lagoon: 997 numbers, a block, a regex, one regex RE2 refuses.
  sql += "INSERT INTO dids (tenant_uuid, ipbx_id, carrier_trunk_id, did_regex, did_prefix) "
         "SELECT '" + std::string(kAcmeUuid) + "', 1, 1, '^' || (33140000000 + i) || '$', '331400' "
         "FROM generate_series(0, 6005) i WHERE i % 1000 <> 999;\n";
  sql += "INSERT INTO dids (tenant_uuid, ipbx_id, carrier_trunk_id, did_regex, did_prefix) "
         "SELECT '" + std::string(kAcmeUuid) + "', 2, 1, (33472100000 + i)::text, '334721' FROM generate_series(0, 2999) i;\n";
  sql += "INSERT INTO dids (tenant_uuid, ipbx_id, carrier_trunk_id, did_regex, did_prefix) "
         "SELECT '" + std::string(kLagoonUuid) + "', 3, 2, '^' || (390612340000 + i) || '$', '39061234' "
         "FROM generate_series(0, 996) i;\n";
  sql += "INSERT INTO dids (tenant_uuid, ipbx_id, carrier_trunk_id, did_regex, did_prefix) VALUES "
         "('" + std::string(kLagoonUuid) + "', 3, 2, '^39041520\\d{4}$', '39041520'), "
         "('" + kLagoonUuid + "', 3, 2, '^39(0415|0416)99\\d\\d$', '390415'), "
         "('" + kLagoonUuid + "', 3, 2, '^(?!39)\\d+$', '');\n";
  sql += "INSERT INTO routing_rules (id, prefix, carrier_trunk_id, ipbx_id, did_regex, route_type) VALUES "
         "(1, '33', 1, 1, NULL, 'pstn'), (2, '39', 2, 3, NULL, 'pstn'), (3, NULL, 1, 2, NULL, 'pstn'), "
         "(4, '44', 1, 1, NULL, 'did'), (5, '49', 2, 1, NULL, 'pstn');\n";
  sql += "INSERT INTO routing_groups (id, tenant_uuid, routing_rule_id) VALUES (1, '" + std::string(kAcmeUuid) +
         "', 1), (2, '" + kLagoonUuid + "', 2), (3, '" + kAcmeUuid + "', 3), (4, '" + kAcmeUuid + "', NULL);\n";
  sql += "INSERT INTO cdrs (tenant_uuid, ipbx_id, source_ip, source_port, from_uri, to_uri, call_id, call_start, "
         "duration) VALUES ('" + std::string(kAcmeUuid) + "', 1, '192.0.2.10', 5060, 'sip:1@a', 'sip:2@b', 'c1', "
         "now(), 30), ('" + kAcmeUuid + "', 1, '192.0.2.10', 5060, 'sip:1@a', 'sip:2@b', 'c2', NULL, NULL);\n";
  db.exec(sql);
}

}  // namespace c4::test
