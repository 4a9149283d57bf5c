#include "rodeknop/api/accounts.hpp"

#include <algorithm>
#include <cctype>

#include "rodeknop/api/input.hpp"
#include "rodeknop/auth/access.hpp"
#include "rodeknop/auth/passwords.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/audit.hpp"
#include "rodeknop/store/identity.hpp"
#include "rodeknop/util/crypto.hpp"

namespace rodeknop::api {

namespace net = boost::asio;
using nlohmann::json;

namespace {

http::api_error unprocessable(std::map<std::string, std::string> fields) {
  return {http::status::unprocessable_entity, "validation_failed", "one or more fields are not acceptable",
          std::move(fields)};
}

http::api_error wrong_type(const std::string& field, const std::string& expected) {
  return {http::status::bad_request, "wrong_type", "a field has the wrong JSON type", {{field, expected}}};
}

std::optional<std::string> string_field(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->is_string()) throw wrong_type(name, "must be a string");
  return it->get<std::string>();
}

std::optional<bool> bool_field(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->is_boolean()) throw wrong_type(name, "must be true or false");
  return it->get<bool>();
}

void check_role(std::map<std::string, std::string>& errors, const std::optional<std::string>& role, bool required) {
  if (!role) {
    if (required) errors.emplace("role", "is required");
  } else if (!auth::parse_role(*role)) {
    errors.emplace("role", "must be one of triager, manager, admin");
  }
}

std::string actor(const http::request_context& ctx) { return ctx.who ? ctx.who->username : "unknown"; }

constexpr const char* username_taken = "is already taken (also when only the case differs)";
constexpr const char* token_name_taken = "is already taken (names are never reused, also not in other capitals)";

std::string iso(domain::sys_seconds t) { return domain::format_rfc3339(t); }

json user_json(const store::user_record& u) {
  return {{"username", u.username},
          {"role", u.role},
          {"disabled", u.disabled},
          {"created_at", iso(u.created_at)},
          {"updated_at", iso(u.updated_at)}};
}

json token_json(const store::token_record& t) {
  return {{"name", t.name},
          {"role", t.role},
          {"created_at", iso(t.created_at)},
          {"last_used_at", t.last_used_at ? json(iso(*t.last_used_at)) : json(nullptr)},
          {"revoked_at", t.revoked_at ? json(iso(*t.revoked_at)) : json(nullptr)},
          {"created_by", t.created_by ? json(*t.created_by) : json(nullptr)},
          {"suspended", t.suspended}};
}

http::response no_store(http::response res) {
  res.set(http::field::cache_control, "no-store");
  return res;
}

// --- accounts ----------------------------------------------------------------------------------

net::awaitable<http::response> list_users(services& s) {
  json items = json::array();
  {
    auto conn = s.readers.acquire();
    for (const auto& u : store::list_users(*conn)) items.push_back(user_json(u));
  }
  co_return no_store(http::json_response(http::status::ok, {{"items", std::move(items)}}));
}

net::awaitable<http::response> one_user(services& s, const http::request_context& ctx) {
  std::optional<store::user_record> user;
  {
    auto conn = s.readers.acquire();
    user = store::find_user(*conn, ctx.param("username"));
  }
  if (!user) throw http::api_error(http::status::not_found, "not_found", "no account has this username");
  co_return no_store(http::json_response(http::status::ok, user_json(*user)));
}

net::awaitable<http::response> add_user(services& s, http::request_context& ctx) {
  require_body_kind(ctx.req, false);
  const auto body = parse_json_object(ctx.req);
  json_fields(body, {"username", "role", "password"});
  const auto username = string_field(body, "username");
  const auto role = string_field(body, "role");
  const auto password = string_field(body, "password");
  std::map<std::string, std::string> errors;
  if (!username)
    errors.emplace("username", "is required");
  else if (const auto problem = auth::username_problem(*username))
    errors.emplace("username", *problem);
  check_role(errors, role, true);
  if (!password)
    errors.emplace("password", "is required");
  else if (const auto problem = auth::password_problem(*password, username.value_or("")))
    errors.emplace("password", *problem);
  if (!errors.empty()) {
    // Name every field at fault at once: also a name another account has.
    if (username && !errors.contains("username")) {
      auto job = [&](store::connection& c) { return store::find_user_for_login(c, *username).has_value(); };
      if (co_await s.query(std::move(job))) errors.emplace("username", username_taken);
    }
    throw unprocessable(std::move(errors));
  }

  auto hash = co_await s.gate.hash_new_password(*password);
  const auto now = domain::now();
  store::user_record record{*username, *role, std::move(hash), false, now, now};
  auto job = [record, who = actor(ctx)](store::connection& c) {
    const store::actor_scope acting(c, who);
    return store::insert_user(c, record);
  };
  if (!co_await s.writer.async_run<bool>(std::move(job)))
    throw unprocessable({{"username", username_taken}});
  log::event(log::level::info, "auth.user_added", {{"username", record.username}, {"role", record.role}, {"actor", actor(ctx)}});
  auto res = http::json_response(http::status::created, user_json(record));
  res.set(http::field::location, "/api/v1/users/" + record.username);
  co_return no_store(std::move(res));
}

struct user_change_result {
  enum class outcome { changed, not_found, last_admin } result = outcome::not_found;
  std::optional<store::user_record> user;
};

net::awaitable<http::response> change_user(services& s, http::request_context& ctx) {
  const std::string username(ctx.param("username"));
  require_body_kind(ctx.req, false);
  const auto body = parse_json_object(ctx.req);
  json_fields(body, {"role", "disabled", "password"});
  const auto role = string_field(body, "role");
  const auto disabled = bool_field(body, "disabled");
  const auto password = string_field(body, "password");
  if (!role && !disabled && !password)
    throw http::api_error(http::status::unprocessable_entity, "nothing_to_change",
                          "send at least one of role, disabled, password");
  std::map<std::string, std::string> errors;
  check_role(errors, role, false);
  if (password)
    if (const auto problem = auth::password_problem(*password, username)) errors.emplace("password", *problem);
  if (!errors.empty()) throw unprocessable(std::move(errors));

  std::string hash;
  if (password) hash = co_await s.gate.hash_new_password(*password);
  const auto now = domain::now();
  auto job = [username, role, disabled, hash, now, who = actor(ctx)](store::connection& c) {
    const store::actor_scope acting(c, who);
    user_change_result out;
    const auto before = store::find_user(c, username);
    if (!before) return out;
    const bool loses_admin = before->role == "admin" && !before->disabled &&
                             ((role && *role != "admin") || (disabled && *disabled));
    if (loses_admin && store::other_enabled_admins(c, username) == 0) {
      out.result = user_change_result::outcome::last_admin;
      return out;
    }
    if (role) store::set_user_role(c, username, *role, now);
    if (disabled) store::set_user_disabled(c, username, *disabled, now);
    if (!hash.empty()) store::set_user_password(c, username, hash, now);
    out.result = user_change_result::outcome::changed;
    out.user = store::find_user(c, username);
    return out;
  };
  const auto result = co_await s.writer.async_run<user_change_result>(std::move(job));
  switch (result.result) {
    case user_change_result::outcome::not_found:
      throw http::api_error(http::status::not_found, "not_found", "no account has this username");
    case user_change_result::outcome::last_admin:
      throw unprocessable({{role ? "role" : "disabled", "the last enabled admin account must stay an enabled admin"}});
    case user_change_result::outcome::changed: break;
  }
  log::event(log::level::info, "auth.user_changed",
             {{"username", username},
              {"role", result.user->role},
              {"disabled", result.user->disabled},
              {"password_changed", !hash.empty()},
              {"actor", actor(ctx)}});
  co_return no_store(http::json_response(http::status::ok, user_json(*result.user)));
}

// --- API tokens --------------------------------------------------------------------------------

net::awaitable<http::response> list_tokens(services& s) {
  json items = json::array();
  {
    auto conn = s.readers.acquire();
    for (const auto& t : store::list_tokens(*conn)) items.push_back(token_json(t));
  }
  co_return no_store(http::json_response(http::status::ok, {{"items", std::move(items)}}));
}

net::awaitable<http::response> create_token(services& s, http::request_context& ctx) {
  require_body_kind(ctx.req, false);
  const auto body = parse_json_object(ctx.req);
  json_fields(body, {"name", "role"});
  const auto name = string_field(body, "name");
  const auto role = string_field(body, "role");
  std::map<std::string, std::string> errors;
  if (!name)
    errors.emplace("name", "is required");
  else if (const auto problem = auth::token_name_problem(*name))
    errors.emplace("name", *problem);
  check_role(errors, role, true);
  if (!errors.empty()) {
    // Name every field at fault at once: also a name another token has (or had).
    if (name && !errors.contains("name")) {
      auto job = [&](store::connection& c) {
        const auto lower = [](std::string t) {
          for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          return t;
        };
        const auto tokens = store::list_tokens(c);
        return std::any_of(tokens.begin(), tokens.end(), [&](const auto& t) { return lower(t.name) == lower(*name); });
      };
      if (co_await s.query(std::move(job))) errors.emplace("name", token_name_taken);
    }
    throw unprocessable(std::move(errors));
  }

  const auto secret = "rk_" + util::random_token();
  const auto now = domain::now();
  // A token depends on the local account that made it (or on the owner of the token that made
  // it): it is refused while that account is not an enabled administrator.
  store::token_maker maker;
  if (ctx.who && ctx.who->via == auth::method::session) maker.user = ctx.who->username;
  if (ctx.who && ctx.who->via == auth::method::token) maker.via_token = ctx.who->username.substr(std::string_view("token:").size());
  auto job = [name = *name, role = *role, hash = util::token_hash(secret), now, who = actor(ctx),
              maker = std::move(maker)](store::connection& c) {
    const store::actor_scope acting(c, who);
    return store::insert_token(c, name, role, hash, now, maker);
  };
  if (!co_await s.writer.async_run<std::optional<std::int64_t>>(std::move(job)))
    throw unprocessable({{"name", token_name_taken}});
  log::event(log::level::info, "auth.token_created", {{"name", *name}, {"role", *role}, {"actor", actor(ctx)}});
  store::token_record made{0, *name, *role, now, std::nullopt, std::nullopt, actor(ctx), std::nullopt, false};
  auto out = token_json(made);
  out["token"] = secret;  // shown once: the database keeps only its hash
  co_return no_store(http::json_response(http::status::created, out));
}

net::awaitable<http::response> revoke_token(services& s, http::request_context& ctx) {
  const std::string name(ctx.param("name"));
  auto job = [name, now = domain::now(), who = actor(ctx)](store::connection& c) {
    const store::actor_scope acting(c, who);
    return store::revoke_token(c, name, now);
  };
  if (!co_await s.writer.async_run<bool>(std::move(job)))
    throw http::api_error(http::status::not_found, "not_found", "no active token has this name");
  log::event(log::level::info, "auth.token_revoked", {{"name", name}, {"actor", actor(ctx)}});
  http::response res{http::status::no_content, 11};
  res.set(http::field::cache_control, "no-store");
  co_return res;
}

// --- the administrator's log ----------------------------------------------------------------

net::awaitable<http::response> admin_log(services& s, const http::request_context& ctx) {
  require_known_params(ctx.target.query, {"limit", "cursor"});
  const auto limit = static_cast<std::size_t>(query_number(ctx.target.query, "limit", 500).value_or(100));
  const auto before = query_number(ctx.target.query, "cursor", INT64_MAX);
  std::vector<store::admin_event> events;
  {
    auto conn = s.readers.acquire();
    events = store::list_admin_events(*conn, before, limit + 1);
  }
  const bool more = events.size() > limit;
  if (more) events.pop_back();
  json items = json::array();
  for (const auto& e : events)
    items.push_back({{"id", e.id},
                     {"at", iso(e.at)},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"subject", e.subject},
                     {"detail", json::parse(e.detail, nullptr, false)}});
  json next = more ? json(std::to_string(events.back().id)) : json(nullptr);
  co_return no_store(http::json_response(http::status::ok, {{"items", std::move(items)}, {"next_cursor", std::move(next)}}));
}

}  // namespace

void register_account_routes(http::router& r, services& s) {
  using auth::access;
  using ctx_t = http::request_context;
  r.add(http::verb::get, "/api/v1/users", access::administer, [&s](ctx_t& c) {
    require_known_params(c.target.query, {});
    return list_users(s);
  });
  r.add(http::verb::post, "/api/v1/users", access::administer, [&s](ctx_t& c) { return add_user(s, c); });
  r.add(http::verb::get, "/api/v1/users/{username}", access::administer, [&s](ctx_t& c) {
    require_known_params(c.target.query, {});
    return one_user(s, c);
  });
  r.add(http::verb::patch, "/api/v1/users/{username}", access::administer, [&s](ctx_t& c) { return change_user(s, c); });
  r.add(http::verb::get, "/api/v1/tokens", access::administer, [&s](ctx_t& c) {
    require_known_params(c.target.query, {});
    return list_tokens(s);
  });
  r.add(http::verb::post, "/api/v1/tokens", access::administer, [&s](ctx_t& c) { return create_token(s, c); });
  r.add(http::verb::delete_, "/api/v1/tokens/{name}", access::administer, [&s](ctx_t& c) { return revoke_token(s, c); });
  r.add(http::verb::get, "/api/v1/audit", access::administer, [&s](ctx_t& c) { return admin_log(s, c); });
}

}  // namespace rodeknop::api
