#pragma once
// The gate every request passes before its handler: it identifies the caller (session
// cookie, `Authorization: Bearer` API token, or the intranet's single sign-on headers from a
// trusted reverse proxy), checks the route's declared access level (401 / 403) and, for
// state-changing requests that a browser authenticates by itself (cookie, SSO), the CSRF
// token and the Origin (403). It also runs logins and logouts.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "rodeknop/auth/access.hpp"
#include "rodeknop/auth/credential_cache.hpp"
#include "rodeknop/auth/proxy.hpp"
#include "rodeknop/auth/throttle.hpp"
#include "rodeknop/config.hpp"
#include "rodeknop/http/router.hpp"
#include "rodeknop/store/commit_watch.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/identity.hpp"
#include "rodeknop/store/writer.hpp"

namespace rodeknop::auth {

/// The name of the session cookie.
inline constexpr std::string_view session_cookie = "rk_session";

struct login_outcome {
  principal who;
  std::string session_id;  // the cookie value; only the client ever holds it
  std::chrono::seconds max_age{};
};

class gate {
 public:
  gate(const config& cfg, store::writer& writer, store::read_pool& readers);
  ~gate();

  /// Identifies the caller into `ctx.who` and enforces `needs`; throws http::api_error with
  /// 401 (`unauthenticated` or `session_expired`) or 403 (`forbidden`, `csrf_failed`).
  boost::asio::awaitable<void> admit(http::request_context& ctx, access needs);

  /// `admit` for routes open to anyone, without a coroutine: identifies a single-sign-on
  /// caller into `ctx.who` and returns true; false (and nothing done) for any other route.
  bool admit_at_once(http::request_context& ctx, access needs) const;

  /// For a response that goes on after the request (the event stream): a check that the
  /// credential this request was admitted with still admits it for `needs` — false once the
  /// token is revoked, the session ended (logout, account disabled) or the role changed.
  std::function<bool()> recheck(const http::request_context& ctx, access needs);

  /// Why a browser's state-changing request did not come from this site's own pages
  /// ("cross-origin", "opaque-origin"), or nullopt (also for clients that send no Origin).
  std::optional<std::string> cross_site(const http::request& req) const;

  /// The caller of a valid session cookie, if any (for open pages that greet a logged-in
  /// member, like /login); never throws for a missing or ended session.
  std::optional<principal> session_of(const http::request_context& ctx);

  /// Checks a username and password (hashing on a worker thread, never on an I/O thread),
  /// throttled per account and per client address; starts a new session on success.
  /// Throws http::api_error 401 `invalid_credentials` or 429 `too_many_attempts`.
  boost::asio::awaitable<login_outcome> login(std::string username, std::string password,
                                              const http::request_context& ctx);

  /// An Argon2id hash of a new password, made on the hashing worker (never an I/O thread).
  boost::asio::awaitable<std::string> hash_new_password(std::string password);

  /// Ends the caller's session on the server (no-op for tokens and SSO).
  boost::asio::awaitable<void> logout(const http::request_context& ctx);

  /// `Set-Cookie` value that installs / clears the session cookie for this request.
  std::string session_cookie_header(const http::request& req, const boost::asio::ip::address& peer,
                                    std::string_view session_id, std::chrono::seconds max_age) const;
  std::string clear_cookie_header(const http::request& req, const boost::asio::ip::address& peer) const;

  /// The client's address: the peer, or the address a trusted proxy forwarded for.
  boost::asio::ip::address client_address(const http::request_context& ctx) const;
  /// A trusted proxy says the client used https (X-Forwarded-Proto: https).
  bool forwarded_https(const http::request_context& ctx) const;

 private:
  std::optional<principal> from_session(const http::request_context& ctx, bool& expired);
  std::optional<principal> from_token(std::string_view token, const http::request_context& ctx);
  /// The stored session / token with this hash (cached while the database is unchanged).
  std::optional<store::session_record> find_session(const std::string& hash);
  std::optional<store::token_record> find_token(const std::string& hash);
  /// Whether a session is within its idle and absolute limits at `now`.
  bool session_alive(const store::session_record& s, domain::sys_seconds now) const;
  bool secure_cookie(const http::request& req, const boost::asio::ip::address& peer) const;
  std::string proxy_csrf_token(std::string_view username) const;
  /// The caller named by a trusted proxy's single-sign-on headers, if any.
  std::optional<principal> proxied_identity(const http::request_context& ctx) const;

  const config& cfg_;
  store::writer& writer_;
  store::read_pool& readers_;
  sso_settings sso_;
  login_throttle throttle_;
  // Verified sessions and tokens, valid while the database has not changed since (no SQLite
  // read per request on the dashboards' paths; a revocation by any process counts at once).
  store::commit_watch watch_;
  credential_cache<store::session_record> sessions_;
  credential_cache<store::token_record> tokens_;
  std::string secret_;                 // server key for derived CSRF tokens of SSO users
  boost::asio::thread_pool hashing_;   // Argon2id runs here, never on the I/O threads
};

}  // namespace rodeknop::auth
