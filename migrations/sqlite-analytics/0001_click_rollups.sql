-- Click analytics, in their own database (analytics.db at stage 1).

-- One row per link and UTC hour. slot = link_id << 20 | (hour - 438288): a link's hours are adjacent
-- in the rowid B-tree, and no second index is written per aggregation round.
CREATE TABLE click_hours (
  slot       INTEGER PRIMARY KEY,
  link_id    INTEGER NOT NULL,
  hour       INTEGER NOT NULL,            -- Unix seconds / 3600
  owner_id   INTEGER NOT NULL,
  clicks     INTEGER NOT NULL,            -- human GET redirects
  bots       INTEGER NOT NULL,
  breakdown  TEXT NOT NULL,               -- "<dimension>\t<key>\t<clicks>\n" per entry
  visitors   BLOB NOT NULL                -- VisitorSketch encoding
);
-- Written only when a link's hour first appears (owner and hour never change afterwards).
CREATE INDEX click_hours_by_owner ON click_hours(owner_id, hour);

CREATE TABLE link_totals (
  link_id  INTEGER PRIMARY KEY,
  clicks   INTEGER NOT NULL,
  bots     INTEGER NOT NULL
);

-- Ids of applied click batches: a redelivered batch finds its id here and changes nothing.
CREATE TABLE click_batches (
  batch_id    TEXT PRIMARY KEY,
  applied_at  INTEGER NOT NULL,
  events      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX click_batches_by_age ON click_batches(applied_at);
