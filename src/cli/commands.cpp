#include "rodeknop/cli/commands.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "rodeknop/app.hpp"
#include "rodeknop/cli/accounts.hpp"
#include "rodeknop/cli/common.hpp"
#include "rodeknop/cli/lists.hpp"
#include "rodeknop/config.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/maintenance.hpp"

namespace rodeknop::cli {

namespace {

/// Why `url` cannot be the site's public address, or nothing (and then `url` without its trailing
/// `/`). http(s)://HOST[:PORT] and no more: every page, form and asset links from the root of the
/// site, so a path would break them, and a user name or password would be in every tracking link.
std::string base_url_problem(std::string& url) {
  const std::string usage =
      "must be http(s)://HOST[:PORT], e.g. https://rodeknop.intranet (the site runs at the root of its own "
      "address, not under a path)";
  std::string_view rest = url;
  if (rest.starts_with("https://")) rest.remove_prefix(8);
  else if (rest.starts_with("http://")) rest.remove_prefix(7);
  else return usage;
  std::size_t slashes = 0;
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1), ++slashes;
  std::string_view host = rest, port;
  if (rest.starts_with('[')) {  // [IPv6]
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close == 1) return usage;
    if (rest.substr(1, close - 1).find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return usage;
    const auto after = rest.substr(close + 1);
    if (!after.empty() && (!after.starts_with(':') || after.size() == 1)) return usage;
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return usage;
    }
    constexpr std::string_view name_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
    if (host.empty() || host.find_first_not_of(name_chars) != std::string_view::npos) return usage;
  }
  if (!port.empty()) {
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc{} || end != port.data() + port.size() || number < 1 || number > 65535) return usage;
  }
  url.resize(url.size() - slashes);
  return {};
}

void add_serve(CLI::App& app, config& cfg, std::function<int()>& action) {
  auto* serve = app.add_subcommand("serve", "Run the HTTP server");
  serve->add_option("--listen", cfg.listen, "HOST:PORT to listen on (port 0: ephemeral)")
      ->envname("RODEKNOP_LISTEN")
      ->capture_default_str();
  serve->add_option("--db", cfg.db, "SQLite database file (created when missing)")
      ->envname("RODEKNOP_DB")
      ->capture_default_str();
  serve->add_option("--static", cfg.static_dir,
                    "Directory with the pages, templates and assets (default: ./static, else "
                    "/usr/share/rodeknop/static, else the source tree's)")
      ->envname("RODEKNOP_STATIC");
  serve->add_option("--threads", cfg.threads, "I/O threads (0: one per core)")
      ->envname("RODEKNOP_THREADS")
      ->check(CLI::Range(0u, 256u))
      ->capture_default_str();
  serve->add_option("--base-url", cfg.base_url, "Public URL of the site, for tracking links (e.g. https://rodeknop.intranet)")
      ->envname("RODEKNOP_BASE_URL")
      ->check(CLI::Validator(base_url_problem, "URL"));
  serve->add_option("--synchronous", cfg.synchronous, "SQLite synchronous mode for commits: FULL or NORMAL")
      ->envname("RODEKNOP_SYNCHRONOUS")
      ->check(CLI::IsMember({"FULL", "NORMAL", "full", "normal"}))
      ->capture_default_str();
  serve->add_option("--log-level", cfg.log_level, "debug, info, warning (or warn) or error, as the lines name them")
      ->envname("RODEKNOP_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warning", "warn", "error"}))
      ->capture_default_str();
  serve->add_option("--access-log", cfg.access_log, "One JSON line per request on stdout (true/false)")
      ->envname("RODEKNOP_ACCESS_LOG")
      ->capture_default_str();
  serve->add_option("--max-connections", cfg.max_connections, "Open connections at most")
      ->envname("RODEKNOP_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  serve->add_option("--header-timeout", cfg.header_timeout, "Seconds to receive a request header (and idle keep-alive)")
      ->envname("RODEKNOP_HEADER_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve->add_option("--body-timeout", cfg.body_timeout, "Seconds to receive a request body")
      ->envname("RODEKNOP_BODY_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve->add_option("--write-timeout", cfg.write_timeout, "Seconds a client may take to read a response")
      ->envname("RODEKNOP_WRITE_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve->add_option("--shutdown-grace", cfg.shutdown_grace, "Seconds in-flight requests get on SIGTERM")
      ->envname("RODEKNOP_SHUTDOWN_GRACE")
      ->check(CLI::Range(0, 600))
      ->capture_default_str();
  serve->add_option("--session-idle", cfg.session_idle, "Seconds after which an unused session ends")
      ->envname("RODEKNOP_SESSION_IDLE")
      ->check(CLI::Range(60, 7 * 24 * 3600))
      ->capture_default_str();
  serve->add_option("--session-absolute", cfg.session_absolute, "Seconds after login at which a session always ends")
      ->envname("RODEKNOP_SESSION_ABSOLUTE")
      ->check(CLI::Range(60, 30 * 24 * 3600))
      ->capture_default_str();
  serve->add_option("--cookie-secure", cfg.cookie_secure,
                    "Secure attribute of the session cookie: always, never (plain-HTTP development), or auto "
                    "(Secure unless plain HTTP from this machine)")
      ->envname("RODEKNOP_COOKIE_SECURE")
      ->check(CLI::IsMember({"always", "never", "auto"}))
      ->capture_default_str();
  serve->add_option("--trusted-proxies", cfg.trusted_proxies,
                    "Reverse proxies whose single-sign-on headers are believed: addresses or CIDR blocks, comma-separated")
      ->envname("RODEKNOP_TRUSTED_PROXIES");
  serve->add_option("--sso-user-header", cfg.sso_user_header, "Header in which the proxy sends the user name")
      ->envname("RODEKNOP_SSO_USER_HEADER")
      ->capture_default_str();
  serve->add_option("--sso-groups-header", cfg.sso_groups_header, "Header in which the proxy sends the user's groups (comma-separated)")
      ->envname("RODEKNOP_SSO_GROUPS_HEADER")
      ->capture_default_str();
  serve->add_option("--sso-group-roles", cfg.sso_group_roles, "Groups that give a role: GROUP=ROLE;GROUP=ROLE")
      ->envname("RODEKNOP_SSO_GROUP_ROLES");
  serve->add_option("--max-streams", cfg.max_streams, "Open live-update streams (GET /api/v1/events) at most")
      ->envname("RODEKNOP_MAX_STREAMS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->capture_default_str();
  serve->add_option("--sse-heartbeat", cfg.sse_heartbeat, "Seconds between heartbeat comments on idle live-update streams")
      ->envname("RODEKNOP_SSE_HEARTBEAT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  action = {};
  serve->callback([&cfg, &action] {
    action = [&cfg] {
      // A log line to a stdout nobody reads any more is dropped (see log.hpp), not fatal.
      std::signal(SIGPIPE, SIG_IGN);
      log::init(cfg.log_level);
      try {
        application server(cfg);
        server.serve();
      } catch (...) {
        log::shutdown();
        throw;
      }
      log::shutdown();
      return 0;
    };
  });
}

void add_backup(CLI::App& app, std::string& to, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("backup", "Write a consistent copy of the database, also while the server runs");
  auto& db = add_db_option(*cmd);
  cmd->add_option("--to", to, "The file to write (replaced atomically)")->required();
  cmd->callback([db = &db, &to, &action] {
    action = [db, &to] {
      const auto r = store::backup({*db}, to);
      std::cerr << "backup written to " << to << ": " << r.reports << " reports, " << r.pages << " pages\n";
      return 0;
    };
  });
}

void add_seed(CLI::App& app, std::int64_t& count, std::uint64_t& seed, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("seed", "Add deterministic, realistic demo reports spread over the past months");
  auto& db = add_db_option(*cmd, "SQLite database file (created when missing)");
  cmd->add_option("--count", count, "Number of reports")->required()->check(CLI::Range(std::int64_t{0}, std::int64_t{10000000}));
  cmd->add_option("--seed", seed, "Seed of the generator (the same seed gives the same data)")->capture_default_str();
  cmd->callback([db = &db, &count, &seed, &action] {
    action = [db, &count, &seed] {
      const auto r = store::seed({*db}, count, seed);
      std::cerr << "seeded " << r.reports << " reports with " << r.events << " events\n";
      return 0;
    };
  });
}

struct retention_options {
  int months = 0;
  std::string closed_before;
  bool dry_run = false;
};

std::optional<int> months_from_environment(std::string_view text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > 1200) return std::nullopt;
  return n;
}

void add_retention(CLI::App& app, retention_options& o, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "retention",
      "Erase the reporter's name, e-mail and SSO identity of reports closed before a cut-off (AVG); "
      "reports, history and figures stay");
  auto& db = add_db_option(*cmd);
  // RODEKNOP_RETENTION_MONTHS is read by hand: as the option's envname it would count as a
  // given --months and refuse a one-off --closed-before in the timer's environment.
  auto* months = cmd->add_option("--months", o.months,
                                 "Erase from reports closed at least this many months ago; without --months or "
                                 "--closed-before, RODEKNOP_RETENTION_MONTHS gives it")
                     ->check(CLI::Range(1, 1200));
  auto* before = cmd->add_option("--closed-before", o.closed_before,
                                 "Erase from reports closed before this day (YYYY-MM-DD, Europe/Amsterdam)");
  months->excludes(before);
  cmd->add_flag("--dry-run", o.dry_run, "Only count the reports it would erase from");
  cmd->callback([&o, &action, db = &db, months, before] {
    action = [&o, db, months, before] {
      domain::sys_seconds cutoff;
      if (*months) {
        cutoff = domain::months_before(domain::now(), o.months);
      } else if (*before) {
        const auto date = domain::parse_date(o.closed_before);
        if (!date) throw std::runtime_error("--closed-before must be a date YYYY-MM-DD");
        // A later day erases no more than tomorrow does (every report closed so far), and is
        // most often a typing error (2062 for 2026) in a command that cannot be undone.
        const auto today = domain::to_amsterdam(domain::now()).date;
        const std::chrono::year_month_day tomorrow{std::chrono::sys_days{today} + std::chrono::days{1}};
        if (*date > tomorrow) {
          char day[16];
          std::snprintf(day, sizeof day, "%04d-%02u-%02u", static_cast<int>(tomorrow.year()),
                        static_cast<unsigned>(tomorrow.month()), static_cast<unsigned>(tomorrow.day()));
          throw std::runtime_error("--closed-before " + o.closed_before +
                                   " lies beyond tomorrow: a typing error? Give a day up to " + day +
                                   " (which erases from every report closed until now)");
        }
        cutoff = domain::amsterdam_midnight(*date);
      } else if (const char* env = std::getenv("RODEKNOP_RETENTION_MONTHS"); env && *env) {
        const auto n = months_from_environment(env);
        if (!n) throw std::runtime_error("RODEKNOP_RETENTION_MONTHS must be a whole number from 1 to 1200");
        cutoff = domain::months_before(domain::now(), *n);
      } else {
        throw std::runtime_error("give --months N or --closed-before YYYY-MM-DD (or set RODEKNOP_RETENTION_MONTHS)");
      }
      auto c = open_existing(*db);
      const auto n = in_transaction(*c, [&] { return store::erase_reporter_identities(*c, cutoff, o.dry_run, domain::now()); });
      std::cerr << (o.dry_run ? "would erase" : "erased") << " the reporter's personal data of " << n
                << " reports closed before " << domain::format_rfc3339(cutoff) << "\n";
      if (!o.dry_run && n > 0 && !store::flush_erased(*c))
        std::cerr << "the running server still holds the old values in its write-ahead log until its next "
                     "checkpoint (or its stop)\n";
      return 0;
    };
  });
}

/// Clears the environment variables of every command but the one on the command line
/// (`words`: the arguments after the program's name). CLI11 reads the variables for the options
/// of all commands, given or not, so `RODEKNOP_THREADS=abc` in an operator's shell would
/// otherwise break `rodeknop user list` with a complaint about `--threads`.
void scope_environment(CLI::App& app, std::span<char* const> words) {
  for (auto* sub : app.get_subcommands({})) {
    const bool named = !words.empty() && sub->get_name() == words.front();
    if (named) {
      scope_environment(*sub, words.subspan(1));
    } else {
      for (auto* opt : sub->get_options()) opt->envname("");
      scope_environment(*sub, {});
    }
  }
}

/// `message` with a leading `--flag` named after its environment variable when the value came
/// from there: an operator with a systemd environment file looks for what they wrote.
std::string attribute_to_environment(const CLI::App& app, std::span<char* const> words, std::string message) {
  if (!message.starts_with("--")) return message;
  const auto end = message.find_first_not_of("abcdefghijklmnopqrstuvwxyz-", 2);
  const auto flag = message.substr(0, end);
  const auto given = std::any_of(words.begin(), words.end(), [&](const char* w) {
    const std::string_view word{w};
    return word == flag || word.starts_with(flag + "=");
  });
  if (given) return message;
  // The command on the command line and the commands above it: where the flag can be.
  std::vector<const CLI::App*> chain{&app};
  for (const char* w : words) {
    const auto named = chain.back()->get_subcommands([w](const CLI::App* sub) { return sub->get_name() == w; });
    if (named.empty()) break;
    chain.push_back(named.front());
  }
  for (const auto* command : chain)
    if (const auto* opt = command->get_option_no_throw(flag); opt && !opt->get_envname().empty())
      return opt->get_envname() + " (environment)" + message.substr(flag.size());
  return message;
}

}  // namespace

/// `status`, unless standard output could not take what was written (a full disk, a closed
/// pipe): output nobody received is no success.
int written(int status) {
  std::cout.flush();
  if (std::cout) return status;
  std::cerr << "rodeknop: could not write to standard output\n";
  return 1;
}

int run(int argc, char** argv) {
  CLI::App app{"Rode Knop: the red button for procedures that block good service"};
  app.set_version_flag("--version", RODEKNOP_VERSION);
  app.require_subcommand(1);

  config cfg;
  std::string to;
  std::int64_t count = 0;
  std::uint64_t seed = 1;
  std::function<int()> action;
  add_serve(app, cfg, action);
  add_backup(app, to, action);
  add_seed(app, count, seed, action);
  add_account_commands(app, action);
  add_list_commands(app, action);
  retention_options retention;
  add_retention(app, retention, action);

  const std::span<char* const> words{argv + 1, static_cast<std::size_t>(std::max(argc - 1, 0))};
  scope_environment(app, words);

  // A first word that names no command: say so (CLI11 would say only that one is required).
  if (argc >= 2 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "rodeknop: unknown command \"" << argv[1] << "\" (commands: " << names << "; see rodeknop --help)\n";
      return 2;
    }
    // The same one level down (`rodeknop user frobnicate`).
    const auto* command = app.get_subcommand(argv[1]);
    const auto subs = command->get_subcommands({});
    if (argc >= 3 && argv[2][0] != '-' && !subs.empty()) {
      std::string sub_names;
      bool sub_known = false;
      for (const auto* sub : subs) {
        sub_known = sub_known || sub->get_name() == argv[2];
        sub_names += (sub_names.empty() ? "" : ", ") + sub->get_name();
      }
      if (!sub_known) {
        std::cerr << "rodeknop: unknown subcommand \"" << argv[2] << "\" of " << argv[1] << " (" << sub_names
                  << "; see rodeknop " << argv[1] << " --help)\n";
        return 2;
      }
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return written(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return written(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return written(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::cerr << "rodeknop: " << attribute_to_environment(app, words, e.what()) << " (see rodeknop --help)\n";
    return 2;
  }
  try {
    if (!action) return 2;
    return written(action());
  } catch (const std::exception& e) {
    // One line, whatever the message holds (CONTRACT.md: a one-line message on stderr).
    std::string message = attribute_to_environment(app, words, e.what());
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::cerr << "rodeknop: " << message << "\n";
    return 1;
  }
}

}  // namespace rodeknop::cli
