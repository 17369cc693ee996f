-- Each aggregation round appends its rollups here instead of rewriting click_hours rows; a periodic
-- compaction folds them into click_hours and link_totals in one pass. Clicks spread over many links
-- then cost an append per link-hour per round (pages written once, in order) and one row rewrite per
-- link-hour per compaction, instead of one random row rewrite per link-hour per round.
CREATE TABLE click_deltas (
  seq        INTEGER PRIMARY KEY,         -- append order
  slot       INTEGER NOT NULL,            -- as click_hours.slot
  link_id    INTEGER NOT NULL,
  hour       INTEGER NOT NULL,
  owner_id   INTEGER NOT NULL,
  clicks     INTEGER NOT NULL,
  bots       INTEGER NOT NULL,
  breakdown  TEXT NOT NULL,
  visitors   BLOB NOT NULL
);
-- For the leaderboard. Rounds append to the end of each owner's run of entries, so this index is
-- written in few places per round; lookups by link use an index kept in memory (DeltaIndex).
CREATE INDEX click_deltas_by_owner ON click_deltas(owner_id, hour);
