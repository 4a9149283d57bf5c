-- Rode Knop schema, version 7: a report form sent twice makes one report.
--
-- Without JavaScript nothing stops a double click on "Verstuur melding", and a browser may send a
-- form again after a slow answer: each would make a report, and the reporter would keep only the
-- last tracking link. The form page carries a random key (128 bits); the first report made with
-- it is kept here, with what it said (a hash) and its tracking token sealed under a key derived
-- from the form key, so that the same form sent again answers with the same report while this
-- table alone gives no token away. The same key with other text (a form page a proxy cached for
-- two people) makes a report of its own. Rows older than a day are removed as new ones come.
CREATE TABLE form_submissions (
  key_hash     BLOB PRIMARY KEY,          -- BLAKE2b-256 of the form key
  content_hash BLOB NOT NULL,             -- BLAKE2b-256 of what the report said
  report_id    INTEGER NOT NULL REFERENCES reports (id),
  sealed_token BLOB NOT NULL,             -- the tracking token, sealed (util::seal) under the form key
  created_at   INTEGER NOT NULL           -- Unix seconds
) WITHOUT ROWID;

CREATE INDEX form_submissions_by_time ON form_submissions (created_at);
