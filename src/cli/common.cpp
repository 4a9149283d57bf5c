#include "rodeknop/cli/common.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <pwd.h>
#include <unistd.h>

#include "rodeknop/util/crypto.hpp"

namespace rodeknop::cli {

std::string& add_db_option(CLI::App& cmd, const std::string& help) {
  static std::deque<std::string> values;  // a deque: adding one moves none of the others
  auto& db = values.emplace_back();
  cmd.add_option("--db", db, help)->envname("RODEKNOP_DB")->required();
  return db;
}

namespace {

std::string command_line_actor() {
  std::string who;
  if (const auto* pw = getpwuid(geteuid())) who = pw->pw_name;
  if (who.empty()) who = "uid " + std::to_string(geteuid());
  // An operator working through sudo is named, not only root.
  if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo && who != sudo) who += " (sudo by " + std::string(sudo) + ")";
  return "cli:" + who;
}

}  // namespace

std::unique_ptr<store::connection> open(const std::string& db) {
  util::init_crypto();
  store::check_database_path(db);
  // Like `serve`: `user add --db data/rodeknop.db` before the first start makes data/ too.
  if (store::make_database_folder(db)) std::cerr << "rodeknop: a new database is made at " << db << "\n";
  const store::db_options options{db};
  store::initialise_database(options);
  auto c = std::make_unique<store::connection>(options, true);
  // Every change a command makes to accounts, tokens or the lists goes into the administrator's
  // log under this name (store/audit).
  c->set_actor(command_line_actor());
  return c;
}

std::unique_ptr<store::connection> open_existing(const std::string& db) {
  store::check_database_path(db);
  if (!std::filesystem::exists(db)) throw std::runtime_error("no database at " + db);
  // An empty file is no database yet: a command that only reads or changes must not make it one.
  std::error_code ec;
  if (std::filesystem::is_regular_file(db, ec) && std::filesystem::file_size(db, ec) == 0 && !ec)
    throw std::runtime_error(db + " is an empty file, not a Rode Knop database yet");
  return open(db);
}

}  // namespace rodeknop::cli
