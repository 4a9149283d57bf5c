#pragma once
// Whole-database operations for the command line: online backup, demo data and the retention
// of reporters' personal data.

#include <chrono>
#include <cstdint>
#include <string>

#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

struct backup_result {
  std::int64_t pages = 0;
  std::int64_t reports = 0;
};

/// A consistent copy of a live database (SQLite's online backup API, from one read
/// snapshot) written to `destination` atomically (temporary file + rename), then checked
/// with `PRAGMA integrity_check`. Throws on failure, leaving no partial file; for the command
/// line only: SIGINT, SIGTERM and SIGHUP meanwhile remove the partial files and end the process.
backup_result backup(const db_options& source, const std::string& destination);

struct seed_result {
  std::int64_t reports = 0;
  std::int64_t events = 0;
};

/// Deterministic, realistic demo reports with histories spread over the past months
/// (`months_back`), from a seed. Uses its own connection and large transactions.
seed_result seed(const db_options& options, std::int64_t count, std::uint64_t seed_value, int months_back = 12);

/// Data retention (AVG): erases the reporter's name, e-mail address and single-sign-on identity
/// of every report closed (resolved, wont_fix, rejected, duplicate) before `closed_before`,
/// judged by its last status change; the report itself, its history and the figures stay.
/// Each erased report gets a new version (its ETag changes) and `updated_at` = `now`, so tools
/// that follow changes see it. With `dry_run` nothing changes.
/// Returns how many reports it erased (or would erase).
std::int64_t erase_reporter_identities(connection& c, std::chrono::sys_seconds closed_before, bool dry_run,
                                       std::chrono::sys_seconds now);

/// After an erasure, the old values out of the files as far as SQLite can: the write-ahead log
/// copied into the database and emptied. False when a reader (a running server) held part of it:
/// those copies go at the server's next checkpoint. (The erasure itself overwrites what it frees,
/// with `secure_delete`.)
bool flush_erased(connection& c);

}  // namespace rodeknop::store
