-- The Hoody user API's tables. Ids are the API's 24-hex ids; times are timestamptz; `seq` orders rows created in
-- the same millisecond.

CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  alias         text NOT NULL,
  email         text NOT NULL,
  public_key    text,
  is_admin      boolean NOT NULL DEFAULT false,
  is_banned     boolean NOT NULL DEFAULT false,
  metadata      jsonb NOT NULL DEFAULT '{}',
  password_hash text NOT NULL,
  totp_secret   text,
  -- The last TOTP step accepted, so that a code is accepted once.
  otp_last_step bigint,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT users_admin_not_banned CHECK (NOT (is_admin AND is_banned))
);

CREATE TABLE auth_tokens (
  id             text PRIMARY KEY,
  user_id        text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  alias          text NOT NULL,
  token_digest   text NOT NULL,
  public_key     text,
  public_storage jsonb,
  ip_whitelist   text[] NOT NULL,
  realm_ids      text[] NOT NULL DEFAULT '{}',
  allow_no_realm boolean NOT NULL,
  permissions    jsonb NOT NULL,
  expires_at     timestamptz,
  is_enabled     boolean NOT NULL,
  vault_access   boolean NOT NULL,
  event_access   boolean NOT NULL,
  last_used_at   timestamptz,
  last_used_ip   text,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  seq            bigserial NOT NULL,
  CONSTRAINT auth_tokens_digest_unique UNIQUE (token_digest),
  CONSTRAINT auth_tokens_alias_unique UNIQUE (user_id, alias),
  CONSTRAINT auth_tokens_public_key_unique UNIQUE (public_key)
);
CREATE INDEX auth_tokens_by_user ON auth_tokens (user_id, seq DESC);

CREATE TABLE activity (
  id          text PRIMARY KEY,
  user_id     text NOT NULL,
  realm_id    text NOT NULL,
  method      text NOT NULL,
  path        text NOT NULL,
  status_code integer NOT NULL,
  ip_address  text NOT NULL,
  user_agent  text NOT NULL,
  created_at  timestamptz NOT NULL,
  seq         bigserial NOT NULL
);
-- Every activity query is one user's, newest first, filtered by time above all.
CREATE INDEX activity_by_user_time ON activity (user_id, created_at DESC, seq DESC);
-- Retention deletes by age across users.
CREATE INDEX activity_by_time ON activity (created_at);

CREATE TABLE vault_entries (
  user_id    text NOT NULL,
  realm_id   text NOT NULL,
  key        text NOT NULL,
  value      text NOT NULL,
  metadata   jsonb,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, realm_id, key)
);

-- One row per user: the bytes their vault holds across realms. Writes lock it, so the quota check and the write are
-- one step even across server processes.
CREATE TABLE vault_usage (
  user_id     text PRIMARY KEY,
  total_bytes bigint NOT NULL DEFAULT 0 CHECK (total_bytes >= 0)
);

CREATE TABLE servers (
  id text PRIMARY KEY, user_id text NOT NULL, name text NOT NULL, region text NOT NULL, tier text NOT NULL,
  status text NOT NULL, realm_id text NOT NULL, created_at timestamptz NOT NULL
);
CREATE TABLE projects (
  id text PRIMARY KEY, user_id text NOT NULL, name text NOT NULL, is_default boolean NOT NULL, realm_id text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE containers (
  id text PRIMARY KEY, user_id text NOT NULL, name text NOT NULL, project_id text NOT NULL, server_id text NOT NULL,
  realm_id text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL
);
CREATE INDEX servers_by_user ON servers (user_id);
CREATE INDEX projects_by_user ON projects (user_id);
CREATE INDEX containers_by_user ON containers (user_id);

-- The free-tier resources of retry-setup; the primary key makes provisioning happen once per user.
CREATE TABLE provisioning (
  user_id      text PRIMARY KEY,
  server_id    text NOT NULL,
  project_id   text NOT NULL,
  container_id text NOT NULL
);
