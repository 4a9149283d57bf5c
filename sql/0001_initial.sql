-- Rode Knop schema, version 1: reference lists, reports, their history and messages.
-- Times are INTEGER seconds since the Unix epoch, UTC.

CREATE TABLE departments (
  key      TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
  label    TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  position INTEGER NOT NULL,
  active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) WITHOUT ROWID;

CREATE TABLE categories (
  key      TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
  label    TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  position INTEGER NOT NULL,
  active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) WITHOUT ROWID;

INSERT INTO departments (key, label, position) VALUES
  ('bsd',  'Bestuursdienst', 1),
  ('dpz',  'Dienst Publiekszaken', 2),
  ('dso',  'Dienst Stedelijke Ontwikkeling', 3),
  ('dsb',  'Dienst Stadsbeheer', 4),
  ('szw',  'Dienst Sociale Zaken en Werkgelegenheid', 5),
  ('ocw',  'Dienst Onderwijs, Cultuur en Welzijn', 6);

INSERT INTO categories (key, label, position) VALUES
  ('landelijke_regelgeving', 'Landelijke wet- of regelgeving', 1),
  ('gemeentelijk_beleid',    'Gemeentelijke regel of beleid', 2),
  ('interne_werkwijze',      'Interne werkwijze of procedure', 3),
  ('ict_systeem',            'ICT-systeem', 4),
  ('formulier_brief',        'Formulier of brief', 5),
  ('samenwerking',           'Samenwerking tussen afdelingen', 6),
  ('anders',                 'Anders', 7);

-- Reference numbers RK-YYYY-NNNNN count per calendar year (Europe/Amsterdam) and never repeat.
CREATE TABLE reference_counters (
  year        INTEGER PRIMARY KEY,
  last_number INTEGER NOT NULL CHECK (last_number > 0)
);

CREATE TABLE reports (
  id               INTEGER PRIMARY KEY,
  reference        TEXT NOT NULL UNIQUE,
  tracking_hash    BLOB NOT NULL UNIQUE,      -- BLAKE2b of the reporter's tracking token; the token itself is never stored
  title            TEXT NOT NULL,
  procedure        TEXT NOT NULL,
  description      TEXT NOT NULL,
  impact           TEXT NOT NULL DEFAULT '',
  suggestion       TEXT NOT NULL DEFAULT '',
  department       TEXT NOT NULL REFERENCES departments (key),
  category         TEXT NOT NULL REFERENCES categories (key),
  reporter_name    TEXT,
  reporter_email   TEXT,
  status           TEXT NOT NULL DEFAULT 'new'
                   CHECK (status IN ('new', 'needs_info', 'accepted', 'in_progress', 'resolved',
                                     'wont_fix', 'rejected', 'duplicate')),
  priority         TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  assignee         TEXT,
  owner_department TEXT REFERENCES departments (key),
  duplicate_of     INTEGER REFERENCES reports (id),
  outcome          TEXT CHECK (outcome IS NULL OR outcome IN ('rule_abolished', 'rule_changed',
                   'procedure_changed', 'room_within_rules', 'tailored_solution', 'explained')),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  version          INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
);

CREATE INDEX reports_by_status ON reports (status, created_at, id);
CREATE INDEX reports_by_created ON reports (created_at, id);

-- Comments by the team (internal or visible to the reporter) and replies by the reporter.
CREATE TABLE comments (
  id         INTEGER PRIMARY KEY,
  report_id  INTEGER NOT NULL REFERENCES reports (id),
  at         INTEGER NOT NULL,
  author     TEXT NOT NULL,                    -- a username, or 'reporter'
  visibility TEXT NOT NULL CHECK (visibility IN ('internal', 'reporter')),
  body       TEXT NOT NULL CHECK (length(body) > 0)
);

CREATE INDEX comments_by_report ON comments (report_id, id);

-- The append-only history of every report.
CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  report_id  INTEGER NOT NULL REFERENCES reports (id),
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,                    -- a username, or 'reporter'
  type       TEXT NOT NULL CHECK (type IN ('created', 'status', 'priority', 'assignee',
                                           'owner_department', 'duplicate_of', 'comment', 'reply')),
  from_value TEXT,
  to_value   TEXT,
  note       TEXT,
  outcome    TEXT,
  comment_id INTEGER REFERENCES comments (id)
);

CREATE INDEX events_by_report ON events (report_id, id);
CREATE INDEX events_by_time ON events (at, id);

CREATE TRIGGER events_are_append_only BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
