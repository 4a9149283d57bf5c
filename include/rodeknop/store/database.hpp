#pragma once
// Opening SQLite databases the way Rode Knop needs them, and connections with cached
// prepared statements. No SQL outside the store module.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace rodeknop::store {

/// "RKNP": marks the file as a Rode Knop database (PRAGMA application_id).
inline constexpr int application_id = 0x524B4E50;

struct db_options {
  std::string path;
  /// PRAGMA synchronous for the writer: FULL (default: every acknowledged commit survives a
  /// power cut) or NORMAL.
  std::string synchronous = "FULL";
  int busy_timeout_ms = 5000;
};

/// The database is not one we may use (other application, newer schema).
struct schema_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The database cannot take writes or reads right now (disk full, read-only, I/O error):
/// the API answers 503.
struct storage_unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A database handle with its prepared statements, for use by one thread at a time.
class connection {
 public:
  connection(const db_options& options, bool writer);

  SQLite::Database& db() { return db_; }
  /// Who acts through this connection, for the administrator's log (store/audit: actor_scope).
  void set_actor(std::optional<std::string> actor) { *actor_ = std::move(actor); }
  /// A prepared statement for `sql` (a string literal), reset and with bindings cleared.
  SQLite::Statement& prepare(const char* sql);
  /// Resets every cached statement, ending any read transaction a half-stepped query holds
  /// (an open read snapshot would keep WAL checkpoints from completing).
  void reset_statements() noexcept;

 private:
  // Before db_: rk_actor() reads it until the database is closed.
  std::unique_ptr<std::optional<std::string>> actor_ = std::make_unique<std::optional<std::string>>();
  SQLite::Database db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

/// Throws when `path` names no database file ("", ":memory:", a "file:" URI).
void check_database_path(const std::string& path);
/// Makes the database's folder when it is missing and its own parent exists (`data/` beside the
/// program, as the README's first start does); a path further off (a typo, a folder below a file)
/// gets a one-line message rather than a tree of folders. Returns whether the database file is
/// new (not there yet).
bool make_database_folder(const std::string& path);

/// Opens (creating when missing) and migrates the database; call once before anything else.
void initialise_database(const db_options& options);

/// A pool of read-only connections, one lent to a thread at a time.
class read_pool {
 public:
  explicit read_pool(db_options options) : options_(std::move(options)) {}

  class lease {
   public:
    lease(read_pool& pool, std::unique_ptr<connection> c) : pool_(&pool), conn_(std::move(c)) {}
    lease(lease&& other) noexcept = default;
    lease& operator=(lease&&) = delete;
    lease(const lease&) = delete;
    ~lease();
    connection& operator*() { return *conn_; }
    connection* operator->() { return conn_.get(); }

   private:
    read_pool* pool_;
    std::unique_ptr<connection> conn_;
  };

  lease acquire();
  const db_options& options() const { return options_; }

 private:
  db_options options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<connection>> idle_;
};

/// Maps an SQLite failure to storage_unavailable when it is about the storage rather than
/// about the statement (full disk, read-only file, I/O error, busy, no memory).
bool is_storage_failure(int extended_code);

/// A CHECK, UNIQUE, NOT NULL or FOREIGN KEY constraint refused a change.
bool is_constraint_failure(int code);

}  // namespace rodeknop::store
