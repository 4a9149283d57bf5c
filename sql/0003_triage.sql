-- Rode Knop schema, version 3: what the weekly triage needs.
-- Kept cheap for the create path: a new report adds one FTS row (trigger) and no index entry
-- beyond those of version 1; the partial indexes below only hold rows a create never makes.

-- When the last event of a report happened: "stale" means accepted or in progress with no
-- event for four weeks. Written by the store in the same statement that bumps the version.
ALTER TABLE reports ADD COLUMN last_event_at INTEGER;
UPDATE reports SET last_event_at = coalesce((SELECT max(at) FROM events WHERE events.report_id = reports.id),
                                            created_at);

-- Stale candidates (status new never lands here, so creates pay nothing).
CREATE INDEX reports_open_by_last_event ON reports (last_event_at, id)
  WHERE status IN ('accepted', 'in_progress');

-- The decisions of a week: the team's status events by time ('created' events never land here).
CREATE INDEX events_decisions_by_time ON events (at, id)
  WHERE type = 'status' AND actor <> 'reporter';

-- Duplicate links are followed both ways (cycle checks, "duplicates of this report").
CREATE INDEX reports_by_duplicate_of ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Full-text search over what the reporter wrote. External content: the text lives once, in
-- reports; the index is kept in step by the triggers below, in the same transaction as the
-- change. unicode61 with remove_diacritics 2 folds case and diacritics: "regel" finds "Regel",
-- "reeel" finds "reëel".
CREATE VIRTUAL TABLE reports_fts USING fts5 (
  title, procedure, description, suggestion,
  content = 'reports', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO reports_fts (reports_fts) VALUES ('rebuild');

CREATE TRIGGER reports_fts_after_insert AFTER INSERT ON reports
BEGIN
  INSERT INTO reports_fts (rowid, title, procedure, description, suggestion)
  VALUES (new.id, new.title, new.procedure, new.description, new.suggestion);
END;

CREATE TRIGGER reports_fts_after_update AFTER UPDATE OF title, procedure, description, suggestion ON reports
BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, procedure, description, suggestion)
  VALUES ('delete', old.id, old.title, old.procedure, old.description, old.suggestion);
  INSERT INTO reports_fts (rowid, title, procedure, description, suggestion)
  VALUES (new.id, new.title, new.procedure, new.description, new.suggestion);
END;

CREATE TRIGGER reports_fts_after_delete AFTER DELETE ON reports
BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, procedure, description, suggestion)
  VALUES ('delete', old.id, old.title, old.procedure, old.description, old.suggestion);
END;
