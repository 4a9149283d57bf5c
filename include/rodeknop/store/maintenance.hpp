#pragma once
// Whole-database operations for the command line: online backup and demo data.

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
/// with `PRAGMA integrity_check`. Throws on failure, leaving no partial file.
backup_result backup(const db_options& source, const std::string& destination);

struct seed_result {
  std::int64_t reports = 0;
  std::int64_t events = 0;
};

/// Deterministic, realistic demo reports with histories spread over the past months
/// (`months_back`), from a seed. Uses its own connection and large transactions.
seed_result seed(const db_options& options, std::int64_t count, std::uint64_t seed_value, int months_back = 12);

}  // namespace rodeknop::store
