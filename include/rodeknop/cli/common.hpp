#pragma once
// What the administrator's commands share: opening the database for a small change.

#include <SQLiteCpp/Transaction.h>

#include <memory>
#include <string>

namespace CLI {
class App;
}

#include "rodeknop/store/database.hpp"

namespace rodeknop::cli {

/// Adds `--db PATH` (environment `RODEKNOP_DB`, required) to `cmd` and returns where its value
/// lands. Each command gets a string of its own: CLI11 applies environment variables to the
/// options of every command, also those not on the command line, so a string shared between
/// commands would take the variable's value over the `--db` given to the one that runs.
std::string& add_db_option(CLI::App& cmd, const std::string& help = "SQLite database file");

/// Opens (creating and migrating when missing) the database for a small change; the server
/// may be running meanwhile.
std::unique_ptr<store::connection> open(const std::string& db);

/// The same for a command that reads or changes what must already be there (list, revoke,
/// disable, retention, ...): a database that is not there is an error (a typo in the path), not
/// made empty. Only the commands that add something make a new database.
std::unique_ptr<store::connection> open_existing(const std::string& db);

/// Runs `fn` in one transaction and returns what it returns. IMMEDIATE: the write lock is
/// taken (waiting for a busy server's writer) before anything is read; a deferred transaction
/// that reads first could not become a writer after the server committed (SQLITE_BUSY at once).
template <class Fn>
auto in_transaction(store::connection& c, Fn fn) {
  SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
  auto r = fn();
  tx.commit();
  return r;
}

}  // namespace rodeknop::cli
