-- Click analytics, in their own database. The PostgreSQL twin of sqlite-analytics/0001.

CREATE TABLE click_hours (
  link_id    BIGINT NOT NULL,
  hour       BIGINT NOT NULL,             -- Unix seconds / 3600
  owner_id   BIGINT NOT NULL,
  clicks     BIGINT NOT NULL,             -- human GET redirects
  bots       BIGINT NOT NULL,
  breakdown  TEXT NOT NULL,               -- "<dimension>\t<key>\t<clicks>\n" per entry
  visitors   BYTEA NOT NULL,              -- VisitorSketch encoding
  PRIMARY KEY (link_id, hour)
);
CREATE INDEX click_hours_by_owner ON click_hours(owner_id, hour);

CREATE TABLE link_totals (
  link_id  BIGINT PRIMARY KEY,
  clicks   BIGINT NOT NULL,
  bots     BIGINT NOT NULL
);

CREATE TABLE click_batches (
  batch_id    TEXT PRIMARY KEY,
  applied_at  BIGINT NOT NULL,
  events      BIGINT NOT NULL
);
CREATE INDEX click_batches_by_age ON click_batches(applied_at);
