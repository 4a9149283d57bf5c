#include "rodeknop/web/login_pages.hpp"

#include "rodeknop/api/input.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/web/pages.hpp"

namespace rodeknop::web {

namespace net = boost::asio;
using nlohmann::json;

namespace {

std::string_view role_label_nl(auth::role r) {
  switch (r) {
    case auth::role::triager: return "ontregelteam";
    case auth::role::manager: return "manager";
    case auth::role::admin: return "beheerder";
  }
  return "";
}

/// A path on this site ("/team?week=2026-W48"), never another site ("//evil", "/\\evil", "https:").
bool local_path(std::string_view p) {
  if (p.empty() || p.size() > 1000 || p.front() != '/') return false;
  if (p.size() > 1 && (p[1] == '/' || p[1] == '\\')) return false;
  for (const char c : p)
    if (static_cast<unsigned char>(c) < 0x21 || c == '\\' || c == 0x7F) return false;
  return true;
}

std::string encode_component(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct login_view {
  std::string next;
  std::string username;
  std::string problem;
  std::string detail;
  std::string notice;
  std::string username_error;  // the message at an empty field
  std::string password_error;
};

http::response login_page(services& s, http::status status, const login_view& v) {
  auto res = http::html_response(status, s.templates.render("login", {{"next", v.next},
                                                                       {"username", v.username},
                                                                       {"problem", v.problem},
                                                                       {"detail", v.detail},
                                                                       {"notice", v.notice},
                                                                       {"username_error", v.username_error},
                                                                       {"password_error", v.password_error}}));
  res.set(http::field::cache_control, "no-store");
  return res;
}

net::awaitable<http::response> show_login(services& s, http::request_context& ctx) {
  login_view v;
  if (const auto* n = ctx.query("next"); n && local_path(*n)) v.next = *n;
  // Already logged in (a bookmark, the back button): on to the page, not a second login.
  if (const auto who = s.gate.session_of(ctx)) co_return http::redirect_response(landing_path(v.next, *who));
  if (const auto* r = ctx.query("reden")) {
    if (*r == "verlopen") v.notice = "Uw sessie is verlopen. Log opnieuw in om verder te gaan.";
    if (*r == "uitgelogd") v.notice = "U bent uitgelogd.";
    if (*r == "inloggen") v.notice = "Log in om deze pagina te bekijken.";
  }
  co_return login_page(s, http::status::ok, v);
}

net::awaitable<http::response> submit_login(services& s, http::request_context& ctx) {
  if (api::require_body_kind(ctx.req, true) != api::body_kind::form)
    throw http::api_error(http::status::unsupported_media_type, "unsupported_media_type",
                          "this form takes application/x-www-form-urlencoded; scripts use POST /api/v1/session");
  // Login CSRF: another site must not log a browser in to an account of its choosing.
  if (const auto why = s.gate.cross_site(ctx.req)) {
    log::event(log::level::warn, "auth.csrf_refused", {{"reason", *why}, {"route", "/login"}});
    co_return error_page(s, http::status::forbidden, "Verzoek geweigerd",
                         "Dit inlogverzoek kwam niet van een pagina van Rode Knop. Open de inlogpagina zelf en "
                         "probeer het opnieuw.");
  }
  const auto form = api::parse_form_body(ctx.req);
  const auto get = [&](std::string_view name) {
    const auto* v = util::find_param(form, name);
    return v ? *v : std::string{};
  };
  login_view v{get("next"), get("username"), {}, {}, {}, {}, {}};
  if (!local_path(v.next)) v.next.clear();
  const auto password = get("password");
  if (v.username.empty() || password.empty() || v.username.size() > 64) {
    // Each empty field gets its own message, at the field; the summary says the same.
    if (v.username.empty()) v.username_error = "Vul uw gebruikersnaam in.";
    if (password.empty()) v.password_error = "Vul uw wachtwoord in.";
    v.problem = v.username.empty() && password.empty() ? "Vul uw gebruikersnaam en wachtwoord in."
                : v.username.empty()                   ? v.username_error
                : password.empty()                     ? v.password_error
                                                       : "Gebruikersnaam of wachtwoord is onjuist.";
    co_return login_page(s, http::status::unprocessable_entity, v);
  }

  std::optional<auth::login_outcome> outcome;
  std::optional<http::api_error> refused;
  try {
    outcome = co_await s.gate.login(v.username, password, ctx);
  } catch (const http::api_error& e) {
    refused = e;
  }
  if (refused) {
    if (refused->http_status == http::status::too_many_requests) {
      std::string after;
      for (const auto& [name, value] : refused->headers)
        if (name == http::field::retry_after) after = value;
      const auto secs = after.empty() ? 60 : std::stol(after);
      const auto minutes = (secs + 59) / 60;
      v.problem = "Te veel mislukte pogingen om in te loggen.";
      v.detail = "Wacht " + std::to_string(minutes) + (minutes == 1 ? " minuut" : " minuten") +
                 " en probeer het dan opnieuw. Weet u uw wachtwoord niet meer? Vraag de functioneel beheerder.";
      auto res = login_page(s, http::status::too_many_requests, v);
      res.set(http::field::retry_after, std::to_string(secs));
      co_return res;
    }
    if (refused->http_status != http::status::unauthorized) throw *refused;
    v.problem = "Gebruikersnaam of wachtwoord is onjuist.";
    v.detail = "Controleer beide en probeer het opnieuw. Let op hoofdletters.";
    co_return login_page(s, http::status::unauthorized, v);
  }
  auto res = http::redirect_response(landing_path(v.next, outcome->who));
  res.set(http::field::set_cookie, s.gate.session_cookie_header(ctx.req, ctx.peer, outcome->session_id, outcome->max_age));
  co_return res;
}

net::awaitable<http::response> submit_logout(services& s, http::request_context& ctx) {
  co_await s.gate.logout(ctx);
  auto res = http::redirect_response("/login?reden=uitgelogd");
  res.set(http::field::set_cookie, s.gate.clear_cookie_header(ctx.req, ctx.peer));
  co_return res;
}

}  // namespace

json user_json(const auth::principal& who) {
  const auto r = who.team_role;
  return {{"username", who.username},
          {"role", r ? std::string(auth::to_string(*r)) : ""},
          {"role_label", r ? std::string(role_label_nl(*r)) : "geen rol"},
          {"csrf_token", who.csrf_token},
          {"can_triage", who.has(auth::access::change_reports)},
          {"can_read_reports", who.has(auth::access::read_reports)},
          {"can_stats", who.has(auth::access::read_statistics)},
          {"is_session", who.via == auth::method::session}};
}

std::string landing_path(std::string_view next, const auth::principal& who) {
  // A page the role may not open is no destination (a triager's bookmark of /stats).
  const auto may_open = [&](std::string_view p) {
    if (p.starts_with("/stats")) return who.has(auth::access::read_statistics);
    if (p.starts_with("/team")) return who.has(auth::access::read_reports);
    return true;
  };
  if (local_path(next) && next != "/" && !next.starts_with("/login") && may_open(next)) return std::string(next);
  if (who.has(auth::access::change_reports)) return "/team";
  if (who.has(auth::access::read_statistics)) return "/stats";
  return "/";
}

http::response refused_page(services& s, const http::api_error& e, const http::request_context& ctx) {
  if (e.http_status == http::status::unauthorized) {
    // Back to this page after login; a refused form submission starts from the role's page.
    std::string target(ctx.req.target());
    const bool return_here = ctx.req.method() == http::verb::get && local_path(target);
    std::string location = "/login?next=" + encode_component(return_here ? target : "/");
    location += e.code == "session_expired" ? "&reden=verlopen" : "&reden=inloggen";
    return http::redirect_response(location);
  }
  if (e.code == "csrf_failed")
    return error_page(s, http::status::forbidden, "Verzoek geweigerd",
                      "Dit verzoek kwam niet van een pagina van Rode Knop of uw sessie is intussen vernieuwd. "
                      "Laad de pagina opnieuw en probeer het nog eens.",
                      ctx.who ? &*ctx.who : nullptr);
  return error_page(s, http::status::forbidden, "Geen toegang",
                    "U bent ingelogd, maar uw rol geeft geen toegang tot deze pagina.", ctx.who ? &*ctx.who : nullptr);
}

void register_login_routes(http::router& r, services& s) {
  r.add(http::verb::get, "/login", auth::access::anyone, [&s](http::request_context& c) { return show_login(s, c); });
  r.add(http::verb::post, "/login", auth::access::anyone,
        [&s](http::request_context& c) { return submit_login(s, c); });
  r.add(http::verb::post, "/logout", auth::access::team,
        [&s](http::request_context& c) { return submit_logout(s, c); });
}

}  // namespace rodeknop::web
