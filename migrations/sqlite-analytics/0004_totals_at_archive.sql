-- link_totals now counts the archived hours only (click_hours); readers add the link's rows of
-- click_hours_recent and its deltas. Each fold used to add to link_totals too, rewriting a row per
-- clicked link: under clicks spread over 1M links that was ~1.1 s of a ~6 s fold, every fold
-- (bench/RESULTS.md, "Where a fold's CPU goes"). An hour is now added to link_totals once, when the
-- archive step moves it out of click_hours_recent.
--
-- Existing totals also counted what click_hours_recent holds: take that back out.
CREATE TEMP TABLE recent_sums (link_id INTEGER PRIMARY KEY, clicks INTEGER NOT NULL, bots INTEGER NOT NULL);
INSERT INTO recent_sums SELECT link_id, SUM(clicks), SUM(bots) FROM click_hours_recent GROUP BY link_id;
UPDATE link_totals SET clicks = link_totals.clicks - s.clicks, bots = link_totals.bots - s.bots
  FROM recent_sums AS s WHERE s.link_id = link_totals.link_id;
DELETE FROM link_totals WHERE clicks = 0 AND bots = 0;
DROP TABLE recent_sums;
