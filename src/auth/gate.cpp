#include "rodeknop/auth/gate.hpp"

#include <cctype>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/range/iterator_range.hpp>
#include <boost/asio/this_coro.hpp>
#include <sodium.h>

#include "rodeknop/auth/passwords.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/identity.hpp"
#include "rodeknop/util/crypto.hpp"
#include "rodeknop/util/url.hpp"

namespace rodeknop::auth {

namespace net = boost::asio;
using std::chrono::seconds;

namespace {

// Last-seen and last-used times are written at most this often (each write is a commit).
constexpr seconds touch_interval{60};
constexpr std::string_view token_prefix = "rk_";

http::api_error unauthenticated(std::string code, std::string message) {
  return http::api_error(http::status::unauthorized, std::move(code), std::move(message))
      .with_header(http::field::www_authenticate, "Bearer realm=\"rodeknop\"");
}

bool same_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// The value of one cookie in a Cookie header, if present.
std::optional<std::string_view> cookie_value_in(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    auto item = header.substr(0, end);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == '=')
      return item.substr(name.size() + 1);
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

/// The credentials of `Bearer <token>`: the scheme in any case, then one or more spaces (RFC 9110
/// 11.4, RFC 6750 2.1); nothing when it is another scheme or has no token.
std::optional<std::string_view> bearer_credentials(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer";
  if (authorization.size() <= scheme.size() || !boost::beast::iequals(authorization.substr(0, scheme.size()), scheme) ||
      authorization[scheme.size()] != ' ')
    return std::nullopt;
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

/// The value of one cookie in the request's Cookie header lines (a client sends one, but a gateway
/// from HTTP/2 may split it into several), if present.
std::optional<std::string_view> cookie_value(const http::request& req, std::string_view name) {
  for (const auto& line : boost::make_iterator_range(req.equal_range(http::field::cookie)))
    if (auto value = cookie_value_in(line.value(), name)) return value;
  return std::nullopt;
}

bool is_safe_method(http::verb v) { return v == http::verb::get || v == http::verb::head || v == http::verb::options; }

/// "https://host:port" → "host:port".
std::string_view origin_authority(std::string_view origin) {
  const auto p = origin.find("://");
  if (p == std::string_view::npos) return {};
  auto rest = origin.substr(p + 3);
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  return rest;
}

template <class Fn>
auto run_on(net::thread_pool& pool, Fn fn) -> net::awaitable<decltype(fn())> {
  using R = decltype(fn());
  auto task = [f = std::move(fn)]() -> net::awaitable<R> { co_return f(); };
  co_return co_await net::co_spawn(pool.get_executor(), std::move(task), net::use_awaitable);
}

std::string role_name(const principal& p) { return p.team_role ? std::string(to_string(*p.team_role)) : ""; }

}  // namespace

gate::gate(const config& cfg, store::writer& writer, store::read_pool& readers)
    : cfg_(cfg),
      writer_(writer),
      readers_(readers),
      sso_(parse_sso_settings(cfg.trusted_proxies, cfg.sso_user_header, cfg.sso_groups_header, cfg.sso_group_roles)),
      watch_(readers.options()),
      hashing_(1) {
  const std::string fresh = [] {
    std::string k(crypto_auth_KEYBYTES, '\0');
    randombytes_buf(k.data(), k.size());
    return k;
  }();
  secret_ = writer_.run<std::string>([fresh](store::connection& c) { return store::server_key(c, "csrf", fresh); });
  if (!sso_.trusted_proxies.empty())
    log::event(log::level::info, "sso_enabled",
               {{"trusted_proxies", cfg.trusted_proxies},
                {"user_header", sso_.user_header},
                {"groups_header", sso_.groups_header},
                {"mapped_groups", sso_.group_roles.size()}});
}

gate::~gate() { hashing_.join(); }

net::awaitable<std::string> gate::hash_new_password(std::string password) {
  auto make = [password = std::move(password)]() { return hash_password(password); };
  co_return co_await run_on(hashing_, std::move(make));
}

std::string gate::proxy_csrf_token(std::string_view username) const {
  std::string mac(crypto_auth_BYTES, '\0');
  const std::string message = "csrf:" + std::string(username);
  crypto_auth(reinterpret_cast<unsigned char*>(mac.data()), reinterpret_cast<const unsigned char*>(message.data()),
              message.size(), reinterpret_cast<const unsigned char*>(secret_.data()));
  std::string out(sodium_base64_ENCODED_LEN(mac.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(mac.data()), mac.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);
  return out;
}

net::ip::address gate::client_address(const http::request_context& ctx) const {
  if (!sso_.trusts(ctx.peer)) return ctx.peer;
  // The last line and its right-most address are the trusted proxy's own: a proxy that adds a
  // line of its own (HAProxy's forwardfor) leaves the client's line before it.
  std::string_view xff;
  for (auto [it, end] = ctx.req.equal_range("X-Forwarded-For"); it != end; ++it) xff = it->value();
  if (xff.empty()) return ctx.peer;
  if (const auto comma = xff.rfind(','); comma != std::string_view::npos) xff = xff.substr(comma + 1);
  while (!xff.empty() && xff.front() == ' ') xff.remove_prefix(1);
  boost::system::error_code ec;
  const auto a = net::ip::make_address(std::string(xff), ec);
  return ec ? ctx.peer : a;
}

bool gate::forwarded_https(const http::request_context& ctx) const {
  return sso_.trusts(ctx.peer) && boost::beast::iequals(ctx.req["X-Forwarded-Proto"], "https");
}

bool gate::secure_cookie(const http::request& req, const net::ip::address& peer) const {
  if (cfg_.cookie_secure == "always") return true;
  if (cfg_.cookie_secure == "never") return false;
  if (cfg_.base_url.rfind("https://", 0) == 0) return true;
  if (sso_.trusts(peer)) return req["X-Forwarded-Proto"] != "http";
  // Plain HTTP from this machine is development; anything else is expected to be HTTPS.
  const bool mapped_loopback = peer.is_v6() && peer.to_v6().is_v4_mapped() &&
                              net::ip::make_address_v4(net::ip::v4_mapped, peer.to_v6()).is_loopback();
  return !peer.is_loopback() && !mapped_loopback;
}

std::string gate::session_cookie_header(const http::request& req, const net::ip::address& peer,
                                        std::string_view session_id, seconds max_age) const {
  std::string c = std::string(session_cookie) + "=" + std::string(session_id) +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
  if (secure_cookie(req, peer)) c += "; Secure";
  return c;
}

std::string gate::clear_cookie_header(const http::request& req, const net::ip::address& peer) const {
  return session_cookie_header(req, peer, "", seconds{0});
}

std::optional<store::session_record> gate::find_session(const std::string& hash) {
  return sessions_.find_or_read(hash, watch_, [&] {
    auto conn = readers_.acquire();
    return store::find_session(*conn, hash);
  });
}

std::optional<store::token_record> gate::find_token(const std::string& hash) {
  return tokens_.find_or_read(hash, watch_, [&] {
    auto conn = readers_.acquire();
    return store::find_token(*conn, hash);
  });
}

bool gate::session_alive(const store::session_record& s, domain::sys_seconds now) const {
  return now - s.last_seen_at <= cfg_.session_idle && now - s.created_at <= cfg_.session_absolute;
}

std::optional<principal> gate::from_session(const http::request_context& ctx, bool& expired) {
  const auto cookie = cookie_value(ctx.req, session_cookie);
  if (!cookie) return std::nullopt;
  if (!util::plausible_token(*cookie)) {
    expired = true;
    return std::nullopt;
  }
  const auto hash = util::token_hash(*cookie);
  const auto s = find_session(hash);
  const auto now = domain::now();
  if (!s || !session_alive(*s, now)) {
    expired = true;
    if (s) {
      writer_.submit([hash, now](store::connection& c) { store::end_session(c, hash, now); },
                     [](std::exception_ptr) {});
      log::event(log::level::info, "auth.session_expired", {{"username", s->username}});
    }
    return std::nullopt;
  }
  // Often enough that a session in use never reaches its idle limit between two touches.
  if (now - s->last_seen_at >= std::min<seconds>(touch_interval, cfg_.session_idle / 4))
    writer_.submit([hash, now](store::connection& c) { store::touch_session(c, hash, now); },
                   [](std::exception_ptr) {});
  return principal{s->username, parse_role(s->role), method::session, s->csrf_token};
}

std::optional<principal> gate::from_token(std::string_view token, const http::request_context& ctx) {
  std::optional<store::token_record> t;
  if (token.substr(0, token_prefix.size()) == token_prefix &&
      util::plausible_token(token.substr(token_prefix.size()))) {
    const auto hash = util::token_hash(token);
    t = find_token(hash);
  }
  if (!t) {
    log::event(log::level::warn, "auth.token_refused",
               {{"address", client_address(ctx).to_string()}, {"route", std::string(ctx.route)}});
    return std::nullopt;
  }
  const auto now = domain::now();
  if (!t->last_used_at || now - *t->last_used_at >= touch_interval) {
    const auto id = t->id;
    writer_.submit([id, now](store::connection& c) { store::touch_token(c, id, now); }, [](std::exception_ptr) {});
    log::event(log::level::info, "auth.token_used", {{"token", t->name}, {"role", t->role}});
  }
  return principal{"token:" + t->name, parse_role(t->role), method::token, {}};
}

std::optional<principal> gate::proxied_identity(const http::request_context& ctx) const {
  const auto& req = ctx.req;
  // Single sign-on headers count only from a trusted proxy.
  const auto user_it = req.find(sso_.user_header);
  if (user_it == req.end()) return std::nullopt;
  const std::string_view user = user_it->value();
  if (!sso_.trusts(ctx.peer)) {
    log::event(log::level::warn, "auth.untrusted_identity_header",
               {{"peer", ctx.peer.to_string()}, {"header", sso_.user_header}});
    return std::nullopt;
  }
  // A proxy that adds its header to the client's instead of replacing it leaves two: the client's
  // may come first. Two of either header identify nobody.
  if (req.count(sso_.user_header) > 1 || req.count(sso_.groups_header) > 1) {
    log::event(log::level::warn, "auth.repeated_identity_header", {{"peer", ctx.peer.to_string()}, {"header", sso_.user_header}});
    return std::nullopt;
  }
  if (!plausible_sso_user(user)) {
    // Not the name itself: it may be anything, also a person's name in a form nobody expects.
    log::event(log::level::warn, "auth.implausible_identity_header", {{"peer", ctx.peer.to_string()}, {"header", sso_.user_header}});
    return std::nullopt;
  }
  return principal{std::string(user), sso_.role_for(req[sso_.groups_header]), method::proxy, proxy_csrf_token(user)};
}

bool gate::admit_at_once(http::request_context& ctx, access needs) const {
  if (needs != access::anyone) return false;
  // Open routes look no further (no database work on the reporter's and health paths);
  // a report sent through single sign-on still learns who sent it.
  ctx.who = proxied_identity(ctx);
  return true;
}

std::function<bool()> gate::recheck(const http::request_context& ctx, access needs) {
  const auto token = bearer_credentials(ctx.req[http::field::authorization]);
  if (ctx.who && ctx.who->via == method::token && token) {
    const auto hash = util::token_hash(*token);
    return [this, hash, needs] {
      const auto t = find_token(hash);
      return t && principal{"token:" + t->name, parse_role(t->role), method::token, {}}.has(needs);
    };
  }
  if (ctx.who && ctx.who->via == method::session) {
    const auto cookie = cookie_value(ctx.req, session_cookie);
    if (!cookie) return [] { return false; };
    const auto hash = util::token_hash(*cookie);
    return [this, hash, needs] {
      const auto s = find_session(hash);
      return s && session_alive(*s, domain::now()) &&
             principal{s->username, parse_role(s->role), method::session, s->csrf_token}.has(needs);
    };
  }
  // Single sign-on: the proxy vouches for each request; this one was admitted.
  return [] { return true; };
}

std::optional<principal> gate::session_of(const http::request_context& ctx) {
  bool expired = false;
  return from_session(ctx, expired);
}

std::optional<std::string> gate::cross_site(const http::request& req) const {
  // A browser says so itself when another site sent it (also where it sends no Origin).
  // Rode Knop's own pages are same-origin: another site under the same domain (same-site) is not.
  if (boost::beast::iequals(req["Sec-Fetch-Site"], "cross-site")) return "cross-site";
  if (boost::beast::iequals(req["Sec-Fetch-Site"], "same-site")) return "same-site";
  const std::string_view origin = req[http::field::origin];
  // Our pages send `Referrer-Policy: same-origin` (no address leaves for another site, a
  // tracking link's token included), so a browser sends their own Origin with their form posts.
  // With `no-referrer` it sent `Origin: null`, and only Sec-Fetch-Site told where it came from:
  // browsers send that header to secure contexts only, so a login over plain http under an
  // intranet name was refused. `Origin: null` still counts when Sec-Fetch-Site vouches for it.
  if (origin == "null") {
    const std::string_view site = req["Sec-Fetch-Site"];
    if (site != "same-origin" && site != "none") return "opaque-origin";
    return std::nullopt;
  }
  if (origin.empty()) return std::nullopt;
  const bool same = cfg_.base_url.empty() ? origin_authority(origin) == req[http::field::host]
                                          : cfg_.base_url.rfind(std::string(origin), 0) == 0 &&
                                                (cfg_.base_url.size() == origin.size() ||
                                                 cfg_.base_url[origin.size()] == '/');
  if (!same) return "cross-origin";
  return std::nullopt;
}

net::awaitable<void> gate::admit(http::request_context& ctx, access needs) {
  if (admit_at_once(ctx, needs)) co_return;
  const auto& req = ctx.req;
  std::optional<principal> proxied = proxied_identity(ctx);

  bool expired = false;
  // Of two, which one counts would depend on who reads them: none does.
  if (req.count(http::field::authorization) > 1)
    throw http::api_error(http::status::bad_request, "bad_request", "send one Authorization header, not several");
  const std::string_view authorization = req[http::field::authorization];
  if (!authorization.empty()) {
    const auto token = bearer_credentials(authorization);
    if (!token) throw unauthenticated("unauthenticated", "the Authorization header must be \"Bearer <token>\"");
    ctx.who = from_token(*token, ctx);
    if (!ctx.who) throw unauthenticated("invalid_token", "the API token is unknown or revoked");
  } else {
    ctx.who = from_session(ctx, expired);
    if (!ctx.who && proxied) ctx.who = std::move(proxied);
  }

  if (!ctx.who) {
    if (expired) throw unauthenticated("session_expired", "the session has ended; log in again");
    throw unauthenticated("unauthenticated", "log in first (session cookie or Authorization: Bearer token)");
  }
  if (!ctx.who->has(needs)) {
    log::event(log::level::warn, "auth.refused",
               {{"username", ctx.who->username}, {"role", role_name(*ctx.who)},
                {"needs", std::string(to_string(needs))}, {"route", std::string(ctx.route)}});
    throw http::api_error(http::status::forbidden, "forbidden",
                          ctx.who->team_role ? "your role (" + role_name(*ctx.who) + ") may not do this"
                                             : "you have no role in the team");
  }

  // A browser sends cookies and SSO credentials by itself: state changes must prove that the
  // page that asked is ours.
  if (!is_safe_method(req.method()) && ctx.who->via != method::token) {
    if (const auto why = cross_site(req)) {
      log::event(log::level::warn, "auth.csrf_refused",
                 {{"username", ctx.who->username}, {"reason", *why}, {"route", std::string(ctx.route)}});
      throw http::api_error(http::status::forbidden, "csrf_failed", "cross-origin requests may not change anything");
    }
    // Scripts send the header; the pages' plain HTML forms (logout) send a hidden field.
    std::string presented(req["X-CSRF-Token"]);
    if (presented.empty() && req[http::field::content_type].starts_with("application/x-www-form-urlencoded"))
      if (const auto form = util::parse_form(req.body()))
        if (const auto* v = util::find_param(*form, "csrf_token")) presented = *v;
    if (!same_bytes(presented, ctx.who->csrf_token) || ctx.who->csrf_token.empty()) {
      log::event(log::level::warn, "auth.csrf_refused",
                 {{"username", ctx.who->username}, {"reason", "token"}, {"route", std::string(ctx.route)}});
      throw http::api_error(http::status::forbidden, "csrf_failed",
                            "the X-CSRF-Token header is missing or does not match the session");
    }
  }
  co_return;
}

net::awaitable<login_outcome> gate::login(std::string username, std::string password,
                                          const http::request_context& ctx) {
  const auto address = client_address(ctx).to_string();
  std::optional<store::user_record> user;
  {
    auto conn = readers_.acquire();
    user = store::find_user_for_login(*conn, username);
  }
  // Names are unique without case, and a login may spell them either way: from here on the
  // account's own spelling (also for the throttle, which a change of case must not get round).
  if (user) username = user->username;
  else
    for (auto& ch : username) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  // An unknown name is never logged: it is often a password typed into the wrong field.
  const std::string logged_name = user ? username : std::string("(unknown)");
  // The account's failures count against its present password and state: when the admin sets
  // a new password or enables the account again (either changes `updated_at`), its owner may log
  // in at once.
  const std::string account =
      user ? username + '\n' + std::to_string(std::hash<std::string>{}(user->password_hash)) + '\n' +
                 std::to_string(user->updated_at.time_since_epoch().count())
           : username;
  if (const auto wait = throttle_.wait(account, address)) {
    log::event(log::level::warn, "auth.login_throttled", {{"username", logged_name}, {"address", address}});
    throw http::api_error(http::status::too_many_requests, "too_many_attempts",
                          "too many failed logins; try again later")
        .with_header(http::field::retry_after, std::to_string(wait->count()));
  }

  const bool usable = user && !user->disabled;
  const std::string hash = usable ? user->password_hash : decoy_hash();
  // Argon2id takes tens of milliseconds and megabytes: never on an I/O thread.
  auto check = [hash, password]() {
    return std::pair<bool, bool>{verify_password(hash, password), needs_rehash(hash)};
  };
  const auto [ok, rehash] = co_await run_on(hashing_, std::move(check));
  if (!usable || !ok) {
    throttle_.failed(account, address);
    log::event(log::level::warn, "auth.login_failed",
               {{"username", logged_name},
                {"address", address},
                {"reason", !user ? "unknown_user" : user->disabled ? "disabled" : "wrong_password"}});
    throw http::api_error(http::status::unauthorized, "invalid_credentials", "unknown user or wrong password");
  }
  throttle_.succeeded(account, address);

  std::string new_hash;
  if (rehash) {
    auto make = [password]() { return hash_password(password); };
    new_hash = co_await run_on(hashing_, std::move(make));
  }

  // A fresh id at every login; a session the browser still had is ended (no fixation).
  login_outcome out{principal{user->username, parse_role(user->role), method::session, util::random_token()},
                    util::random_token(), cfg_.session_absolute};
  std::string old_hash;
  if (const auto old = cookie_value(ctx.req, session_cookie); old && util::plausible_token(*old))
    old_hash = util::token_hash(*old);
  const auto now = domain::now();
  auto job = [id_hash = util::token_hash(out.session_id), name = user->username, csrf = out.who.csrf_token, old_hash,
              new_hash, now, idle = cfg_.session_idle, absolute = cfg_.session_absolute](store::connection& c) {
    if (!old_hash.empty()) store::end_session(c, old_hash, now);
    store::expire_sessions(c, now - idle, now - absolute);
    store::insert_session(c, id_hash, name, csrf, now);
    if (!new_hash.empty()) store::set_user_password(c, name, new_hash, now);
    return true;
  };
  co_await writer_.async_run<bool>(std::move(job));
  log::event(log::level::info, "auth.login",
             {{"username", out.who.username}, {"role", role_name(out.who)}, {"address", address}});
  co_return out;
}

net::awaitable<void> gate::logout(const http::request_context& ctx) {
  const auto cookie = cookie_value(ctx.req, session_cookie);
  if (!ctx.who || ctx.who->via != method::session || !cookie) co_return;
  const auto now = domain::now();
  auto job = [hash = util::token_hash(*cookie), now](store::connection& c) {
    store::end_session(c, hash, now);
    return true;
  };
  co_await writer_.async_run<bool>(std::move(job));
  log::event(log::level::info, "auth.logout", {{"username", ctx.who->username}});
}

}  // namespace rodeknop::auth
