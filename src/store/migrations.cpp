#include "rodeknop/store/migrations.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <string>

#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

int latest_schema_version() {
  const auto all = embedded_migrations();
  return all.empty() ? 0 : all.back().version;
}

void migrate(SQLite::Database& db) {
  const int app_id = db.execAndGet("PRAGMA application_id").getInt();
  int version = db.execAndGet("PRAGMA user_version").getInt();
  const int latest = latest_schema_version();

  if (app_id != 0 && app_id != application_id)
    throw schema_error("the database " + db.getFilename() + " belongs to another application (application_id " +
                       std::to_string(app_id) + ")");
  if (app_id == 0 && version != 0)
    throw schema_error("the database " + db.getFilename() + " is not a Rode Knop database");
  // Another program's SQLite file (tables, no marks of ours) is never taken over.
  if (app_id == 0 && version == 0 && db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0)
    throw schema_error("the database " + db.getFilename() + " holds tables of another program; it is not a Rode Knop database");
  if (version > latest)
    throw schema_error("the database " + db.getFilename() + " has schema version " + std::to_string(version) +
                       ", newer than this program understands (" + std::to_string(latest) +
                       "); run a newer rodeknop");

  for (const auto& m : embedded_migrations()) {
    if (m.version <= version) continue;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Re-read inside the write lock: another process may have migrated meanwhile.
    version = db.execAndGet("PRAGMA user_version").getInt();
    if (m.version <= version) continue;
    if (m.version != version + 1)
      throw schema_error("migration " + std::string(m.name) + " does not follow schema version " +
                         std::to_string(version));
    db.exec(m.sql);
    db.exec("PRAGMA application_id = " + std::to_string(application_id));
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
    version = m.version;
  }
}

}  // namespace rodeknop::store
