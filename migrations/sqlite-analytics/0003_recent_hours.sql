-- Hours are folded first into click_hours_recent, keyed hour-major: slot = (hour - 438288) << 42 |
-- link_id. A compaction's rows then land together at the end of the table, however many links
-- the clicks spread over and however much history each link has. In click_hours (link-major) the
-- current hour of every link sits between that link's earlier hours, so once history outgrew the
-- page cache every compaction rewrote about a page per link: 6 us per delta into an empty table,
-- 58 us with four days of history (micro_bench BM_CompactWithHistory).
--
-- An archive step moves each hour older than a day from here into click_hours, one hour at a
-- time: that scattered write now happens once per hour instead of once per compaction. The two
-- tables are additive: a link-hour may have a row in both, and readers sum them.
CREATE TABLE click_hours_recent (
  slot       INTEGER PRIMARY KEY,
  link_id    INTEGER NOT NULL,
  hour       INTEGER NOT NULL,
  owner_id   INTEGER NOT NULL,
  clicks     INTEGER NOT NULL,
  bots       INTEGER NOT NULL,
  breakdown  TEXT NOT NULL,
  visitors   BLOB NOT NULL
);
CREATE INDEX click_hours_recent_by_owner ON click_hours_recent(owner_id, hour);
