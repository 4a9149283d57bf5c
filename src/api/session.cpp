#include "rodeknop/api/session.hpp"

#include "rodeknop/api/input.hpp"
#include "rodeknop/log.hpp"

namespace rodeknop::api {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::size_t max_username = 64;

net::awaitable<http::response> login(services& s, http::request_context& ctx) {
  require_body_kind(ctx.req, false);
  // Login CSRF, as for the login form: another site must not log a browser in to an account of
  // its choosing (a JSON body needs a CORS preflight that is never granted, but the rule is one).
  if (const auto why = s.gate.cross_site(ctx.req)) {
    log::event(log::level::warn, "auth.csrf_refused", {{"reason", *why}, {"route", "/api/v1/session"}});
    throw http::api_error(http::status::forbidden, "csrf_failed", "a login must come from Rode Knop's own pages");
  }
  const auto body = parse_json_object(ctx.req);
  const json_fields f(body, {"username", "password"});
  auto username = f.text("username");
  auto password = f.text("password");
  std::map<std::string, std::string> missing;
  if (username.empty()) missing.emplace("username", "is required");
  if (password.empty()) missing.emplace("password", "is required");
  if (!missing.empty())
    throw http::api_error(http::status::unprocessable_entity, "validation_failed", "username and password are required",
                          std::move(missing));
  if (username.size() > max_username)
    throw http::api_error(http::status::unauthorized, "invalid_credentials", "unknown user or wrong password");

  const auto outcome = co_await s.gate.login(std::move(username), std::move(password), ctx);
  auto res = http::json_response(http::status::ok, session_json(outcome.who));
  res.set(http::field::set_cookie, s.gate.session_cookie_header(ctx.req, ctx.peer, outcome.session_id, outcome.max_age));
  co_return res;
}

net::awaitable<http::response> current(http::request_context& ctx) {
  co_return http::json_response(http::status::ok, session_json(*ctx.who));
}

net::awaitable<http::response> logout(services& s, http::request_context& ctx) {
  co_await s.gate.logout(ctx);
  auto res = http::response(http::status::no_content, ctx.req.version());
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::set_cookie, s.gate.clear_cookie_header(ctx.req, ctx.peer));
  co_return res;
}

}  // namespace

json session_json(const auth::principal& who) {
  return {{"username", who.username},
          {"role", who.team_role ? json(std::string(auth::to_string(*who.team_role))) : json(nullptr)},
          {"csrf_token", who.csrf_token.empty() ? json(nullptr) : json(who.csrf_token)}};
}

void register_session_routes(http::router& r, services& s) {
  r.add(http::verb::post, "/api/v1/session", auth::access::anyone,
        [&s](http::request_context& c) { return login(s, c); });
  r.add(http::verb::get, "/api/v1/session", auth::access::team, [](http::request_context& c) {
    require_known_params(c.target.query, {});
    return current(c);
  });
  r.add(http::verb::delete_, "/api/v1/session", auth::access::team,
        [&s](http::request_context& c) { return logout(s, c); });
}

}  // namespace rodeknop::api
