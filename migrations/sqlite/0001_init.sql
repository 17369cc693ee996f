-- Accounts: users, API keys (hashed), sessions (hashed ids).
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL DEFAULT 'user',
  suspended     INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  name        TEXT NOT NULL,
  prefix      TEXT NOT NULL,
  key_hash    BLOB NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE sessions (
  id_hash       BLOB PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  idle_expires_at     INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Links. A deleted link keeps its row (deleted_at) so its code is never handed out again.
CREATE TABLE links (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  owner_id    INTEGER NOT NULL,
  bucket      INTEGER NOT NULL,
  url         TEXT NOT NULL,
  redirect    INTEGER NOT NULL DEFAULT 302,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  disabled    INTEGER NOT NULL DEFAULT 0,
  deleted_at  INTEGER
);
CREATE INDEX links_owner ON links(owner_id, id DESC) WHERE deleted_at IS NULL;

-- Click totals live in their own narrow table: a batch of clicks spread over many links then
-- dirties ~6x fewer pages than updating the wide links rows would.
CREATE TABLE link_clicks (
  link_id     INTEGER PRIMARY KEY,
  clicks      INTEGER NOT NULL DEFAULT 0,
  bots        INTEGER NOT NULL DEFAULT 0
);

-- Click batches already applied: the batch id is recorded in the transaction that applies the batch,
-- so a redelivered batch is recognised and skipped (exactly-once effect over at-least-once delivery).
CREATE TABLE click_batches (
  batch_id    TEXT PRIMARY KEY,
  applied_at  INTEGER NOT NULL,
  events      INTEGER NOT NULL
) WITHOUT ROWID;
