-- Configuration tables: one per manifest kind, written only by the reconciler.
--
-- Every table has a stable surrogate id (Kamailio keeps ids in dialog state, so an update must
-- never change one), the natural key (tenant, name) as a unique constraint, foreign keys for
-- every by-name reference, the object's labels and canonical spec as JSONB, and spec_hash,
-- the SHA-256 of the canonical object the row was written from (see reconciler/canonical.h).
-- Uniqueness of values that may move between objects inside one revision (a SIP domain, a
-- number) is DEFERRABLE so an apply can move them in any order and still be checked at commit.

CREATE TABLE tenants (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  uuid        uuid NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  spec        jsonb NOT NULL DEFAULT '{}',
  spec_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tenants_uuid_key UNIQUE (uuid) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE domains (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  name        text NOT NULL,
  domain      text NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  spec        jsonb NOT NULL DEFAULT '{}',
  spec_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name),
  CONSTRAINT domains_domain_key UNIQUE (domain) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE carriers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  name        text NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  spec        jsonb NOT NULL DEFAULT '{}',
  spec_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

CREATE TABLE normalization_profiles (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  name        text NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  spec        jsonb NOT NULL DEFAULT '{}',
  spec_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

CREATE TABLE carrier_trunks (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id                bigint NOT NULL REFERENCES tenants(id),
  name                     text NOT NULL,
  carrier_id               bigint NOT NULL REFERENCES carriers(id),
  normalization_profile_id bigint REFERENCES normalization_profiles(id),
  labels                   jsonb NOT NULL DEFAULT '{}',
  spec                     jsonb NOT NULL DEFAULT '{}',
  spec_hash                text NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

CREATE TABLE routing_groups (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  name        text NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  spec        jsonb NOT NULL DEFAULT '{}',
  spec_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

CREATE TABLE ipbxs (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id                bigint NOT NULL REFERENCES tenants(id),
  name                     text NOT NULL,
  domain_id                bigint REFERENCES domains(id),
  normalization_profile_id bigint REFERENCES normalization_profiles(id),
  routing_group_id         bigint REFERENCES routing_groups(id),
  labels                   jsonb NOT NULL DEFAULT '{}',
  spec                     jsonb NOT NULL DEFAULT '{}',
  spec_hash                text NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

-- A DID's number lists live in child tables (one DID may hold thousands of numbers); its
-- spec column holds the rest of the spec.
CREATE TABLE dids (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id         bigint NOT NULL REFERENCES tenants(id),
  name              text NOT NULL,
  ipbx_id           bigint NOT NULL REFERENCES ipbxs(id),
  carrier_trunk_id  bigint REFERENCES carrier_trunks(id),
  regex             text,
  labels            jsonb NOT NULL DEFAULT '{}',
  spec              jsonb NOT NULL DEFAULT '{}',
  spec_hash         text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

-- Numbers are E.164 text ("+33140000000"), the form operators type into psql.
CREATE TABLE did_numbers (
  number  text NOT NULL,
  did_id  bigint NOT NULL REFERENCES dids(id) ON DELETE CASCADE,
  CONSTRAINT did_numbers_pkey PRIMARY KEY (number) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX did_numbers_did_id ON did_numbers (did_id);

CREATE TABLE did_ranges (
  did_id        bigint NOT NULL REFERENCES dids(id) ON DELETE CASCADE,
  first_number  text NOT NULL,
  last_number   text NOT NULL,
  PRIMARY KEY (did_id, first_number)
);

CREATE TABLE did_prefixes (
  did_id  bigint NOT NULL REFERENCES dids(id) ON DELETE CASCADE,
  prefix  text NOT NULL,
  CONSTRAINT did_prefixes_prefix_key UNIQUE (prefix) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX did_prefixes_did_id ON did_prefixes (did_id);

CREATE TABLE routing_rules (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id         bigint NOT NULL REFERENCES tenants(id),
  name              text NOT NULL,
  routing_group_id  bigint NOT NULL REFERENCES routing_groups(id),
  priority          integer NOT NULL,
  labels            jsonb NOT NULL DEFAULT '{}',
  spec              jsonb NOT NULL DEFAULT '{}',
  spec_hash         text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

-- Derived from routing_rules.spec->'targets', kept for referential integrity and SQL reports.
CREATE TABLE routing_rule_targets (
  routing_rule_id   bigint NOT NULL REFERENCES routing_rules(id) ON DELETE CASCADE,
  position          integer NOT NULL,
  carrier_trunk_id  bigint NOT NULL REFERENCES carrier_trunks(id),
  priority          integer NOT NULL,
  weight            integer NOT NULL,
  PRIMARY KEY (routing_rule_id, position)
);
CREATE INDEX routing_rule_targets_trunk ON routing_rule_targets (carrier_trunk_id);

CREATE TABLE api_tokens (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  sha256      text NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  spec        jsonb NOT NULL DEFAULT '{}',
  spec_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT api_tokens_sha256_key UNIQUE (sha256) DEFERRABLE INITIALLY DEFERRED
);

-- Derived from api_tokens.spec->'tenants'.
CREATE TABLE api_token_tenants (
  api_token_id  bigint NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  PRIMARY KEY (api_token_id, tenant_id)
);
