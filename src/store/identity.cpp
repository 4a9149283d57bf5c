#include "rodeknop/store/identity.hpp"

namespace rodeknop::store {

namespace {

std::int64_t seconds(domain::sys_seconds t) { return t.time_since_epoch().count(); }
domain::sys_seconds from_seconds(std::int64_t s) { return domain::sys_seconds{std::chrono::seconds{s}}; }

void bind_blob(SQLite::Statement& st, int index, std::string_view bytes) {
  st.bind(index, static_cast<const void*>(bytes.data()), static_cast<int>(bytes.size()));
}

void bind_view(SQLite::Statement& st, int index, std::string_view text) { st.bind(index, std::string(text)); }

user_record user_from(SQLite::Statement& st) {
  return {st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
          st.getColumn(3).getInt() != 0, from_seconds(st.getColumn(4).getInt64()),
          from_seconds(st.getColumn(5).getInt64())};
}

// What token_from reads, the last column whether the owner lets the token work (no owner, or
// an enabled administrator). The one place that rule is written.
const std::string& select_tokens() {
  static const std::string sql =
      "SELECT id, name, role, created_at, last_used_at, revoked_at, created_by, owner, "
      "(owner IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.username = api_tokens.owner AND u.role = 'admin' "
      "AND u.disabled = 0)) FROM api_tokens ";
  return sql;
}

token_record token_from(SQLite::Statement& st) {
  token_record t{st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                 from_seconds(st.getColumn(3).getInt64()), std::nullopt, std::nullopt, std::nullopt, std::nullopt, false};
  if (!st.getColumn(4).isNull()) t.last_used_at = from_seconds(st.getColumn(4).getInt64());
  if (!st.getColumn(5).isNull()) t.revoked_at = from_seconds(st.getColumn(5).getInt64());
  if (!st.getColumn(6).isNull()) t.created_by = st.getColumn(6).getString();
  if (!st.getColumn(7).isNull()) t.owner = st.getColumn(7).getString();
  t.suspended = st.getColumn(8).getInt() == 0;
  return t;
}

}  // namespace

bool insert_user(connection& c, const user_record& u) {
  auto& st = c.prepare(
      // Names that differ only in case would be two accounts that people take for one.
      "INSERT INTO users (username, role, password_hash, disabled, created_at, updated_at) "
      "SELECT ?1, ?2, ?3, ?4, ?5, ?5 WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower(?1))");
  st.bind(1, u.username);
  st.bind(2, u.role);
  st.bind(3, u.password_hash);
  st.bind(4, u.disabled ? 1 : 0);
  st.bind(5, seconds(u.created_at));
  return st.exec() == 1;
}

std::optional<user_record> find_user(connection& c, std::string_view username) {
  auto& st = c.prepare(
      "SELECT username, role, password_hash, disabled, created_at, updated_at FROM users WHERE username = ?1");
  bind_view(st, 1, username);
  if (!st.executeStep()) return std::nullopt;
  auto u = user_from(st);
  st.reset();
  return u;
}

std::optional<user_record> find_user_for_login(connection& c, std::string_view username) {
  auto& st = c.prepare(
      "SELECT username, role, password_hash, disabled, created_at, updated_at FROM users "
      "WHERE lower(username) = lower(?1) ORDER BY username = ?1 DESC, username LIMIT 1");
  bind_view(st, 1, username);
  if (!st.executeStep()) {
    st.reset();
    return std::nullopt;
  }
  auto u = user_from(st);
  st.reset();
  return u;
}

std::vector<user_record> list_users(connection& c) {
  auto& st = c.prepare(
      "SELECT username, role, password_hash, disabled, created_at, updated_at FROM users ORDER BY username");
  std::vector<user_record> out;
  while (st.executeStep()) out.push_back(user_from(st));
  return out;
}

bool set_user_role(connection& c, std::string_view username, std::string_view role, domain::sys_seconds now) {
  auto& st = c.prepare("UPDATE users SET role = ?2, updated_at = ?3 WHERE username = ?1");
  bind_view(st, 1, username);
  bind_view(st, 2, role);
  st.bind(3, seconds(now));
  return st.exec() == 1;
}

namespace {

// A new password or a disabled account: whoever is logged in as this user is logged out.
void end_sessions(connection& c, std::string_view username, domain::sys_seconds now) {
  auto& end = c.prepare("UPDATE sessions SET ended_at = ?2 WHERE username = ?1 AND ended_at IS NULL");
  bind_view(end, 1, username);
  end.bind(2, seconds(now));
  end.exec();
}

}  // namespace

bool set_user_password(connection& c, std::string_view username, std::string_view hash, domain::sys_seconds now) {
  auto& st = c.prepare("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE username = ?1");
  bind_view(st, 1, username);
  bind_view(st, 2, hash);
  st.bind(3, seconds(now));
  if (st.exec() != 1) return false;
  end_sessions(c, username, now);
  return true;
}

std::int64_t other_enabled_admins(connection& c, std::string_view except) {
  auto& st = c.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND username <> ?1");
  bind_view(st, 1, except);
  st.executeStep();
  const auto n = st.getColumn(0).getInt64();
  st.reset();
  return n;
}

bool set_user_disabled(connection& c, std::string_view username, bool disabled, domain::sys_seconds now) {
  auto& st = c.prepare("UPDATE users SET disabled = ?2, updated_at = ?3 WHERE username = ?1");
  bind_view(st, 1, username);
  st.bind(2, disabled ? 1 : 0);
  st.bind(3, seconds(now));
  if (st.exec() != 1) return false;
  if (disabled) end_sessions(c, username, now);
  return true;
}

void insert_session(connection& c, std::string_view id_hash, std::string_view username, std::string_view csrf_token,
                    domain::sys_seconds now) {
  auto& st = c.prepare(
      "INSERT INTO sessions (id_hash, username, csrf_token, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?4)");
  bind_blob(st, 1, id_hash);
  bind_view(st, 2, username);
  bind_view(st, 3, csrf_token);
  st.bind(4, seconds(now));
  st.exec();
}

std::optional<session_record> find_session(connection& c, std::string_view id_hash) {
  auto& st = c.prepare(
      "SELECT s.username, u.role, s.csrf_token, s.created_at, s.last_seen_at FROM sessions s "
      "JOIN users u ON u.username = s.username WHERE s.id_hash = ?1 AND s.ended_at IS NULL AND u.disabled = 0");
  bind_blob(st, 1, id_hash);
  if (!st.executeStep()) return std::nullopt;
  session_record s{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                   from_seconds(st.getColumn(3).getInt64()), from_seconds(st.getColumn(4).getInt64())};
  st.reset();
  return s;
}

void touch_session(connection& c, std::string_view id_hash, domain::sys_seconds now) {
  auto& st = c.prepare("UPDATE sessions SET last_seen_at = max(last_seen_at, ?2) WHERE id_hash = ?1");
  bind_blob(st, 1, id_hash);
  st.bind(2, seconds(now));
  st.exec();
}

void end_session(connection& c, std::string_view id_hash, domain::sys_seconds now) {
  auto& st = c.prepare("UPDATE sessions SET ended_at = ?2 WHERE id_hash = ?1 AND ended_at IS NULL");
  bind_blob(st, 1, id_hash);
  st.bind(2, seconds(now));
  st.exec();
}

std::int64_t expire_sessions(connection& c, domain::sys_seconds idle_before, domain::sys_seconds created_before) {
  auto& st = c.prepare(
      "DELETE FROM sessions WHERE ended_at IS NOT NULL OR last_seen_at < ?1 OR created_at < ?2");
  st.bind(1, seconds(idle_before));
  st.bind(2, seconds(created_before));
  return st.exec();
}

std::optional<std::int64_t> insert_token(connection& c, std::string_view name, std::string_view role,
                                         std::string_view token_hash, domain::sys_seconds now, const token_maker& maker) {
  auto& st = c.prepare(
      // Names are never reused, also not in other capitals: the history names a token's actor
      // by it (token:powerbi and token:POWERBI would read as one).
      "INSERT INTO api_tokens (name, role, token_hash, created_at, created_by, owner) "
      "SELECT ?1, ?2, ?3, ?4, rk_actor(), coalesce(?5, (SELECT owner FROM api_tokens WHERE name = ?6)) "
      "WHERE NOT EXISTS (SELECT 1 FROM api_tokens WHERE lower(name) = lower(?1)) ON CONFLICT (name) DO NOTHING");
  bind_view(st, 1, name);
  bind_view(st, 2, role);
  bind_blob(st, 3, token_hash);
  st.bind(4, seconds(now));
  if (maker.user) bind_view(st, 5, *maker.user);
  if (maker.via_token) bind_view(st, 6, *maker.via_token);
  if (st.exec() != 1) return std::nullopt;
  return c.db().getLastInsertRowid();
}

std::optional<token_record> find_token(connection& c, std::string_view token_hash) {
  // Statements are cached by the address of their text: built once, kept for good.
  static const std::string sql = std::string(select_tokens()).append("WHERE token_hash = ?1 AND revoked_at IS NULL");
  auto& st = c.prepare(sql.c_str());
  bind_blob(st, 1, token_hash);
  if (!st.executeStep()) return std::nullopt;
  auto t = token_from(st);
  st.reset();
  if (t.suspended) return std::nullopt;
  return t;
}

std::vector<token_record> list_tokens(connection& c) {
  static const std::string sql = std::string(select_tokens()).append("ORDER BY id");
  auto& st = c.prepare(sql.c_str());
  std::vector<token_record> out;
  while (st.executeStep()) out.push_back(token_from(st));
  return out;
}

void touch_token(connection& c, std::int64_t id, domain::sys_seconds now) {
  auto& st = c.prepare("UPDATE api_tokens SET last_used_at = max(coalesce(last_used_at, 0), ?2) WHERE id = ?1");
  st.bind(1, id);
  st.bind(2, seconds(now));
  st.exec();
}

bool revoke_token(connection& c, std::string_view name, domain::sys_seconds now) {
  auto& st = c.prepare("UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL");
  bind_view(st, 1, name);
  st.bind(2, seconds(now));
  return st.exec() == 1;
}

std::string server_key(connection& c, std::string_view name, std::string_view fresh) {
  auto& insert = c.prepare("INSERT INTO server_keys (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
  bind_view(insert, 1, name);
  bind_blob(insert, 2, fresh);
  insert.exec();
  auto& st = c.prepare("SELECT value FROM server_keys WHERE name = ?1");
  bind_view(st, 1, name);
  st.executeStep();
  const auto col = st.getColumn(0);
  std::string out(static_cast<const char*>(col.getBlob()), static_cast<std::size_t>(col.getBytes()));
  st.reset();
  return out;
}

}  // namespace rodeknop::store
