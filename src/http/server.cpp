#include "rodeknop/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/asio/write.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>

#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rodeknop/http/request_check.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/util/thread_name.hpp"

namespace rodeknop::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// At the limit every new connection is refused: one line a second says so.
log::repeating connection_refused_log;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Each connection lives on one io_context run by one thread, so its state needs no strand.
using executor_type = net::io_context::executor_type;
using socket_type = tcp::socket::rebind_executor<executor_type>::other;
using clock_type = std::chrono::steady_clock;

// A connection's state. Deadlines are plain values that a watchdog checks once a second, so
// a request costs no timer operations.
struct connection {
  connection(socket_type&& s, net::ip::address p) : socket(std::move(s)), peer(p), watchdog(socket.get_executor()) {}
  socket_type socket;
  // The client's address as accept() gave it: asked of the socket later, it is gone once the
  // client has reset the connection (and would read as 0.0.0.0).
  net::ip::address peer;
  net::steady_timer watchdog;
  clock_type::time_point deadline = clock_type::time_point::max();
  bool timed_out = false;     // the watchdog cancelled an operation
  bool finished = false;      // the session is over; the watchdog stops
  std::string out;            // the serialised response, reused across requests
  bool busy = false;          // a request is being handled; all of this is touched on the connection's thread only
  bool close_requested = false;
  // A streaming response (http/stream.hpp) owns the connection after its headers.
  bool streaming = false;
  bool stream_stop = false;   // the server is stopping: the stream must end
  bool woken = false;         // the stream's waker ran since its last wait
  std::unique_ptr<net::steady_timer> wake_timer;

  void expires_after(std::chrono::seconds d) { deadline = clock_type::now() + d; }
};

/// Cancels the connection's I/O when its deadline has passed (slow or idle clients).
net::awaitable<void> watch(std::shared_ptr<connection> c) {
  while (!c->finished) {
    c->watchdog.expires_after(std::chrono::seconds(1));
    co_await c->watchdog.async_wait(use_tuple);  // cancelled when the session ends
    if (c->finished) break;
    if (clock_type::now() >= c->deadline) {
      c->timed_out = true;
      boost::system::error_code ignored;
      c->socket.cancel(ignored);
    }
  }
}

/// Bodies up to this size are copied behind the headers (one buffer, one write); larger ones
/// are written from where they are, together with the headers (one gathered write).
constexpr std::size_t copy_body_below = 16 * 1024;

/// Status line and headers, and the body too when it is small: no generic serializer.
/// `body` is what goes out as the body (the response's own, or one shared with a cache).
/// Returns whether the body still has to be written after `out`.
bool serialise(const response& res, std::string_view body, bool keep_alive, unsigned request_version, bool head,
               std::string& out, bool streaming = false) {
  out.clear();
  const unsigned code = res.result_int();
  out += "HTTP/1.1 ";
  out += std::to_string(code);
  out += ' ';
  const auto reason = res.reason().empty() ? boost::beast::http::obsolete_reason(res.result()) : res.reason();
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& f : res) {
    const auto name = f.name();
    if (name == field::content_length || name == field::connection || name == field::transfer_encoding ||
        name == field::date)
      continue;
    const auto n = f.name_string();
    const auto v = f.value();
    out.append(n.data(), n.size());
    out += ": ";
    out.append(v.data(), v.size());
    out += "\r\n";
  }
  out += security_headers();
  out += date_header();  // RFC 9110 6.6.1: an origin server with a clock sends Date
  if (!keep_alive)
    out += "Connection: close\r\n";
  else if (request_version < 11)
    out += "Connection: keep-alive\r\n";
  const bool bodyless = code < 200 || code == 204 || code == 304;
  if (streaming) {
    // The body runs until the connection closes (keep_alive is false for streams).
    out += "\r\n";
    return false;
  }
  if (!bodyless) {
    out += "Content-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
  }
  out += "\r\n";
  if (bodyless || head) return false;
  if (body.size() >= copy_body_below) return true;
  out += body;
  return false;
}

}  // namespace

struct server::impl {
  impl(server_options o, request_handler h, completion_hook c)
      : options(std::move(o)),
        on_request(std::move(h)),
        on_complete(std::move(c)),
        contexts(make_contexts(std::max(1u, options.threads))),
        acceptor(*contexts[0]),
        signals(*contexts[0], SIGINT, SIGTERM, SIGHUP),  // SIGHUP: the terminal closed
        grace_timer(*contexts[0]) {}

  static std::vector<std::unique_ptr<net::io_context>> make_contexts(unsigned n) {
    std::vector<std::unique_ptr<net::io_context>> out;
    for (unsigned i = 0; i < n; ++i) out.push_back(std::make_unique<net::io_context>(1));
    return out;
  }

  server_options options;
  request_handler on_request;
  completion_hook on_complete;
  // One io_context per thread; connections are spread over them. The acceptor, the signals
  // and the shutdown timer live on the first.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<net::executor_work_guard<executor_type>> keep_running;
  std::size_t next_context = 0;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer grace_timer;
  server_stats stats;
  std::atomic<bool> stopping{false};
  std::mutex connections_mutex;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<connection>> connections;

  /// Refused connections still lingering (see refuse()).
  std::atomic<std::size_t> lingering{0};

  net::awaitable<void> accept_loop();
  void refuse(socket_type socket);
  net::awaitable<void> session(std::shared_ptr<connection> c, std::uint64_t id);
  net::awaitable<bool> send(connection& c, const response& res, exchange& ex, bool keep_alive,
                            std::chrono::steady_clock::time_point started);
  net::awaitable<void> send_stream(std::shared_ptr<connection> c, const response& res, exchange& ex,
                                   std::chrono::steady_clock::time_point started);
  void begin_stop();
  void finish_if_drained();
};

server::server(server_options options, request_handler on_request, completion_hook on_complete)
    : impl_(std::make_unique<impl>(std::move(options), std::move(on_request), std::move(on_complete))) {}

server::~server() = default;

const server_stats& server::stats() const { return impl_->stats; }

void server::stop() {
  net::post(*impl_->contexts[0], [i = impl_.get()] { i->begin_stop(); });
}

void server::run() {
  auto& s = *impl_;
  const auto address = net::ip::make_address(s.options.host);
  tcp::endpoint endpoint{address, s.options.port};
  // One plain line for the operator ("cannot listen on 127.0.0.1:8080: Address already in use"),
  // not Boost's with its source location.
  boost::system::error_code bind_ec;
  s.acceptor.open(endpoint.protocol(), bind_ec);
  if (!bind_ec) s.acceptor.set_option(net::socket_base::reuse_address(true), bind_ec);
  if (!bind_ec) s.acceptor.bind(endpoint, bind_ec);
  if (!bind_ec) s.acceptor.listen(net::socket_base::max_listen_connections, bind_ec);
  if (bind_ec)
    throw std::runtime_error("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) + ": " +
                             bind_ec.message());
  const auto bound = s.acceptor.local_endpoint();

  s.signals.async_wait([&s](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::event(log::level::info, "stopping", {{"signal", signo}});
    s.begin_stop();
  });

  net::co_spawn(s.acceptor.get_executor(), s.accept_loop(), net::detached);

  std::string host = bound.address().to_string();
  if (bound.address().is_v6()) host = "[" + host + "]";
  log::announce("listening on http://" + host + ":" + std::to_string(bound.port()));
  // Every connection is a descriptor, and the database and logs need some: a limit below
  // --max-connections means accept() fails long before the server refuses anyone itself. The
  // soft limit is raised as far as the hard one allows (as Go's runtime does); what is still
  // short is said.
  const rlim_t wanted = s.options.max_connections + 64;
  if (rlimit fds{}; ::getrlimit(RLIMIT_NOFILE, &fds) == 0 && fds.rlim_cur != RLIM_INFINITY && fds.rlim_cur < wanted) {
    const rlimit raised{fds.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, fds.rlim_max), fds.rlim_max};
    if (raised.rlim_cur > fds.rlim_cur && ::setrlimit(RLIMIT_NOFILE, &raised) == 0) fds.rlim_cur = raised.rlim_cur;
  }
  if (rlimit fds{}; ::getrlimit(RLIMIT_NOFILE, &fds) == 0 && fds.rlim_cur != RLIM_INFINITY && fds.rlim_cur < wanted)
    log::event(log::level::warn, "file_descriptor_limit_low",
               {{"limit", static_cast<std::uint64_t>(fds.rlim_cur)},
                {"max_connections", s.options.max_connections},
                {"advice", "raise the limit (ulimit -n, LimitNOFILE=) above max-connections + 64, or lower --max-connections"}});

  for (std::size_t i = 1; i < s.contexts.size(); ++i) s.keep_running.push_back(net::make_work_guard(*s.contexts[i]));
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < s.contexts.size(); ++i)
    pool.emplace_back([&s, i] {
      util::name_this_thread("rk-io-" + std::to_string(i));
      s.contexts[i]->run();
    });
  util::name_this_thread("rk-io-0");
  s.contexts[0]->run();
  for (auto& t : pool) t.join();
}

void server::impl::begin_stop() {
  if (stopping.exchange(true)) return;
  // Runs on the first context (signal handler or server::stop), which owns the acceptor.
  signals.cancel();
  boost::system::error_code ignored;
  acceptor.close(ignored);
  for (auto& guard : keep_running) guard.reset();
  // Idle connections close now; busy ones close after their response.
  std::lock_guard lock(connections_mutex);
  for (auto& [id, weak] : connections) {
    if (auto c = weak.lock()) {
      net::post(c->socket.get_executor(), [c] {
        c->close_requested = true;
        boost::system::error_code cancel_ec;
        if (c->streaming) {
          // Streams never finish by themselves: end them now.
          c->stream_stop = true;
          if (c->wake_timer) c->wake_timer->cancel();
          c->socket.cancel(cancel_ec);
        } else if (!c->busy) {
          c->socket.cancel(cancel_ec);
        }
      });
    }
  }
  // Requests that do not finish within the grace period are cut off.
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    log::event(log::level::warn, "shutdown_grace_expired");
    for (auto& ctx : contexts) ctx->stop();
  });
  finish_if_drained();
}

void server::impl::finish_if_drained() {
  net::post(*contexts[0], [this] {
    if (!stopping) return;
    std::lock_guard lock(connections_mutex);
    if (connections.empty()) grace_timer.cancel();
  });
}

namespace {

/// At most this many refused connections linger at a time (each holds a descriptor), each for
/// at most `refusal_linger`; beyond that a refused client is answered and closed at once.
constexpr std::size_t max_lingering = 32;
constexpr auto refusal_linger = std::chrono::seconds(1);

/// A refused connection while it lingers.
struct refusal {
  explicit refusal(socket_type&& s) : socket(std::move(s)), timer(socket.get_executor()) {}
  socket_type socket;
  net::steady_timer timer;
  std::array<char, 2048> scratch{};
};

/// Reads and drops what the client sends until it closes (or the timer closes the socket):
/// closing a socket with unread input resets the connection, which can discard the answer at
/// the client before it was read. At most 64 KiB are read.
net::awaitable<void> linger(std::shared_ptr<refusal> r) {
  std::size_t dropped = 0;
  while (dropped < 64 * 1024) {
    auto [ec, n] = co_await r->socket.async_read_some(net::buffer(r->scratch), use_tuple);
    if (ec) break;
    dropped += n;
  }
  r->timer.cancel();
  boost::system::error_code ignored;
  r->socket.close(ignored);
}

}  // namespace

void server::impl::refuse(socket_type socket) {
  // A short answer instead of a reset, so that the client knows to come back: written without
  // reading the request, and without waiting (a new socket's send buffer takes it whole).
  const auto res = error_response(api_error(status::service_unavailable, "too_many_connections",
                                            "the server has too many open connections; try again shortly")
                                      .with_header(field::retry_after, "5"));
  std::string out;
  serialise(res, res.body(), false, 11, false, out);
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) socket.write_some(net::buffer(out), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  if (lingering.fetch_add(1, std::memory_order_relaxed) >= max_lingering) {
    lingering.fetch_sub(1, std::memory_order_relaxed);
    socket.close(ec);
    return;
  }
  auto r = std::make_shared<refusal>(std::move(socket));
  r->timer.expires_after(refusal_linger);
  r->timer.async_wait([r](const boost::system::error_code& timer_ec) {
    if (timer_ec) return;
    boost::system::error_code ignored;
    r->socket.close(ignored);
  });
  auto ex = r->socket.get_executor();
  net::co_spawn(ex, linger(std::move(r)),
                [this](std::exception_ptr) { lingering.fetch_sub(1, std::memory_order_relaxed); });
}

net::awaitable<void> server::impl::accept_loop() {
  std::uint64_t failed_accepts = 0;
  for (;;) {
    auto target = contexts[next_context++ % contexts.size()]->get_executor();
    tcp::endpoint peer;
    auto [ec, socket] = co_await acceptor.async_accept(target, peer, use_tuple);
    if (stopping || ec == net::error::operation_aborted || !acceptor.is_open()) break;
    if (ec) {
      // Out of file descriptors or a similar passing condition: wait a little, keep accepting
      // (the connection waits in the listen queue). Logged once per episode, not per attempt.
      stats.accept_failures.fetch_add(1, std::memory_order_relaxed);
      if (failed_accepts++ == 0) log::event(log::level::warn, "accept_failed", {{"error", ec.message()}});
      net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (failed_accepts > 0) {
      log::event(log::level::info, "accept_recovered", {{"failed_attempts", failed_accepts}});
      failed_accepts = 0;
    }
    stats.accepted.fetch_add(1, std::memory_order_relaxed);
    if (static_cast<std::size_t>(stats.open_connections.load()) >= options.max_connections) {
      stats.rejected_connections.fetch_add(1, std::memory_order_relaxed);
      connection_refused_log.event(log::level::warn, "connection_refused",
                                   {{"reason", "max_connections"}, {"max_connections", options.max_connections}});
      refuse(std::move(socket));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<connection>(std::move(socket), peer.address());
    std::uint64_t id = 0;
    {
      std::lock_guard lock(connections_mutex);
      id = next_id++;
      connections.emplace(id, c);
    }
    stats.open_connections.fetch_add(1, std::memory_order_relaxed);
    auto ex = c->socket.get_executor();
    net::co_spawn(ex, watch(c), net::detached);
    net::co_spawn(ex, session(std::move(c), id), [this, id](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& err) {
          log::event(log::level::err, "connection_failed", {{"error", err.what()}});
        }
      }
      stats.open_connections.fetch_sub(1, std::memory_order_relaxed);
      {
        std::lock_guard lock(connections_mutex);
        connections.erase(id);
      }
      finish_if_drained();
    });
  }
}

net::awaitable<bool> server::impl::send(connection& c, const response& res, exchange& ex, bool keep_alive,
                                        std::chrono::steady_clock::time_point started) {
  const std::string_view body = ex.shared_body ? std::string_view(*ex.shared_body) : std::string_view(res.body());
  // HEAD of a stream: the headers a GET would get, without a Content-Length (its body has none).
  const bool open_ended = ex.streamer && res.result() == status::ok;
  const bool body_apart = serialise(res, body, keep_alive, ex.req.version() ? ex.req.version() : 11,
                                    ex.req.method() == verb::head, c.out, open_ended);
  const auto status_code = res.result_int();
  c.expires_after(options.write_timeout);
  const std::array<net::const_buffer, 2> parts{net::buffer(c.out), net::buffer(body.data(), body_apart ? body.size() : 0)};
  auto [ec, bytes] = co_await net::async_write(c.socket, parts, use_tuple);
  if (on_complete) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    on_complete(ex, status_code, seconds, bytes);
  }
  co_return !ec && keep_alive;
}

namespace {

// Ends a connection however its session ends — also by an exception, which must never leave
// a socket open with its watchdog keeping it alive.
struct connection_closer {
  connection& c;
  ~connection_closer() {
    boost::system::error_code ignored;
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
    c.socket.close(ignored);
    c.finished = true;
    c.watchdog.cancel();
  }
};

// The connection as a streaming handler sees it.
class connection_stream final : public stream {
 public:
  connection_stream(std::shared_ptr<connection> c, std::chrono::seconds write_timeout, const std::atomic<bool>& stopping)
      : c_(std::move(c)), write_timeout_(write_timeout), stopping_(stopping) {}

  net::awaitable<bool> write(std::string_view data) override {
    if (ended()) co_return false;
    c_->expires_after(write_timeout_);  // a client that stops reading is cut off by the watchdog
    auto [ec, n] = co_await net::async_write(c_->socket, net::buffer(data.data(), data.size()), use_tuple);
    c_->deadline = clock_type::time_point::max();
    co_return !ec && !ended();
  }

  net::awaitable<bool> wait(std::chrono::milliseconds timeout) override {
    if (ended()) co_return false;
    if (!c_->woken) {
      c_->wake_timer->expires_after(timeout);
      co_await c_->wake_timer->async_wait(use_tuple);
    }
    c_->woken = false;
    co_return !ended();
  }

  std::function<void()> closer() override {
    return [weak = std::weak_ptr<connection>(c_), ex = c_->socket.get_executor()] {
      net::post(ex, [weak] {
        if (auto c = weak.lock(); c && c->streaming) {
          c->stream_stop = true;
          if (c->wake_timer) c->wake_timer->cancel();
          boost::system::error_code ignored;
          c->socket.cancel(ignored);
        }
      });
    };
  }

  std::function<void()> waker() override {
    return [weak = std::weak_ptr<connection>(c_), ex = c_->socket.get_executor()] {
      net::post(ex, [weak] {
        if (auto c = weak.lock()) {
          c->woken = true;
          if (c->wake_timer) c->wake_timer->cancel();
        }
      });
    };
  }

 private:
  bool ended() const { return c_->stream_stop || stopping_.load(std::memory_order_relaxed); }
  std::shared_ptr<connection> c_;
  std::chrono::seconds write_timeout_;
  const std::atomic<bool>& stopping_;
};

// Reads from a streaming connection until the client closes it (or the stream ends): a client
// that leaves frees its stream at once, not at the next heartbeat or event that fails to go out.
// Clients send nothing on an event stream; whatever they do send is read and ignored.
/// The answer to a request refused by the protocol checks: the JSON error, or the page the
/// application gives for a body refused as too large (a browser's form).
response refused_response(const api_error& e, const request_parser& parser, const server_options& options) {
  // (A Content-Length over the limit is refused while the header is read: its fields are there.)
  if (options.refused_body_page && e.http_status == status::payload_too_large) {
    try {
      if (auto page = options.refused_body_page(e, parser.get())) return std::move(*page);
    } catch (const std::exception& failure) {
      log::event(log::level::err, "refused_body_page_failed", {{"error", failure.what()}});
    }
  }
  return error_response(e);
}

net::awaitable<void> watch_for_close(std::shared_ptr<connection> c) {
  std::array<char, 512> scratch;
  for (;;) {
    auto [ec, n] = co_await c->socket.async_read_some(net::buffer(scratch), use_tuple);
    if (ec) break;
  }
  if (c->streaming && !c->stream_stop) {
    c->stream_stop = true;
    if (c->wake_timer) c->wake_timer->cancel();
  }
}

}  // namespace

net::awaitable<void> server::impl::send_stream(std::shared_ptr<connection> c, const response& res, exchange& ex,
                                               std::chrono::steady_clock::time_point started) {
  serialise(res, {}, false, ex.req.version() ? ex.req.version() : 11, false, c->out, true);
  c->expires_after(options.write_timeout);
  auto [ec, bytes] = co_await net::async_write(c->socket, net::buffer(c->out), use_tuple);
  c->deadline = clock_type::time_point::max();  // a stream is idle between events by design
  if (!ec && !stopping && !c->close_requested) {
    // A small kernel buffer per stream: a reader that stops reading blocks our writes soon
    // (and is then dropped by its handler) instead of parking megabytes in the kernel.
    boost::system::error_code ignored;
    c->socket.set_option(net::socket_base::send_buffer_size(32 * 1024), ignored);
    c->streaming = true;
    c->wake_timer = std::make_unique<net::steady_timer>(c->socket.get_executor());
    net::co_spawn(c->socket.get_executor(), watch_for_close(c), net::detached);
    connection_stream s(c, options.write_timeout, stopping);
    try {
      co_await ex.streamer(s);
    } catch (const std::exception& e) {
      log::event(log::level::err, "stream_failed", {{"route", ex.route}, {"error", e.what()}});
    }
    c->streaming = false;
  }
  if (on_complete) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    on_complete(ex, res.result_int(), seconds, bytes);
  }
}

net::awaitable<void> server::impl::session(std::shared_ptr<connection> c, std::uint64_t) {
  const connection_closer closer{*c};
  const request_limits limits{options.header_limit, options.body_limit, options.encoded_body_limit,
                              options.encoded_body_allowed};
  beast::flat_buffer buffer(limits.buffer_limit());
  exchange ex;
  ex.peer = c->peer;
  for (std::size_t served = 0;; ++served) {
    if (c->close_requested || stopping) break;
    std::optional<request_parser> fresh;  // a fresh parser for every request
    c->busy = false;
    c->expires_after(options.header_timeout);
    boost::system::error_code ec;
    for (bool first = true;; first = false) {
      fresh.emplace();
      apply_limits(*fresh, limits);
      auto [rec, rn] = co_await bhttp::async_read_header(c->socket, buffer, *fresh, use_tuple);
      ec = rec;
      // RFC 9112 2.2: empty lines before the request line (a stray CRLF after a body) are skipped.
      // Beast refuses them as a request line; then the request is read again without them, once.
      if (!ec || !first || ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) break;
      const auto skip = leading_empty_lines({static_cast<const char*>(buffer.data().data()), buffer.size()});
      if (skip == 0) break;
      buffer.consume(skip);
    }
    auto& parser = *fresh;
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof)
      break;
    c->busy = true;
    const auto started = std::chrono::steady_clock::now();
    ex.req = {};
    ex.route.clear();
    ex.streamer = nullptr;
    ex.shared_body = nullptr;

    // A protocol error is answered and the connection closed. (The response is built in a
    // named variable: GCC 12 mishandles non-trivial temporaries in co_await expressions.)
    if (!ec) to_origin_form(parser.get());  // RFC 9112 3.2.2: absolute-form is accepted
    auto protocol_error = header_problem(parser, ec, limits);
    if (protocol_error) {
      ex.route = "(protocol)";
      auto res = refused_response(*protocol_error, parser, options);
      ex.req = refused_request(parser);
      co_await send(*c, res, ex, false, started);
      break;
    }

    if (!parser.is_done()) {
      // RFC 9110 10.1.1: an HTTP/1.0 client's expectation is ignored (it knows no 1xx).
      if (parser.get().version() >= 11 && beast::iequals(parser.get()[field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> cont{status::continue_, 11};
        c->expires_after(options.write_timeout);
        auto [cec, cn] = co_await bhttp::async_write(c->socket, cont, use_tuple);
        if (cec) break;
      }
      c->expires_after(options.body_timeout);
      c->timed_out = false;
      auto [bec, bn] = co_await bhttp::async_read(c->socket, buffer, parser, use_tuple);
      protocol_error = body_problem(parser, bec, c->timed_out, limits);
      if (bec && !protocol_error) break;
      if (protocol_error) {
        ex.route = "(protocol)";
        auto res = refused_response(*protocol_error, parser, options);
        ex.req = refused_request(parser);
        co_await send(*c, res, ex, false, started);
        break;
      }
    }

    ex.req = parser.release();
    response res;
    try {
      res = co_await on_request(ex);
    } catch (const api_error& e) {
      ex.shared_body = nullptr;
      res = error_response(e);
    } catch (const std::exception& e) {
      ex.shared_body = nullptr;
      log::event(log::level::err, "handler_failed", {{"route", ex.route}, {"error", e.what()}});
      res = error_response(api_error(status::internal_server_error, "internal_error", "internal server error"));
    }
    if (ex.streamer && res.result() == status::ok && ex.req.method() != verb::head) {
      co_await send_stream(c, res, ex, started);
      break;
    }
    const bool keep_alive = http::keep_alive(ex.req) && !stopping && !c->close_requested &&
                            served + 1 < options.max_requests_per_connection;
    const bool more = co_await send(*c, res, ex, keep_alive, started);
    ex.streamer = nullptr;  // (HEAD of a stream) its subscription ends with the answer
    if (!more) break;
  }
}

}  // namespace rodeknop::http
