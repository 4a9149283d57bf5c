-- Search the effect on citizens and businesses too. The two search indexes (0003, 0008) left out
-- `impact`, what the reporter wrote under "Wat is het gevolg?", so a search for a word written
-- only there found nothing (a tester found it: 144 of 602 reports for `ondernemers`).
--
-- Both indexes are made again with it. They are empty at first; the search indexer fills them in
-- the background after the upgrade, as it does for new reports, and a search adds what is
-- missing first, so no search misses a report meanwhile (it may wait for the indexing).

DROP TRIGGER reports_fts_after_update;
DROP TRIGGER reports_fts_after_delete;
DROP TRIGGER reports_substrings_after_update;
DROP TRIGGER reports_substrings_after_delete;
DROP TABLE reports_fts;
DROP TABLE reports_substrings;

CREATE VIRTUAL TABLE reports_fts USING fts5 (
  title, procedure, description, impact, suggestion,
  content = 'reports', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE reports_substrings USING fts5 (
  body,
  content = '',
  tokenize = 'trigram'
);

UPDATE search_index_state SET indexed_through = 0, substrings_through = 0 WHERE id = 1;

CREATE TRIGGER reports_fts_after_update AFTER UPDATE OF title, procedure, description, impact, suggestion ON reports
WHEN old.id <= (SELECT indexed_through FROM search_index_state WHERE id = 1)
BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, procedure, description, impact, suggestion)
  VALUES ('delete', old.id, old.title, old.procedure, old.description, old.impact, old.suggestion);
  INSERT INTO reports_fts (rowid, title, procedure, description, impact, suggestion)
  VALUES (new.id, new.title, new.procedure, new.description, new.impact, new.suggestion);
END;

CREATE TRIGGER reports_fts_after_delete AFTER DELETE ON reports
WHEN old.id <= (SELECT indexed_through FROM search_index_state WHERE id = 1)
BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, procedure, description, impact, suggestion)
  VALUES ('delete', old.id, old.title, old.procedure, old.description, old.impact, old.suggestion);
END;

CREATE TRIGGER reports_substrings_after_update AFTER UPDATE OF title, procedure, description, impact, suggestion ON reports
WHEN old.id <= (SELECT substrings_through FROM search_index_state WHERE id = 1)
BEGIN
  INSERT INTO reports_substrings (reports_substrings, rowid, body)
  VALUES ('delete', old.id, rk_fold(old.title, old.procedure, old.description, old.impact, old.suggestion));
  INSERT INTO reports_substrings (rowid, body)
  VALUES (new.id, rk_fold(new.title, new.procedure, new.description, new.impact, new.suggestion));
END;

CREATE TRIGGER reports_substrings_after_delete AFTER DELETE ON reports
WHEN old.id <= (SELECT substrings_through FROM search_index_state WHERE id = 1)
BEGIN
  INSERT INTO reports_substrings (reports_substrings, rowid, body)
  VALUES ('delete', old.id, rk_fold(old.title, old.procedure, old.description, old.impact, old.suggestion));
END;
