#pragma once
// The server's configuration: one struct with documented defaults, filled from command-line
// flags and RODEKNOP_* environment variables (see cli/commands.cpp and the README).

#include <chrono>
#include <cstddef>
#include <string>

namespace rodeknop {

struct config {
  std::string listen = "127.0.0.1:8080";   // --listen, RODEKNOP_LISTEN (HOST:PORT; port 0 = ephemeral)
  std::string db = "data/rodeknop.db";     // --db, RODEKNOP_DB (created with its schema when missing)
  std::string static_dir;                  // --static, RODEKNOP_STATIC (default: ./static, else /usr/share/rodeknop/static, else the source tree's)
  unsigned threads = 0;                    // --threads, RODEKNOP_THREADS (0 = one per core)
  std::string base_url;                    // --base-url, RODEKNOP_BASE_URL (public URL for tracking links)
  std::string synchronous = "FULL";        // --synchronous, RODEKNOP_SYNCHRONOUS (FULL or NORMAL)
  std::string log_level = "info";          // --log-level, RODEKNOP_LOG_LEVEL
  bool access_log = true;                  // --access-log, RODEKNOP_ACCESS_LOG
  std::size_t body_limit = 64 * 1024;      // bytes; larger bodies get 413
  std::size_t header_limit = 8 * 1024;     // bytes; larger headers get 431
  std::chrono::seconds header_timeout{15}; // --header-timeout: idle keep-alive and slow headers
  std::chrono::seconds body_timeout{30};   // --body-timeout
  std::chrono::seconds write_timeout{30};  // --write-timeout: a client that does not read its response is cut off
  std::chrono::seconds shutdown_grace{10}; // --shutdown-grace: in-flight requests on SIGTERM
  std::size_t max_connections = 4096;      // --max-connections
  std::size_t max_streams = 2000;          // --max-streams: open live-update streams (503 beyond)
  std::chrono::seconds sse_heartbeat{15};  // --sse-heartbeat: comment line on idle streams

  // Sessions (see auth/gate.hpp).
  std::chrono::seconds session_idle{8 * 3600};       // --session-idle: ends after this long unused
  std::chrono::seconds session_absolute{12 * 3600};  // --session-absolute: ends this long after login
  std::string cookie_secure = "auto";  // --cookie-secure: always, never, or auto (Secure except for
                                       // plain HTTP from the machine itself, i.e. development)

  // Single sign-on through the intranet's reverse proxy (off while trusted_proxies is empty).
  std::string trusted_proxies;                     // --trusted-proxies "10.0.0.5,10.1.0.0/16"
  std::string sso_user_header = "X-Remote-User";   // --sso-user-header
  std::string sso_groups_header = "X-Remote-Groups";  // --sso-groups-header
  std::string sso_group_roles;                     // --sso-group-roles "rk-team=triager;rk-mt=manager"
};

}  // namespace rodeknop
