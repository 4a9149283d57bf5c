#pragma once
// The application: wires configuration, storage, templates and the route table, and is the
// request handler the HTTP server calls. Handlers live in api/ and web/.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "rodeknop/auth/gate.hpp"
#include "rodeknop/config.hpp"
#include "rodeknop/http/router.hpp"
#include "rodeknop/http/server.hpp"
#include "rodeknop/http/static_files.hpp"
#include "rodeknop/live/hub.hpp"
#include "rodeknop/metrics.hpp"
#include "rodeknop/store/catalog.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/triage.hpp"
#include "rodeknop/store/writer.hpp"
#include "rodeknop/web/template.hpp"

namespace rodeknop {

/// What handlers use: one instance per running server.
struct services {
  const config& cfg;
  store::writer& writer;
  store::read_pool& readers;
  web::template_set& templates;
  metrics& stats;
  auth::gate& gate;
  live::hub& events;  // live updates for the team (GET /api/v1/events)
  store::search_indexer& search;  // keeps the full-text index up with new reports
  boost::asio::thread_pool& query_threads;  // see query()
  const http::server_stats* server = nullptr;  // set while serving

  /// Runs `fn(connection&)` with a reader connection on the query threads, never on an I/O
  /// thread: a long query (a week long past on a long history, a search for a common word) then
  /// holds up only other such queries, not the requests in flight beside it. Resumes on the
  /// caller's executor; what `fn` throws is thrown here.
  template <class Fn>
  auto query(Fn fn) -> boost::asio::awaitable<std::invoke_result_t<Fn&, store::connection&>> {
    using result = std::invoke_result_t<Fn&, store::connection&>;
    auto task = [this, f = std::move(fn)]() mutable -> boost::asio::awaitable<result> {
      auto conn = readers.acquire();
      co_return f(*conn);
    };
    co_return co_await boost::asio::co_spawn(query_threads.get_executor(), std::move(task), boost::asio::use_awaitable);
  }

  /// The departments and categories (cached). Reloaded at once after a change through the
  /// API, and looked at again every `catalog_refresh` for changes by the command line.
  std::shared_ptr<const store::catalog> catalog() const;
  /// Reads the lists; keeps the cached catalog (and so the caches keyed on it) when nothing changed.
  void reload_catalog() const;

  std::atomic<std::shared_ptr<const store::catalog>>& catalog_;
  static constexpr std::chrono::seconds catalog_refresh{5};
  mutable std::atomic<std::int64_t> catalog_loaded_ms_{0};
};

class application {
 public:
  explicit application(config cfg);
  ~application();

  /// Runs the HTTP server until SIGINT/SIGTERM.
  void serve();

 private:
  boost::asio::awaitable<http::response> handle(http::exchange& ex);

  config cfg_;
  std::unique_ptr<store::writer> writer_;
  std::unique_ptr<store::read_pool> readers_;
  std::unique_ptr<boost::asio::thread_pool> queries_;  // after readers_: joined before they go
  std::unique_ptr<web::template_set> templates_;
  std::unique_ptr<http::static_files> files_;
  metrics metrics_;
  std::atomic<std::shared_ptr<const store::catalog>> catalog_;
  std::unique_ptr<auth::gate> gate_;
  std::unique_ptr<live::hub> events_;
  std::unique_ptr<store::search_indexer> search_;
  std::unique_ptr<services> services_;
  http::router router_;
};

/// "HOST:PORT" → parts; throws std::invalid_argument when malformed.
std::pair<std::string, std::uint16_t> parse_listen(const std::string& listen);

}  // namespace rodeknop
