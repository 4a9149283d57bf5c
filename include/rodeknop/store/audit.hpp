#pragma once
// The administrator's log (sql/0009_admin_log.sql): who changed accounts, API tokens and the
// department and category lists, and who erased reporters' personal data. Triggers write it;
// they ask rk_actor() who is acting, which is what the connection was told with actor_scope
// (nobody: the change is not an administrator's and is not logged).

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

/// Registers rk_actor() on `db`: the text `*actor` holds, or NULL. `actor` must outlive `db`.
void register_actor_function(sqlite3* db, const std::optional<std::string>* actor);

/// Names who acts on a connection for as long as it lives (an API request's account or token,
/// `cli:USER` for a command), and forgets it after: the writer's connection serves many.
class actor_scope {
 public:
  actor_scope(connection& c, std::string actor) : c_(c) { c_.set_actor(std::move(actor)); }
  ~actor_scope() { c_.set_actor(std::nullopt); }
  actor_scope(const actor_scope&) = delete;
  actor_scope& operator=(const actor_scope&) = delete;

 private:
  connection& c_;
};

struct admin_event {
  std::int64_t id = 0;
  domain::sys_seconds at{};
  std::string actor;
  std::string action;
  std::string subject;
  std::string detail;  // a JSON object
};

/// Newest first, those with an id below `before` (all when nullopt), at most `limit`.
std::vector<admin_event> list_admin_events(connection& c, std::optional<std::int64_t> before, std::size_t limit);

/// Adds an entry written by code rather than a trigger (retention), as the connection's actor.
void record_admin_event(connection& c, std::string_view action, std::string_view subject, std::string_view detail);

}  // namespace rodeknop::store
