-- Rode Knop schema, version 4: monthly statistics (PRODUCT.md, "Monthly statistics").
--
-- The figures are kept by triggers in the same transaction as every change that moves them, so
-- every path that writes reports or status events (the API, reporters' replies, the seed, a
-- future import) keeps them right by construction, and reading twelve months is a few hundred
-- rows instead of a GROUP BY over every report and event.
--
-- Months are calendar months in Europe/Amsterdam. SQLite knows only UTC, so the month of a UTC
-- instant x is computed with the EU rule that domain/calendar.cpp codes (CET = UTC+1, CEST =
-- UTC+2 from the last Sunday of March to the last Sunday of October): at every local month
-- boundary from April through October summer time is in force, at the others winter time, so
--   strftime('%Y-%m', x + CASE WHEN strftime('%m', x + 7200, 'unixepoch') BETWEEN '04' AND '10'
--                         THEN 7200 ELSE 3600 END, 'unixepoch')
-- is the local month of x (the unit test stats_month_test checks it against domain/calendar for
-- every hour of 1996-2100 and every second around each boundary). It is plain SQL, so the
-- triggers also work on a connection that did not register anything (sqlite3 CLI, backups).
--
-- Definitions (per month M):
--   received        reports whose created_at lies in M;
--   decided         status events in M that are a report's first move out of `new` by the team;
--   resolved, wont_fix, rejected, duplicates
--                   status events in M into that status (a report closed again counts again),
--                   resolved also by outcome;
--   open_delta      +1 for each report received in M, -1 for each move from an open into a closed
--                   state in M, +1 for each move from a closed state back to an open one: the sum
--                   over all months up to and including M is the number open at the end of M;
--   durations       submission -> first decision (kind 1) and submission -> each move into a
--                   closed state (kind 2), in seconds, in the month of the decision or closing.
-- A status event counts when it has both a from and a to value and they differ.
-- Counts are kept per (month, reporter department, category, owning department); the owning
-- department is the report's current one ('' when it has none), so when it changes the report's
-- contributions move with it (trigger stats_on_report_change).

CREATE TABLE stats_monthly (
  month             TEXT NOT NULL,             -- 'YYYY-MM', Europe/Amsterdam
  department        TEXT NOT NULL,             -- the reporter's department
  category          TEXT NOT NULL,
  owner_department  TEXT NOT NULL,             -- '' when the report has no owning department
  received          INTEGER NOT NULL DEFAULT 0,
  decided           INTEGER NOT NULL DEFAULT 0,
  resolved          INTEGER NOT NULL DEFAULT 0,
  wont_fix          INTEGER NOT NULL DEFAULT 0,
  rejected          INTEGER NOT NULL DEFAULT 0,
  duplicates        INTEGER NOT NULL DEFAULT 0,
  open_delta        INTEGER NOT NULL DEFAULT 0,
  rule_abolished    INTEGER NOT NULL DEFAULT 0,
  rule_changed      INTEGER NOT NULL DEFAULT 0,
  procedure_changed INTEGER NOT NULL DEFAULT 0,
  room_within_rules INTEGER NOT NULL DEFAULT 0,
  tailored_solution INTEGER NOT NULL DEFAULT 0,
  explained         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, department, category, owner_department)
) WITHOUT ROWID;

-- Insert-only in normal operation (rows change only when a report's department, category or
-- submission time is corrected, which bumps stats_revision), so a cached median stays valid
-- while the number of rows it was computed from and the revision are unchanged.
CREATE TABLE stats_durations (
  kind       INTEGER NOT NULL CHECK (kind IN (1, 2)),  -- 1 to first decision, 2 to a closing
  month      TEXT NOT NULL,
  seconds    INTEGER NOT NULL,
  event_id   INTEGER NOT NULL,
  department TEXT NOT NULL,
  category   TEXT NOT NULL,
  PRIMARY KEY (kind, month, seconds, event_id)
) WITHOUT ROWID;

CREATE INDEX stats_durations_by_department ON stats_durations (kind, month, department, seconds);
CREATE INDEX stats_durations_by_category ON stats_durations (kind, month, category, seconds);

-- n: bumped when durations rows are replaced (see above). changes: bumped by every trigger
-- below in the same transaction as the change, so an unchanged value means unchanged figures
-- (the API keeps answers it has rendered under the value they were computed at).
CREATE TABLE stats_revision (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  n       INTEGER NOT NULL,
  changes INTEGER NOT NULL DEFAULT 0
);
INSERT INTO stats_revision (id, n) VALUES (1, 0);

-- What each status event contributes: the one place where the definitions above are written.
CREATE VIEW stats_transitions AS
SELECT
  e.id AS event_id,
  e.report_id AS report_id,
  e.at AS at,
  strftime('%Y-%m', e.at + CASE WHEN strftime('%m', e.at + 7200, 'unixepoch') BETWEEN '04' AND '10'
                           THEN 7200 ELSE 3600 END, 'unixepoch') AS month,
  r.department AS department,
  r.category AS category,
  coalesce(r.owner_department, '') AS owner_department,
  e.at - r.created_at AS seconds,
  (e.from_value = 'new' AND e.actor <> 'reporter' AND NOT EXISTS (
     SELECT 1 FROM events p
     WHERE p.report_id = e.report_id AND p.id < e.id AND p.type = 'status'
       AND p.from_value = 'new' AND p.actor <> 'reporter' AND p.to_value IS NOT NULL
       AND p.to_value <> 'new')) AS decided,
  e.to_value = 'resolved' AS resolved,
  e.to_value = 'wont_fix' AS wont_fix,
  e.to_value = 'rejected' AS rejected,
  e.to_value = 'duplicate' AS duplicates,
  (e.from_value IN ('resolved', 'wont_fix', 'rejected', 'duplicate'))
    - (e.to_value IN ('resolved', 'wont_fix', 'rejected', 'duplicate')) AS open_delta,
  e.to_value IN ('resolved', 'wont_fix', 'rejected', 'duplicate') AS closing,
  (e.to_value = 'resolved' AND e.outcome IS 'rule_abolished') AS rule_abolished,
  (e.to_value = 'resolved' AND e.outcome IS 'rule_changed') AS rule_changed,
  (e.to_value = 'resolved' AND e.outcome IS 'procedure_changed') AS procedure_changed,
  (e.to_value = 'resolved' AND e.outcome IS 'room_within_rules') AS room_within_rules,
  (e.to_value = 'resolved' AND e.outcome IS 'tailored_solution') AS tailored_solution,
  (e.to_value = 'resolved' AND e.outcome IS 'explained') AS explained
FROM events e JOIN reports r ON r.id = e.report_id
WHERE e.type = 'status' AND e.from_value IS NOT NULL AND e.to_value IS NOT NULL AND e.from_value <> e.to_value;

-- What each report contributes by being submitted.
CREATE VIEW stats_submissions AS
SELECT
  r.id AS report_id,
  strftime('%Y-%m', r.created_at + CASE WHEN strftime('%m', r.created_at + 7200, 'unixepoch') BETWEEN '04' AND '10'
                                   THEN 7200 ELSE 3600 END, 'unixepoch') AS month,
  r.department AS department,
  r.category AS category,
  coalesce(r.owner_department, '') AS owner_department
FROM reports r;

CREATE TRIGGER stats_on_report_insert AFTER INSERT ON reports
BEGIN
  INSERT INTO stats_monthly (month, department, category, owner_department, received, open_delta)
  SELECT month, department, category, owner_department, 1, 1 FROM stats_submissions WHERE report_id = NEW.id
  ON CONFLICT DO UPDATE SET received = received + 1, open_delta = open_delta + 1;
  UPDATE stats_revision SET changes = changes + 1 WHERE id = 1;
END;

CREATE TRIGGER stats_on_status_event AFTER INSERT ON events
WHEN NEW.type = 'status' AND NEW.from_value IS NOT NULL AND NEW.to_value IS NOT NULL AND NEW.from_value <> NEW.to_value
BEGIN
  INSERT INTO stats_monthly (month, department, category, owner_department, decided, resolved, wont_fix, rejected,
                             duplicates, open_delta, rule_abolished, rule_changed, procedure_changed,
                             room_within_rules, tailored_solution, explained)
  SELECT month, department, category, owner_department, decided, resolved, wont_fix, rejected, duplicates, open_delta,
         rule_abolished, rule_changed, procedure_changed, room_within_rules, tailored_solution, explained
  FROM stats_transitions WHERE event_id = NEW.id
  ON CONFLICT DO UPDATE SET
    decided = decided + excluded.decided, resolved = resolved + excluded.resolved,
    wont_fix = wont_fix + excluded.wont_fix, rejected = rejected + excluded.rejected,
    duplicates = duplicates + excluded.duplicates, open_delta = open_delta + excluded.open_delta,
    rule_abolished = rule_abolished + excluded.rule_abolished, rule_changed = rule_changed + excluded.rule_changed,
    procedure_changed = procedure_changed + excluded.procedure_changed,
    room_within_rules = room_within_rules + excluded.room_within_rules,
    tailored_solution = tailored_solution + excluded.tailored_solution, explained = explained + excluded.explained;
  INSERT INTO stats_durations (kind, month, seconds, event_id, department, category)
  SELECT k.kind, t.month, t.seconds, t.event_id, t.department, t.category
  FROM stats_transitions t JOIN (SELECT 1 AS kind UNION ALL SELECT 2) k
    ON (k.kind = 1 AND t.decided) OR (k.kind = 2 AND t.closing)
  WHERE t.event_id = NEW.id;
  UPDATE stats_revision SET changes = changes + 1 WHERE id = 1;
END;

-- A report's department, category, owning department or submission time changes: take out what
-- it contributed under the old values and put it back under the new ones.
CREATE TRIGGER stats_on_report_change
AFTER UPDATE OF department, category, owner_department, created_at ON reports
WHEN OLD.department IS NOT NEW.department OR OLD.category IS NOT NEW.category
  OR OLD.owner_department IS NOT NEW.owner_department OR OLD.created_at IS NOT NEW.created_at
BEGIN
  INSERT INTO stats_monthly (month, department, category, owner_department, received, decided, resolved, wont_fix, rejected, duplicates, open_delta, rule_abolished, rule_changed,
         procedure_changed, room_within_rules, tailored_solution, explained)
  SELECT month, department, category, owner_department,
         sign * sum(received), sign * sum(decided), sign * sum(resolved), sign * sum(wont_fix), sign * sum(rejected),
         sign * sum(duplicates), sign * sum(open_delta), sign * sum(rule_abolished), sign * sum(rule_changed),
         sign * sum(procedure_changed), sign * sum(room_within_rules), sign * sum(tailored_solution),
         sign * sum(explained)
  FROM (
    SELECT -1 AS sign, OLD.department AS department, OLD.category AS category,
           coalesce(OLD.owner_department, '') AS owner_department,
           strftime('%Y-%m', OLD.created_at + CASE WHEN strftime('%m', OLD.created_at + 7200, 'unixepoch') BETWEEN '04' AND '10'
                                        THEN 7200 ELSE 3600 END, 'unixepoch') AS month,
           1 AS received, 0 AS decided, 0 AS resolved, 0 AS wont_fix, 0 AS rejected, 0 AS duplicates, 1 AS open_delta,
           0 AS rule_abolished, 0 AS rule_changed, 0 AS procedure_changed, 0 AS room_within_rules,
           0 AS tailored_solution, 0 AS explained
    UNION ALL
    SELECT -1, OLD.department, OLD.category, coalesce(OLD.owner_department, ''), month, 0, decided, resolved, wont_fix, rejected, duplicates, open_delta, rule_abolished, rule_changed,
         procedure_changed, room_within_rules, tailored_solution, explained
    FROM stats_transitions WHERE report_id = OLD.id
    UNION ALL
    SELECT 1, NEW.department, NEW.category, coalesce(NEW.owner_department, ''),
           strftime('%Y-%m', NEW.created_at + CASE WHEN strftime('%m', NEW.created_at + 7200, 'unixepoch') BETWEEN '04' AND '10'
                                        THEN 7200 ELSE 3600 END, 'unixepoch'),
           1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
    UNION ALL
    SELECT 1, NEW.department, NEW.category, coalesce(NEW.owner_department, ''), month, 0, decided, resolved, wont_fix, rejected, duplicates, open_delta, rule_abolished, rule_changed,
         procedure_changed, room_within_rules, tailored_solution, explained
    FROM stats_transitions WHERE report_id = NEW.id)
  WHERE true
  GROUP BY sign, department, category, owner_department, month
  ON CONFLICT DO UPDATE SET
    received = received + excluded.received, decided = decided + excluded.decided,
    resolved = resolved + excluded.resolved, wont_fix = wont_fix + excluded.wont_fix,
    rejected = rejected + excluded.rejected, duplicates = duplicates + excluded.duplicates,
    open_delta = open_delta + excluded.open_delta,
    rule_abolished = rule_abolished + excluded.rule_abolished, rule_changed = rule_changed + excluded.rule_changed,
    procedure_changed = procedure_changed + excluded.procedure_changed,
    room_within_rules = room_within_rules + excluded.room_within_rules,
    tailored_solution = tailored_solution + excluded.tailored_solution, explained = explained + excluded.explained;
  UPDATE stats_revision SET changes = changes + 1 WHERE id = 1;
END;

-- The durations carry the reporter's department and category (for the page's filters) and are
-- measured from the submission: when one of those changes, their rows are replaced, and the
-- revision tells cached medians that a set may have changed without changing its size.
CREATE TRIGGER stats_on_report_reclassified
AFTER UPDATE OF department, category, created_at ON reports
WHEN OLD.department IS NOT NEW.department OR OLD.category IS NOT NEW.category OR OLD.created_at IS NOT NEW.created_at
BEGIN
  DELETE FROM stats_durations
  WHERE kind IN (1, 2)
    AND month IN (SELECT month FROM stats_transitions WHERE report_id = OLD.id)
    AND seconds IN (SELECT at - OLD.created_at FROM stats_transitions WHERE report_id = OLD.id)
    AND event_id IN (SELECT event_id FROM stats_transitions WHERE report_id = OLD.id);
  INSERT INTO stats_durations (kind, month, seconds, event_id, department, category)
  SELECT 1, month, seconds, event_id, department, category FROM stats_transitions WHERE report_id = NEW.id AND decided
  UNION ALL
  SELECT 2, month, seconds, event_id, department, category FROM stats_transitions WHERE report_id = NEW.id AND closing;
  UPDATE stats_revision SET n = n + 1, changes = changes + 1 WHERE id = 1;
END;

-- Figures for the reports and events that exist already (a database from before version 4).
INSERT INTO stats_monthly (month, department, category, owner_department, received, decided, resolved, wont_fix, rejected, duplicates, open_delta, rule_abolished, rule_changed,
         procedure_changed, room_within_rules, tailored_solution, explained)
SELECT month, department, category, owner_department,
       sum(received), sum(decided), sum(resolved), sum(wont_fix), sum(rejected), sum(duplicates), sum(open_delta),
       sum(rule_abolished), sum(rule_changed), sum(procedure_changed), sum(room_within_rules), sum(tailored_solution),
       sum(explained)
FROM (
  SELECT month, department, category, owner_department, 1 AS received, 0 AS decided, 0 AS resolved, 0 AS wont_fix,
         0 AS rejected, 0 AS duplicates, 1 AS open_delta, 0 AS rule_abolished, 0 AS rule_changed,
         0 AS procedure_changed, 0 AS room_within_rules, 0 AS tailored_solution, 0 AS explained
  FROM stats_submissions
  UNION ALL
  SELECT month, department, category, owner_department, 0, decided, resolved, wont_fix, rejected, duplicates, open_delta, rule_abolished, rule_changed,
         procedure_changed, room_within_rules, tailored_solution, explained
  FROM stats_transitions)
GROUP BY month, department, category, owner_department;

INSERT INTO stats_durations (kind, month, seconds, event_id, department, category)
SELECT 1, month, seconds, event_id, department, category FROM stats_transitions WHERE decided
UNION ALL
SELECT 2, month, seconds, event_id, department, category FROM stats_transitions WHERE closing;
