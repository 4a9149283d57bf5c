-- Search inside words. Dutch joins words: `vergunning` must also find `kapvergunning`, and
-- `toeslag` `inkomenstoeslag`. The word index (reports_fts, 0003) finds whole words and their
-- beginnings only; this second index, of FTS5's trigram tokenizer, finds any run of three or more
-- characters. SQLite 3.40's trigram tokenizer does not fold diacritics, so it indexes the text as
-- the word index sees it: rk_fold() (store/search_text) gives the unicode61 tokens, lower case and
-- without diacritics, joined by spaces. The table is contentless: it keeps only the index, not
-- another copy of the text.
--
-- Like the word index it is filled by the search indexer in batches, behind the reports
-- (`substrings_through`: the highest report id it holds), so creating a report does not wait for
-- it; searches add what is missing first. A database from before this migration is indexed the
-- same way, in the background, after the upgrade.
ALTER TABLE search_index_state ADD COLUMN substrings_through INTEGER NOT NULL DEFAULT 0;

CREATE VIRTUAL TABLE reports_substrings USING fts5 (
  body,
  content = '',
  tokenize = 'trigram'
);

-- Should a report's text ever change or a report be deleted, this index follows in the same
-- transaction, as the word index does (a contentless index is told the old text to remove).
-- rk_fold exists in every connection Rode Knop opens; such a change from the sqlite3 shell fails.
CREATE TRIGGER reports_substrings_after_update AFTER UPDATE OF title, procedure, description, suggestion ON reports
WHEN old.id <= (SELECT substrings_through FROM search_index_state WHERE id = 1)
BEGIN
  INSERT INTO reports_substrings (reports_substrings, rowid, body)
  VALUES ('delete', old.id, rk_fold(old.title, old.procedure, old.description, old.suggestion));
  INSERT INTO reports_substrings (rowid, body)
  VALUES (new.id, rk_fold(new.title, new.procedure, new.description, new.suggestion));
END;

CREATE TRIGGER reports_substrings_after_delete AFTER DELETE ON reports
WHEN old.id <= (SELECT substrings_through FROM search_index_state WHERE id = 1)
BEGIN
  INSERT INTO reports_substrings (reports_substrings, rowid, body)
  VALUES ('delete', old.id, rk_fold(old.title, old.procedure, old.description, old.suggestion));
END;
