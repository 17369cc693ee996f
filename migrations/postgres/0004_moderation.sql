-- PostgreSQL twin of migrations/sqlite/0004_moderation.sql (see there for why).
ALTER TABLE links ADD COLUMN moderation TEXT NOT NULL DEFAULT '';

CREATE TABLE abuse_reports (
  id          BIGSERIAL PRIMARY KEY,
  link_id     BIGINT NOT NULL,
  code        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  reporter_id BIGINT,
  created_at  BIGINT NOT NULL,
  resolved_at BIGINT,
  resolution  TEXT
);
CREATE INDEX abuse_reports_open ON abuse_reports(id DESC) WHERE resolved_at IS NULL;
