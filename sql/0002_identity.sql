-- Rode Knop schema, version 2: team accounts, sessions, API tokens, and the pseudonymous
-- identity of reporters who came through the intranet's single sign-on.

CREATE TABLE users (
  username      TEXT PRIMARY KEY CHECK (length(username) BETWEEN 1 AND 64),
  role          TEXT NOT NULL CHECK (role IN ('triager', 'manager', 'admin')),
  password_hash TEXT NOT NULL,                 -- libsodium crypto_pwhash_str (Argon2id, with its parameters)
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- Sessions are known to the server only by the BLAKE2b hash of their id.
CREATE TABLE sessions (
  id_hash      BLOB PRIMARY KEY,
  username     TEXT NOT NULL REFERENCES users (username),
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at     INTEGER
) WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions (username);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  role         TEXT NOT NULL CHECK (role IN ('triager', 'manager', 'admin')),
  token_hash   BLOB NOT NULL UNIQUE,           -- BLAKE2b of the token; the token is shown once
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);

-- Keys the server derives things from (e.g. CSRF tokens of single-sign-on users).
CREATE TABLE server_keys (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

-- The user name the intranet's proxy gave for a report sent through single sign-on: seen by
-- triagers and admins only, never by managers, never on the tracking page.
ALTER TABLE reports ADD COLUMN reporter_identity TEXT;
