-- The tables of an old wazo-router-confd database, written from
-- shared/reference/wazo-router-confd-data-model.md, for the importer's tests
-- (tests/unit/legacy_database.h) and bench/import.sh.
CREATE TABLE tenants (uuid uuid PRIMARY KEY, name varchar(256) UNIQUE NOT NULL);
CREATE TABLE domains (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants,
  domain varchar(64) NOT NULL);
CREATE TABLE carriers (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants,
  name varchar(256) NOT NULL, UNIQUE (tenant_uuid, name));
CREATE TABLE normalization_profiles (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants,
  name varchar(256) NOT NULL, country_code varchar(64), area_code varchar(64), intl_prefix varchar(64),
  ld_prefix varchar(64), always_intl_prefix_plus boolean NOT NULL DEFAULT false,
  always_ld boolean NOT NULL DEFAULT false, UNIQUE (tenant_uuid, name));
CREATE TABLE normalization_rules (id serial PRIMARY KEY,
  profile_id integer NOT NULL REFERENCES normalization_profiles, rule_type integer NOT NULL,
  priority integer NOT NULL DEFAULT 0, match_regex varchar(256), match_prefix varchar(256),
  replace_regex varchar(256));
CREATE TABLE carrier_trunks (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants,
  carrier_id integer NOT NULL REFERENCES carriers,
  normalization_profile_id integer REFERENCES normalization_profiles, name varchar(256) NOT NULL,
  sip_proxy varchar(128) NOT NULL, sip_proxy_port integer NOT NULL DEFAULT 5060, ip_address varchar(256),
  registered boolean NOT NULL DEFAULT false, auth_username varchar(35), auth_password varchar(192),
  realm varchar(64), registrar_proxy varchar(128), from_domain varchar(64),
  expire_seconds integer NOT NULL DEFAULT 3600, retry_seconds integer NOT NULL DEFAULT 30);
CREATE TABLE ipbx (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants,
  domain_id integer NOT NULL REFERENCES domains,
  normalization_profile_id integer REFERENCES normalization_profiles, customer integer,
  ip_fqdn varchar(256) NOT NULL, ip_address varchar(256), port integer NOT NULL DEFAULT 5060,
  registered boolean NOT NULL DEFAULT false, username varchar(50), password varchar(192),
  password_ha1 varchar(64), realm varchar(64));
CREATE TABLE dids (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants,
  ipbx_id integer NOT NULL REFERENCES ipbx, carrier_trunk_id integer NOT NULL REFERENCES carrier_trunks,
  did_regex varchar(256) NOT NULL, did_prefix varchar(128) NOT NULL, UNIQUE (tenant_uuid, did_regex));
CREATE TABLE routing_rules (id serial PRIMARY KEY, prefix varchar(128),
  carrier_trunk_id integer NOT NULL REFERENCES carrier_trunks, ipbx_id integer NOT NULL REFERENCES ipbx,
  did_regex varchar(256), route_type varchar(10) NOT NULL DEFAULT 'pstn');
CREATE TABLE routing_groups (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants,
  routing_rule_id integer REFERENCES routing_rules);
CREATE TABLE cdrs (id serial PRIMARY KEY, tenant_uuid uuid NOT NULL REFERENCES tenants, ipbx_id integer,
  carrier_trunk_id integer, source_ip varchar(64), source_port integer, from_uri varchar(256),
  to_uri varchar(256), call_id varchar(256), call_start timestamp, duration integer);
