#pragma once
// The HTTP/1.1 server: Boost.Beast with one coroutine per connection on a thread pool.
// It owns the protocol — limits, timeouts, keep-alive, smuggling checks, graceful stop —
// and hands each complete request to one handler function.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "rodeknop/http/message.hpp"
#include "rodeknop/http/stream.hpp"

namespace rodeknop::http {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 2;
  std::size_t header_limit = 8 * 1024;        // → 431
  std::size_t body_limit = 64 * 1024;         // → 413
  std::size_t encoded_body_limit = 0;         // see request_limits
  std::function<bool(const request&)> encoded_body_allowed;
  /// A page instead of the JSON error for a request whose body was refused before it reached the
  /// handler (a browser's form over the size limit); nothing: the JSON error. Gets the request's
  /// header as read.
  std::function<std::optional<response>(const api_error&, const request&)> refused_body_page;
  std::chrono::seconds header_timeout{15};    // whole request header, and idle keep-alive
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds shutdown_grace{10};    // in-flight requests get this long on SIGTERM
  std::size_t max_connections = 4096;
  std::size_t max_requests_per_connection = 10000;
  bool access_log = true;
};

/// One request as the handler sees it, and what it tells the access log.
struct exchange {
  request req;
  boost::asio::ip::address peer;
  std::string route;  // the matched route pattern, for logs and metrics; never the raw path
  /// Set by the handler for a streaming response (see http/stream.hpp).
  stream_handler streamer;
  /// Set by the handler when the body is shared with a cache (then the response's own body is
  /// empty and this is written instead).
  std::shared_ptr<const std::string> shared_body;
};

using request_handler = std::function<boost::asio::awaitable<response>(exchange&)>;

/// Counters for /metrics.
struct server_stats {
  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> rejected_connections{0};
  std::atomic<std::uint64_t> accept_failures{0};  // e.g. out of file descriptors
};

/// Called once per request after the response is written (for access logs and metrics).
using completion_hook = std::function<void(const exchange&, unsigned status, double seconds, std::size_t bytes)>;

class server {
 public:
  server(server_options options, request_handler on_request, completion_hook on_complete = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds, prints "listening on http://HOST:PORT", serves until stop() or SIGINT/SIGTERM,
  /// then finishes in-flight requests and returns.
  void run();
  /// Graceful stop; safe from any thread.
  void stop();

  const server_stats& stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rodeknop::http
