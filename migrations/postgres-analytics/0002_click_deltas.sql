-- The twin of sqlite-analytics/0002: rounds append rollups here and a compaction folds them into
-- click_hours and link_totals. The PostgreSQL backend (issue 5) may instead upsert click_hours
-- directly; the table exists so both schemas stay at one version.
CREATE TABLE click_deltas (
  seq        BIGSERIAL PRIMARY KEY,
  link_id    BIGINT NOT NULL,
  hour       BIGINT NOT NULL,
  owner_id   BIGINT NOT NULL,
  clicks     BIGINT NOT NULL,
  bots       BIGINT NOT NULL,
  breakdown  TEXT NOT NULL,
  visitors   BYTEA NOT NULL
);
CREATE INDEX click_deltas_by_owner ON click_deltas(owner_id, hour);
CREATE INDEX click_deltas_by_link ON click_deltas(link_id);
