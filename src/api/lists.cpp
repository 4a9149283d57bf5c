#include "rodeknop/api/lists.hpp"

#include <algorithm>

#include "rodeknop/api/input.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/audit.hpp"
#include "rodeknop/store/catalog.hpp"

namespace rodeknop::api {

namespace net = boost::asio;
using nlohmann::json;

namespace {

struct list_route {
  store::list_kind kind;
  const char* path;       // "/api/v1/departments"
  const char* singular;   // for messages and the log: "department"
};

constexpr list_route departments{store::list_kind::departments, "/api/v1/departments", "department"};
constexpr list_route categories{store::list_kind::categories, "/api/v1/categories", "category"};

json item_json(const store::list_item& i) {
  return {{"key", i.key}, {"label", i.label}, {"position", i.position}, {"active", i.active}};
}

http::api_error wrong_type(const std::string& field, const std::string& expected) {
  return {http::status::bad_request, "wrong_type", "a field has the wrong JSON type", {{field, expected}}};
}

http::api_error validation_error(const domain::field_errors& errors) {
  std::map<std::string, std::string> fields;
  for (const auto& e : errors) fields.emplace(e.field, domain::message_en(e));
  return {http::status::unprocessable_entity, "validation_failed", "one or more fields are not acceptable",
          std::move(fields)};
}

/// The body of an add (`adding`) or a change, strictly typed (no other fields), and what is wrong
/// with its values.
std::pair<domain::list_entry_change, domain::field_errors> read_entry(const http::request& req, bool adding) {
  require_body_kind(req, false);
  const auto body = parse_json_object(req);
  if (adding)
    json_fields(body, {"key", "label", "position", "active"});
  else
    json_fields(body, {"label", "position", "active"});
  domain::list_entry_change e;
  for (const char* name : {"key", "label"}) {
    const auto it = body.find(name);
    if (it == body.end()) continue;
    if (!it->is_string()) throw wrong_type(name, "must be a string");
    (name[0] == 'k' ? e.key : e.label) = it->get<std::string>();
  }
  if (const auto it = body.find("position"); it != body.end()) {
    if (!it->is_number_integer()) throw wrong_type("position", "must be a whole number");
    // Out-of-range numbers (and huge unsigned ones) are refused by validation below.
    e.position = it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)
                     ? std::int64_t{-1}
                     : it->get<std::int64_t>();
  }
  if (const auto it = body.find("active"); it != body.end()) {
    if (!it->is_boolean()) throw wrong_type("active", "must be true or false");
    e.active = it->get<bool>();
  }
  if (!adding && !e.label && !e.position && !e.active)
    throw http::api_error(http::status::unprocessable_entity, "nothing_to_change",
                          "send at least one of label, position, active");
  auto errors = domain::validate_list_entry(e, adding);
  return {std::move(e), std::move(errors)};
}

/// Refuses an entry with invalid values, naming every field at fault at once: also a key or
/// label that another entry already has (`own_key`: the entry changed; empty when adding).
net::awaitable<void> refuse_invalid(services& s, store::list_kind kind, const domain::list_entry_change& e,
                                    domain::field_errors& errors, std::string_view own_key) {
  if (errors.empty()) co_return;
  auto job = [kind, &e, &own_key](store::connection& c) { return store::list_conflicts(c, kind, e, own_key); };
  for (auto& conflict : co_await s.query(std::move(job)))
    if (std::none_of(errors.begin(), errors.end(), [&](const auto& known) { return known.field == conflict.field; }))
      errors.push_back(std::move(conflict));
  throw validation_error(errors);
}

std::string actor(const http::request_context& ctx) { return ctx.who ? ctx.who->username : "unknown"; }

net::awaitable<http::response> list(services& s, const list_route& route) {
  std::vector<store::list_item> items;
  {
    auto conn = s.readers.acquire();
    items = store::list_items(*conn, route.kind);
  }
  json out = json::array();
  for (const auto& i : items) out.push_back(item_json(i));
  auto res = http::json_response(http::status::ok, {{"items", std::move(out)}});
  res.set(http::field::cache_control, "no-store");
  co_return res;
}

net::awaitable<http::response> one(services& s, const list_route& route, const http::request_context& ctx) {
  std::optional<store::list_item> item;
  {
    auto conn = s.readers.acquire();
    item = store::find_list_item(*conn, route.kind, ctx.param("key"));
  }
  if (!item)
    throw http::api_error(http::status::not_found, "not_found", std::string("no ") + route.singular + " has this key");
  auto res = http::json_response(http::status::ok, item_json(*item));
  res.set(http::field::cache_control, "no-store");
  co_return res;
}

net::awaitable<http::response> add(services& s, const list_route& route, http::request_context& ctx) {
  auto [entry, errors] = read_entry(ctx.req, true);
  co_await refuse_invalid(s, route.kind, entry, errors, {});
  auto job = [kind = route.kind, entry = std::move(entry), who = actor(ctx)](store::connection& c) {
    const store::actor_scope acting(c, who);
    return store::add_list_item(c, kind, entry);
  };
  const auto result = co_await s.writer.async_run<store::list_change_result>(std::move(job));
  if (!result.item) throw validation_error(result.errors);
  s.reload_catalog();
  log::event(log::level::info, std::string(route.singular) + "_added",
             {{"key", result.item->key}, {"actor", actor(ctx)}});
  auto res = http::json_response(http::status::created, item_json(*result.item));
  res.set(http::field::location, std::string(route.path) + "/" + result.item->key);
  co_return res;
}

net::awaitable<http::response> change(services& s, const list_route& route, http::request_context& ctx) {
  const std::string key(ctx.param("key"));
  auto [entry, errors] = read_entry(ctx.req, false);
  co_await refuse_invalid(s, route.kind, entry, errors, key);
  auto job = [kind = route.kind, key, entry = std::move(entry), who = actor(ctx)](store::connection& c) {
    const store::actor_scope acting(c, who);
    return store::change_list_item(c, kind, key, entry);
  };
  const auto result = co_await s.writer.async_run<store::list_change_result>(std::move(job));
  if (!result.errors.empty()) throw validation_error(result.errors);
  if (!result.item)
    throw http::api_error(http::status::not_found, "not_found", std::string("no ") + route.singular + " has this key");
  s.reload_catalog();
  log::event(log::level::info, std::string(route.singular) + "_changed",
             {{"key", key}, {"active", result.item->active}, {"actor", actor(ctx)}});
  co_return http::json_response(http::status::ok, item_json(*result.item));
}

void register_list(http::router& r, services& s, const list_route& route) {
  using auth::access;
  const std::string path(route.path);
  r.add(http::verb::get, path, access::administer, [&s, &route](http::request_context& c) {
    require_known_params(c.target.query, {});
    return list(s, route);
  });
  r.add(http::verb::post, path, access::administer,
        [&s, &route](http::request_context& c) { return add(s, route, c); });
  r.add(http::verb::get, path + "/{key}", access::administer,
        [&s, &route](http::request_context& c) {
          require_known_params(c.target.query, {});
          return one(s, route, c);
        });
  r.add(http::verb::patch, path + "/{key}", access::administer,
        [&s, &route](http::request_context& c) { return change(s, route, c); });
}

}  // namespace

void register_list_routes(http::router& r, services& s) {
  register_list(r, s, departments);
  register_list(r, s, categories);
}

}  // namespace rodeknop::api
