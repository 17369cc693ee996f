-- PostgreSQL twin of migrations/sqlite/0001_init.sql; the distributed backends (issue 5) apply it.
CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  email         TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL DEFAULT 'user',
  suspended     BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE api_keys (
  id          BIGSERIAL PRIMARY KEY,
  user_id     BIGINT NOT NULL REFERENCES users(id),
  name        TEXT NOT NULL,
  prefix      TEXT NOT NULL,
  key_hash    BYTEA NOT NULL UNIQUE,
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE sessions (
  id_hash       BYTEA PRIMARY KEY,
  user_id       BIGINT NOT NULL REFERENCES users(id),
  created_at    BIGINT NOT NULL,
  last_seen_at  BIGINT NOT NULL,
  idle_expires_at     BIGINT NOT NULL,
  absolute_expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE links (
  id          BIGSERIAL PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  owner_id    BIGINT NOT NULL,
  bucket      INTEGER NOT NULL,
  url         TEXT NOT NULL,
  redirect    SMALLINT NOT NULL DEFAULT 302,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  expires_at  BIGINT,
  disabled    BOOLEAN NOT NULL DEFAULT FALSE,
  deleted_at  BIGINT
);
CREATE INDEX links_owner ON links(owner_id, id DESC) WHERE deleted_at IS NULL;

-- Click totals in their own narrow table (see the SQLite migration for why).
CREATE TABLE link_clicks (
  link_id     BIGINT PRIMARY KEY,
  clicks      BIGINT NOT NULL DEFAULT 0,
  bots        BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE click_batches (
  batch_id    TEXT PRIMARY KEY,
  applied_at  BIGINT NOT NULL,
  events      INTEGER NOT NULL
);
