#include "rodeknop/app.hpp"

#include <SQLiteCpp/Exception.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string_view>
#include <thread>

#include "rodeknop/api/accounts.hpp"
#include "rodeknop/api/input.hpp"
#include "rodeknop/api/lists.hpp"
#include "rodeknop/api/operations.hpp"
#include "rodeknop/api/reporter.hpp"
#include "rodeknop/api/session.hpp"
#include "rodeknop/api/team.hpp"
#include "rodeknop/api/stats.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/util/crypto.hpp"
#include "rodeknop/web/login_pages.hpp"
#include "rodeknop/web/pages.hpp"
#include "rodeknop/web/team_pages.hpp"
#include "rodeknop/web/stats_page.hpp"

namespace rodeknop {

namespace net = boost::asio;
namespace fs = std::filesystem;

namespace {

// A failing disk refuses every write: one line a second says so, with how many were left out.
log::repeating storage_unavailable_log;

constexpr const char* installed_static_dir = "/usr/share/rodeknop/static";

// ./static when run from a checkout, else where the .deb puts it, else the source tree's.
std::string default_static_dir() {
  if (fs::is_directory("static/templates")) return "static";
  if (fs::is_directory(std::string(installed_static_dir) + "/templates")) return installed_static_dir;
  return RODEKNOP_SOURCE_STATIC_DIR;
}

const char* method_name(http::verb v) {
  const auto s = boost::beast::http::to_string(v);
  return s.data();
}

std::string allow_header(const std::vector<http::verb>& allowed) {
  std::string out;
  for (auto v : allowed) {
    if (!out.empty()) out += ", ";
    out += std::string(boost::beast::http::to_string(v));
  }
  return out;
}

}  // namespace

std::pair<std::string, std::uint16_t> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
    throw std::invalid_argument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto port_text = listen.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5)
    throw std::invalid_argument("--listen port must be a number from 0 to 65535");
  const auto port = std::stoul(port_text);
  if (port > 65535) throw std::invalid_argument("--listen port must be a number from 0 to 65535");
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  if (ec) {
    // A host name (localhost, the machine's own name): the first address it resolves to,
    // IPv4 first, since that is what clients of "localhost" usually try.
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, "", ec);
    if (ec || results.empty())
      throw std::invalid_argument("--listen host \"" + host +
                                  "\" is neither an IP address nor a name this machine resolves (e.g. 127.0.0.1, 0.0.0.0)");
    auto chosen = results.begin()->endpoint().address();
    for (const auto& r : results)
      if (r.endpoint().address().is_v4()) {
        chosen = r.endpoint().address();
        break;
      }
    host = chosen.to_string();
  }
  return {host, static_cast<std::uint16_t>(port)};
}

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void services::reload_catalog() const {
  catalog_loaded_ms_.store(steady_ms(), std::memory_order_relaxed);
  std::shared_ptr<const store::catalog> fresh;
  {
    auto conn = readers.acquire();
    fresh = store::load_catalog(*conn);
  }
  const auto current = catalog_.load();
  if (!current || !current->same_lists(*fresh)) catalog_.store(std::move(fresh));
}

std::shared_ptr<const store::catalog> services::catalog() const {
  const auto now = steady_ms();
  auto loaded = catalog_loaded_ms_.load(std::memory_order_relaxed);
  const auto due = std::chrono::duration_cast<std::chrono::milliseconds>(catalog_refresh).count();
  // One request every few seconds looks again (the one that wins the exchange); a database
  // that cannot answer just now leaves the lists as they were.
  if (now - loaded >= due && catalog_loaded_ms_.compare_exchange_strong(loaded, now, std::memory_order_relaxed)) {
    try {
      reload_catalog();
    } catch (const std::exception& e) {
      log::event(log::level::warn, "catalog_reload_failed", {{"error", e.what()}});
    }
  }
  return catalog_.load();
}

application::application(config cfg) : cfg_(std::move(cfg)) {
  util::init_crypto();
  const bool static_given = !cfg_.static_dir.empty();
  if (!static_given) cfg_.static_dir = default_static_dir();
  if (cfg_.threads == 0) cfg_.threads = std::max(1u, std::thread::hardware_concurrency());
  // Refused at start, not found out page by page as 500s.
  if (!fs::is_regular_file(fs::path(cfg_.static_dir) / "templates" / "index.html"))
    throw std::runtime_error(
        static_given ? "--static " + cfg_.static_dir +
                           ": not a directory of Rode Knop's pages (templates/index.html is missing)"
                     : std::string("no pages found: give --static DIR (looked in ./static, ") + installed_static_dir +
                           " and " + RODEKNOP_SOURCE_STATIC_DIR + ")");

  store::check_database_path(cfg_.db);
  const bool fresh = store::make_database_folder(cfg_.db);
  const store::db_options db{cfg_.db, cfg_.synchronous};
  store::initialise_database(db);
  // A new, empty database where one was expected is a mistyped path as often as a first start.
  if (fresh) log::event(log::level::info, "database_created", {{"path", cfg_.db}});
  // SQLite gives the -wal and -shm files the database file's permissions: a database others may
  // read (chmod, a copy) lets them read every reporter's name in those too.
  if (struct stat st {}; ::stat(cfg_.db.c_str(), &st) == 0 && (st.st_mode & S_IRWXO) != 0)
    log::event(log::level::warn, "database_open_to_others",
               {{"path", cfg_.db},
                {"advice", "other users may read the database and its -wal and -shm files: chmod o-rwx them"}});
  writer_ = std::make_unique<store::writer>(db);
  readers_ = std::make_unique<store::read_pool>(db);
  queries_ = std::make_unique<boost::asio::thread_pool>(std::max(2u, std::thread::hardware_concurrency()));
  templates_ = std::make_unique<web::template_set>(fs::path(cfg_.static_dir) / "templates");
  files_ = std::make_unique<http::static_files>(cfg_.static_dir);
  gate_ = std::make_unique<auth::gate>(cfg_, *writer_, *readers_);
  events_ = std::make_unique<live::hub>(live::hub_options{1024, cfg_.max_streams, 256});
  search_ = std::make_unique<store::search_indexer>(*writer_);
  services_.reset(new services{cfg_, *writer_, *readers_, *templates_, metrics_, *gate_, *events_, *search_, *queries_, nullptr,
                               catalog_});
  services_->reload_catalog();

  web::register_page_routes(router_, *services_);
  web::register_team_page_routes(router_, *services_);
  api::register_reporter_routes(router_, *services_);
  api::register_operations_routes(router_, *services_);
  api::register_session_routes(router_, *services_);
  web::register_login_routes(router_, *services_);
  api::register_team_routes(router_, *services_);
  api::register_list_routes(router_, *services_);
  api::register_account_routes(router_, *services_);
  {
    // Medians already computed, shared by the statistics API and page.
    auto medians = std::make_shared<store::median_cache>();
    api::register_stats_routes(router_, *services_, medians);
    web::register_stats_page(router_, *services_, medians);
  }
}

application::~application() {
  if (queries_) queries_->join();
  if (search_) search_->stop();
  if (writer_) writer_->stop();
}

namespace {

// The token of `/api/v1/track/{token}/replies` (a reporter's reply), or nullopt for any other
// path; only a token's own characters count (the result may go into a Location header).
std::optional<std::string_view> reply_token(std::string_view path) {
  constexpr std::string_view track = "/api/v1/track/", replies = "/replies";
  if (!path.starts_with(track) || !path.ends_with(replies) || path.size() <= track.size() + replies.size())
    return std::nullopt;
  const auto token = path.substr(track.size(), path.size() - track.size() - replies.size());
  if (!std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      }))
    return std::nullopt;
  return token;
}

}  // namespace

net::awaitable<http::response> application::handle(http::exchange& ex) {
  auto& req = ex.req;
  // RFC 9110 9.1: a method the server does not know at all is 501 on every path; 405 (with
  // Allow) is for a known one that a resource does not take.
  if (!http::recognised_method(req.method())) {
    ex.route = "(method)";
    const std::string_view name = req.method_string();
    throw http::api_error(http::status::not_implemented, "not_implemented",
                          "this server does not implement the method " + std::string(name.substr(0, 32)));
  }
  auto target = util::parse_target(req.target());
  if (!target) {
    ex.route = "(invalid)";
    if (!std::string_view(req.target()).starts_with("/api/") && api::wants_html(req))
      co_return web::error_page(*services_, http::status::bad_request, "Ongeldig adres",
                                "In dit adres staan tekens die niet in een adres horen. Controleer de link, of ga "
                                "naar de startpagina.");
    throw http::api_error(http::status::bad_request, "bad_request", "the request target is malformed");
  }
  const bool is_api = target->path.rfind("/api/", 0) == 0;
  auto match = router_.find(req.method(), target->path);
  try {
    if (!match.found) {
      if (match.allowed.empty()) {
        if (!is_api && (req.method() == http::verb::get || req.method() == http::verb::head)) {
          if (auto file = files_->serve(target->path, req)) {
            ex.route = "(static)";
            co_return std::move(*file);
          }
        }
        ex.route = "(none)";
        if (!is_api && api::wants_html(req))
          co_return web::error_page(*services_, http::status::not_found, "Pagina niet gevonden",
                                    "Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina.");
        throw http::api_error(http::status::not_found, "not_found", "no such resource");
      }
      ex.route = "(method)";
      // After a reply refused without JavaScript the address bar shows the form's target; opened
      // again in a browser it leads back to the tracking page.
      if ((req.method() == http::verb::get || req.method() == http::verb::head) && api::wants_html(req))
        if (const auto token = reply_token(target->path))
          co_return http::redirect_response("/volg/" + std::string(*token), req.version());
      if (!is_api && api::wants_html(req)) {
        auto page = web::error_page(*services_, http::status::method_not_allowed, "Dit kan op deze pagina niet",
                                    "Deze pagina kan alleen worden bekeken, en wat u verstuurde kan hier niet "
                                    "worden verwerkt. Gebruik de knoppen en formulieren op de pagina zelf.");
        page.set(http::field::allow, allow_header(match.allowed));
        co_return page;
      }
      throw http::api_error(http::status::method_not_allowed, "method_not_allowed",
                            std::string("this resource does not support ") + method_name(req.method()))
          .with_header(http::field::allow, allow_header(match.allowed));
    }
    ex.route = match.found->pattern;
    http::request_context ctx{req, std::move(*target), std::move(match.params), ex.peer, std::nullopt};
    ctx.route = match.found->pattern;
    if (!gate_->admit_at_once(ctx, match.found->needs)) {
      std::optional<http::response> refused;
      try {
        co_await gate_->admit(ctx, match.found->needs);
      } catch (const http::api_error& e) {
        // A page asked for by a browser: send the user to the login page (and back here
        // afterwards), or explain in Dutch; the API answers with the JSON error.
        // After a report refused without JavaScript the address bar shows the form's target:
        // opened again in a browser, without a team login, it leads back to the form.
        if (is_api && ctx.target.path == "/api/v1/reports" && e.http_status == http::status::unauthorized &&
            api::wants_html(req))
          refused = http::redirect_response("/", req.version());
        else if (is_api || !api::takes_page(req))
          throw;
        else
          refused = web::refused_page(*services_, e, ctx);
      }
      if (refused) co_return std::move(*refused);
    }
    auto res = co_await match.found->fn(ctx);
    if (ctx.streamer) ex.streamer = std::move(ctx.streamer);
    if (ctx.shared_body) ex.shared_body = std::move(ctx.shared_body);
    co_return res;
  } catch (const store::storage_unavailable& e) {
    storage_unavailable_log.event(log::level::err, "storage_unavailable", {{"route", ex.route}, {"error", e.what()}});
    throw http::api_error(http::status::service_unavailable, "storage_unavailable",
                          "the database is not available right now; please try again shortly")
        .with_header(http::field::retry_after, "5");
  } catch (const SQLite::Exception& e) {
    if (!store::is_storage_failure(e.getExtendedErrorCode())) throw;
    storage_unavailable_log.event(log::level::err, "storage_unavailable", {{"route", ex.route}, {"error", e.what()}});
    throw http::api_error(http::status::service_unavailable, "storage_unavailable",
                          "the database is not available right now; please try again shortly")
        .with_header(http::field::retry_after, "5");
  }
}

void application::serve() {
  const auto [host, port] = parse_listen(cfg_.listen);
  http::server_options opts;
  opts.host = host;
  opts.port = port;
  opts.threads = cfg_.threads;
  opts.header_limit = cfg_.header_limit;
  opts.body_limit = cfg_.body_limit;
  // A report may come with its text escaped (JSON \u escapes, a form's %XX: up to 12 bytes for
  // one character); its handler holds the decoded text to body_limit (api/reporter.cpp).
  opts.encoded_body_limit = 4 * cfg_.body_limit;
  // The same for a reporter's reply: a long e-mail pasted into the tracking page's box must come
  // back as that page with the text and a Dutch message, not as a bare 413.
  opts.encoded_body_allowed = [](const http::request& req) {
    const std::string_view target = req.target();
    const auto path = target.substr(0, target.find('?'));
    return req.method() == http::verb::post && (path == "/api/v1/reports" || reply_token(path));
  };
  // A form from a browser whose text is beyond even that (a log file pasted in) gets a Dutch page
  // that says what to do, not the JSON error; the text stays in the browser's form (Back).
  opts.refused_body_page = [this](const http::api_error&, const http::request& req) -> std::optional<http::response> {
    const std::string_view target = req.target();
    const auto path = target.substr(0, target.find('?'));
    const bool form = req[http::field::content_type].starts_with("application/x-www-form-urlencoded") ||
                      req[http::field::content_type].starts_with("multipart/form-data");
    if (req.method() != http::verb::post || !(form || api::wants_html(req))) return std::nullopt;
    const bool reply = reply_token(path).has_value();
    if (path != "/api/v1/reports" && !reply) return std::nullopt;
    const auto limit = std::to_string(cfg_.body_limit / 1024);
    auto page = web::error_page(
        *services_, http::status::payload_too_large, reply ? "Uw aanvulling is te lang" : "Uw melding is te lang",
        std::string("Wat u wilde versturen is veel langer dan een ") + (reply ? "aanvulling" : "melding") +
            " mag zijn (samen ten hoogste " + limit + " kB tekst; " +
            (reply ? "een aanvulling ten hoogste 5.000 tekens" : "de omschrijving ten hoogste 10.000 tekens") +
            "), en is niet verstuurd. Ga terug met de knop Vorige van uw browser: daar staat uw tekst nog. "
            "Maak hem korter, bijvoorbeeld door alleen het belangrijkste deel van een lang bericht of logbestand "
            "over te nemen, en verstuur opnieuw.");
    page.keep_alive(false);
    return page;
  };
  opts.header_timeout = cfg_.header_timeout;
  opts.body_timeout = cfg_.body_timeout;
  opts.write_timeout = cfg_.write_timeout;
  opts.shutdown_grace = cfg_.shutdown_grace;
  opts.max_connections = cfg_.max_connections;

  const bool access_log = cfg_.access_log;
  http::server srv(
      opts, [this](http::exchange& ex) { return handle(ex); },
      [this, access_log](const http::exchange& ex, unsigned status, double seconds, std::size_t bytes) {
        const auto method = method_name(ex.req.method());
        metrics_.observe_request(ex.route, method, status, seconds);
        if (access_log)
          log::event(log::level::info, "request",
                     {{"method", method},
                      {"route", ex.route},
                      {"status", status},
                      {"duration_ms", std::round(seconds * 1e5) / 100},
                      {"bytes", bytes}});
      });
  services_->server = &srv.stats();
  log::event(log::level::info, "starting",
             {{"version", RODEKNOP_VERSION},
              {"listen", cfg_.listen},
              {"db", cfg_.db},
              {"static", cfg_.static_dir},
              {"threads", cfg_.threads}});
  srv.run();
  services_->server = nullptr;
  search_->stop();
  writer_->stop();
  log::event(log::level::info, "stopped");
}

}  // namespace rodeknop
