-- Moderation: the service's decision about a link, kept apart from the owner's own `disabled` so an
-- owner cannot undo it. '' (none), 'quarantined' (the redirect shows a warning page instead) or
-- 'disabled' (the redirect answers 410).
ALTER TABLE links ADD COLUMN moderation TEXT NOT NULL DEFAULT '';

-- Abuse reports from anyone. The reporter's address is not kept: the rate limit needs it only in
-- memory (or in Redis, with a TTL).
CREATE TABLE abuse_reports (
  id          INTEGER PRIMARY KEY,
  link_id     INTEGER NOT NULL,
  code        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  reporter_id INTEGER,              -- the signed-in user who reported, if any
  created_at  INTEGER NOT NULL,
  resolved_at INTEGER,
  resolution  TEXT                  -- 'quarantined' | 'disabled' | 'dismissed'
);
CREATE INDEX abuse_reports_open ON abuse_reports(id DESC) WHERE resolved_at IS NULL;
