-- @scopeladder/postgres, migration 0001: token state, users, memberships, organizations.
-- Applied by migrate() inside one transaction, with search_path set to the target schema, so
-- every name below lands in that schema. Times are epoch milliseconds (bigint), as in the
-- TokenStore interface: decisions use the caller's clock, never the database's.

-- Refresh tokens, by SHA-256 digest (never the token). `spent_at` is NULL while the token is
-- current; rotation sets it in one compare-and-set UPDATE.
CREATE TABLE refresh_tokens (
  digest text PRIMARY KEY,
  user_id text NOT NULL,
  family_id text NOT NULL,
  expires_at bigint NOT NULL,
  organization text,
  spent_at bigint
);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

-- Revoked families (logout, refresh reuse, sessions ended): revoked until `revoked_until`.
CREATE TABLE revoked_families (
  family_id text PRIMARY KEY,
  revoked_until bigint NOT NULL
);
CREATE INDEX revoked_families_revoked_until ON revoked_families (revoked_until);

-- Each user's live families (the session index of revokeFamiliesOfUser), each until the latest
-- time it may hold live credentials.
CREATE TABLE user_families (
  user_id text NOT NULL,
  family_id text NOT NULL,
  live_until bigint NOT NULL,
  PRIMARY KEY (user_id, family_id)
);
CREATE INDEX user_families_live_until ON user_families (live_until);

-- Revoked access tokens, by jti.
CREATE TABLE revoked_access_tokens (
  jti text PRIMARY KEY,
  revoked_until bigint NOT NULL
);
CREATE INDEX revoked_access_tokens_revoked_until ON revoked_access_tokens (revoked_until);

-- Bot API keys, by SHA-256 digest (never the key). They live until deleted.
CREATE TABLE api_keys (
  digest text PRIMARY KEY,
  id text NOT NULL UNIQUE,
  user_id text NOT NULL,
  scopes text[] NOT NULL,
  organization text,
  created_at bigint NOT NULL
);
CREATE INDEX api_keys_user_id ON api_keys (user_id);

-- Fixed-window login throttling counters.
CREATE TABLE throttle_counters (
  key text PRIMARY KEY,
  count integer NOT NULL CHECK (count >= 0),
  reset_at bigint NOT NULL
);
CREATE INDEX throttle_counters_reset_at ON throttle_counters (reset_at);

-- The organization tree (at most three levels), with its materialized path ("r1#c1#s1").
CREATE TABLE organizations (
  id text PRIMARY KEY,
  name text NOT NULL,
  parent text REFERENCES organizations (id) ON DELETE RESTRICT,
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  path text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((parent IS NULL) = (level = 1))
);
-- text_pattern_ops: `path = $1 OR path LIKE 'r1#c1#%'` is answered from this index whatever the
-- database's collation.
CREATE INDEX organizations_path_prefix ON organizations (path text_pattern_ops);

CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL,
  role text NOT NULL,
  kind text NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'bot')),
  organization text,
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Emails are unique without regard to case; the directory looks them up lowercased.
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

-- Memberships: a role held in an organization (and below it). `position` keeps their order: the
-- first is where a login without `organization` acts.
CREATE TABLE memberships (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organization text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  role text NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (user_id, organization)
);
CREATE INDEX memberships_organization ON memberships (organization);

-- Each membership with its organization's path: what a list filter on User records joins
-- (toSqlFilter's `memberships` option).
CREATE VIEW membership_paths AS
  SELECT m.user_id, m.organization, m.role, o.path
  FROM memberships m JOIN organizations o ON o.id = m.organization;
