-- The administrator's log: who changed accounts, API tokens and the department and category
-- lists, and who erased reporters' personal data, when, and what from what to what. The report
-- history (events) already records every change to a report; this covers the rest an auditor asks
-- about. Rows are only ever added.
--
-- Triggers write it, so no way of making a change (the API, the command line) can leave it out.
-- They take the actor from rk_actor() (store/audit): the account or token of an API request, or
-- `cli:USER` for the command line. A change made without an actor (the server rehashing a
-- password at login with newer parameters) is no administrator's change and is not logged; the
-- sqlite3 shell lacks rk_actor, so such a change fails there rather than going unlogged.
CREATE TABLE admin_events (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,           -- e.g. user.added, token.revoked, department.changed, retention.erased
  subject TEXT NOT NULL,           -- the username, token name or list key ('' for retention)
  detail  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);

CREATE TRIGGER admin_events_append_only_update BEFORE UPDATE ON admin_events
BEGIN SELECT RAISE(ABORT, 'the administrator''s log is append-only'); END;
CREATE TRIGGER admin_events_append_only_delete BEFORE DELETE ON admin_events
BEGIN SELECT RAISE(ABORT, 'the administrator''s log is append-only'); END;

-- Accounts. Never the password hash: only that a password was set.
CREATE TRIGGER users_log_added AFTER INSERT ON users WHEN rk_actor() IS NOT NULL
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'user.added', new.username,
          json_object('role', new.role, 'disabled', json(CASE new.disabled WHEN 1 THEN 'true' ELSE 'false' END)));
END;
CREATE TRIGGER users_log_role AFTER UPDATE OF role ON users WHEN rk_actor() IS NOT NULL AND old.role IS NOT new.role
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'user.role_changed', new.username, json_object('from', old.role, 'to', new.role));
END;
CREATE TRIGGER users_log_disabled AFTER UPDATE OF disabled ON users
WHEN rk_actor() IS NOT NULL AND old.disabled IS NOT new.disabled
BEGIN
  INSERT INTO admin_events (at, actor, action, subject)
  VALUES (unixepoch(), rk_actor(), CASE new.disabled WHEN 1 THEN 'user.disabled' ELSE 'user.enabled' END, new.username);
END;
CREATE TRIGGER users_log_password AFTER UPDATE OF password_hash ON users
WHEN rk_actor() IS NOT NULL AND old.password_hash IS NOT new.password_hash
BEGIN
  INSERT INTO admin_events (at, actor, action, subject) VALUES (unixepoch(), rk_actor(), 'user.password_set', new.username);
END;

-- API tokens (their use, last_used_at, is no change).
CREATE TRIGGER api_tokens_log_created AFTER INSERT ON api_tokens WHEN rk_actor() IS NOT NULL
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'token.created', new.name, json_object('role', new.role));
END;
CREATE TRIGGER api_tokens_log_revoked AFTER UPDATE OF revoked_at ON api_tokens
WHEN rk_actor() IS NOT NULL AND old.revoked_at IS NULL AND new.revoked_at IS NOT NULL
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'token.revoked', new.name, json_object('role', new.role));
END;

-- The lists. A move shifts the positions of the entries in between: only labels and whether an
-- entry is in use are logged, with the position it was added at.
CREATE TRIGGER departments_log_added AFTER INSERT ON departments WHEN rk_actor() IS NOT NULL
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'department.added', new.key,
          json_object('label', new.label, 'position', new.position, 'active', json(CASE new.active WHEN 1 THEN 'true' ELSE 'false' END)));
END;
CREATE TRIGGER departments_log_changed AFTER UPDATE OF label, active ON departments
WHEN rk_actor() IS NOT NULL AND (old.label IS NOT new.label OR old.active IS NOT new.active)
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'department.changed', new.key,
          json_object('label', json_object('from', old.label, 'to', new.label),
                      'active', json_object('from', json(CASE old.active WHEN 1 THEN 'true' ELSE 'false' END),
                                            'to', json(CASE new.active WHEN 1 THEN 'true' ELSE 'false' END))));
END;
CREATE TRIGGER categories_log_added AFTER INSERT ON categories WHEN rk_actor() IS NOT NULL
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'category.added', new.key,
          json_object('label', new.label, 'position', new.position, 'active', json(CASE new.active WHEN 1 THEN 'true' ELSE 'false' END)));
END;
CREATE TRIGGER categories_log_changed AFTER UPDATE OF label, active ON categories
WHEN rk_actor() IS NOT NULL AND (old.label IS NOT new.label OR old.active IS NOT new.active)
BEGIN
  INSERT INTO admin_events (at, actor, action, subject, detail)
  VALUES (unixepoch(), rk_actor(), 'category.changed', new.key,
          json_object('label', json_object('from', old.label, 'to', new.label),
                      'active', json_object('from', json(CASE old.active WHEN 1 THEN 'true' ELSE 'false' END),
                                            'to', json(CASE new.active WHEN 1 THEN 'true' ELSE 'false' END))));
END;
