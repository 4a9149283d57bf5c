#include "rodeknop/store/database.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "rodeknop/store/audit.hpp"
#include "rodeknop/store/migrations.hpp"
#include "rodeknop/store/search_text.hpp"

namespace rodeknop::store {

namespace {

// Before the first connection: no global memory statistics (their mutex is taken on every
// allocation, and we never read them).
bool configure_library() {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  return done;
}

int open_flags(bool writer) {
  configure_library();
  return writer ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                : SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
}

std::string checked_synchronous(const std::string& s) {
  if (s == "FULL" || s == "full") return "FULL";
  if (s == "NORMAL" || s == "normal") return "NORMAL";
  if (s == "EXTRA" || s == "extra") return "EXTRA";
  throw std::invalid_argument("synchronous must be FULL, NORMAL or EXTRA");
}

}  // namespace

connection::connection(const db_options& options, bool writer)
    : db_(options.path, open_flags(writer), options.busy_timeout_ms) {
  db_.exec("PRAGMA foreign_keys = ON");
  register_search_functions(db_.getHandle());
  register_actor_function(db_.getHandle(), actor_.get());
  if (writer) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = " + checked_synchronous(options.synchronous));
    // Checkpoints run on the writer's own checkpoint thread (store/writer), not inside COMMIT.
    db_.exec("PRAGMA wal_autocheckpoint = 0");
    db_.exec("PRAGMA journal_size_limit = 67108864");
  } else {
    db_.exec("PRAGMA query_only = ON");
  }
  db_.exec("PRAGMA cache_size = -4096");  // 4 MiB per connection
  db_.exec("PRAGMA temp_store = MEMORY");
}

SQLite::Statement& connection::prepare(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) {
    try {
      slot = std::make_unique<SQLite::Statement>(db_, sql);
    } catch (...) {
      statements_.erase(sql);  // no empty slot for reset_statements() to trip over
      throw;
    }
  } else {
    // tryReset: reset() would rethrow the error of the statement's previous failed run.
    slot->tryReset();
    slot->clearBindings();
  }
  return *slot;
}

void connection::reset_statements() noexcept {
  for (auto& [sql, st] : statements_) st->tryReset();
}

void check_database_path(const std::string& path) {
  // An in-memory or URI "database" would lose every report at exit, or not be the file named.
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0)
    throw std::runtime_error("--db must name a database file (got \"" + path + "\")");
  // A device, folder or pipe is no database file (and SQLite would put a journal beside /dev/null).
  std::error_code ec;
  if (const auto st = std::filesystem::status(path, ec); !ec && std::filesystem::exists(st) &&
                                                          !std::filesystem::is_regular_file(st))
    throw std::runtime_error("--db " + path + " is not a file (a folder or device?); name the database file");
}

bool make_database_folder(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path db(path);
  std::error_code ec;
  const bool fresh = !fs::exists(db, ec);
  const auto folder = db.parent_path();
  if (folder.empty() || fs::is_directory(folder, ec)) return fresh;
  if (fs::exists(folder, ec))
    throw std::runtime_error("cannot make the folder " + folder.string() + " for the database: a file of that name is there");
  if (!folder.parent_path().empty() && !fs::is_directory(folder.parent_path(), ec))
    throw std::runtime_error("the folder " + folder.parent_path().string() + " does not exist: is the path --db " + path +
                             " right? (Rode Knop makes only the database's own folder, such as data/)");
  fs::create_directory(folder, ec);
  if (ec)
    throw std::runtime_error("cannot make the folder " + folder.string() + " for the database: " + ec.message());
  return fresh;
}

void initialise_database(const db_options& options) {
  const auto& path = options.path;
  check_database_path(path);
  try {
    connection c(options, true);
    migrate(c.db());
  } catch (const SQLite::Exception& e) {
    // One line that says which file and what to look at, rather than SQLite's words alone.
    switch (e.getErrorCode() & 0xff) {
      case SQLITE_CANTOPEN:
        throw std::runtime_error("cannot open the database " + path + " (" + e.what() +
                                 "): does its folder exist, and may this user write there? SQLite also makes " +
                                 path + "-wal and " + path + "-shm beside it");
      case SQLITE_READONLY:
        throw std::runtime_error("the database " + path + " is read-only (" + e.what() +
                                 "): Rode Knop writes it and its -wal and -shm files (a read-only mount or file?)");
      default: throw;
    }
  }
}

read_pool::lease::~lease() {
  if (!conn_) return;
  conn_->reset_statements();
  std::lock_guard lock(pool_->mutex_);
  pool_->idle_.push_back(std::move(conn_));
}

read_pool::lease read_pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return lease(*this, std::move(c));
    }
  }
  try {
    return lease(*this, std::make_unique<connection>(options_, false));
  } catch (const SQLite::Exception& e) {
    throw storage_unavailable(std::string("cannot open the database for reading: ") + e.what());
  }
}

bool is_constraint_failure(int code) { return (code & 0xff) == SQLITE_CONSTRAINT; }

bool is_storage_failure(int extended_code) {
  switch (extended_code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

}  // namespace rodeknop::store
