#include "rodeknop/store/audit.hpp"

#include <stdexcept>

namespace rodeknop::store {

namespace {

void actor_of(sqlite3_context* context, int, sqlite3_value**) {
  const auto* actor = static_cast<const std::optional<std::string>*>(sqlite3_user_data(context));
  if (actor && *actor)
    sqlite3_result_text64(context, (*actor)->data(), (*actor)->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  else
    sqlite3_result_null(context);
}

}  // namespace

void register_actor_function(sqlite3* db, const std::optional<std::string>* actor) {
  // Not deterministic: the same call gives another answer once the actor changes.
  const int rc = sqlite3_create_function_v2(db, "rk_actor", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                            const_cast<std::optional<std::string>*>(actor), actor_of, nullptr, nullptr,
                                            nullptr);
  if (rc != SQLITE_OK) throw std::runtime_error(std::string("cannot register rk_actor: ") + sqlite3_errstr(rc));
}

std::vector<admin_event> list_admin_events(connection& c, std::optional<std::int64_t> before, std::size_t limit) {
  auto& st = c.prepare(
      "SELECT id, at, actor, action, subject, detail FROM admin_events WHERE id < ?1 ORDER BY id DESC LIMIT ?2");
  st.bind(1, before.value_or(INT64_MAX));
  st.bind(2, static_cast<std::int64_t>(limit));
  std::vector<admin_event> out;
  while (st.executeStep())
    out.push_back({st.getColumn(0).getInt64(), domain::sys_seconds{std::chrono::seconds{st.getColumn(1).getInt64()}},
                   st.getColumn(2).getString(), st.getColumn(3).getString(), st.getColumn(4).getString(),
                   st.getColumn(5).getString()});
  st.reset();
  return out;
}

void record_admin_event(connection& c, std::string_view action, std::string_view subject, std::string_view detail) {
  auto& st = c.prepare(
      "INSERT INTO admin_events (at, actor, action, subject, detail) "
      "SELECT unixepoch(), rk_actor(), ?1, ?2, ?3 WHERE rk_actor() IS NOT NULL");
  st.bind(1, std::string(action));
  st.bind(2, std::string(subject));
  st.bind(3, std::string(detail));
  st.exec();
}

}  // namespace rodeknop::store
