#include "rodeknop/cli/accounts.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <stdexcept>

#include "rodeknop/auth/access.hpp"
#include "rodeknop/cli/common.hpp"
#include "rodeknop/auth/passwords.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/audit.hpp"
#include "rodeknop/store/identity.hpp"
#include "rodeknop/util/crypto.hpp"

namespace rodeknop::cli {

namespace {

struct account_options {
  std::string username;
  std::string role;
  std::string name;
};

const std::vector<std::string> role_names = {"triager", "manager", "admin"};

// The terminal's settings while echo is off for a password, for a signal that ends the command
// meanwhile (Ctrl-C): the terminal gets its echo back before the program goes.
termios saved_terminal{};

extern "C" void restore_terminal_and_exit(int signal_number) {
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);  // async-signal-safe
  // SA_RESETHAND made the default action current again: end as that signal would have.
  raise(signal_number);
}

/// One line from standard input, without its line ending; never echoed or logged.
std::string read_password(std::string_view username) {
  std::string line;
  bool got = false;
  if (isatty(STDIN_FILENO)) {
    std::cerr << "password (at least " << auth::min_password_length << " characters): " << std::flush;
    // Typed at a terminal: not shown on the screen (echo off while the line is read).
    termios before{};
    const bool quiet = tcgetattr(STDIN_FILENO, &before) == 0;
    struct sigaction restore {}, previous[3]{};
    const int signals[3] = {SIGINT, SIGTERM, SIGHUP};
    if (quiet) {
      saved_terminal = before;
      restore.sa_handler = restore_terminal_and_exit;
      restore.sa_flags = static_cast<int>(SA_RESETHAND);
      sigemptyset(&restore.sa_mask);
      for (int i = 0; i < 3; ++i) sigaction(signals[i], &restore, &previous[i]);
      termios silent = before;
      silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      silent.c_lflag |= ECHONL;
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    got = static_cast<bool>(std::getline(std::cin, line));
    if (quiet) {
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &before);
      for (int i = 0; i < 3; ++i) sigaction(signals[i], &previous[i], nullptr);
    }
  } else {
    got = static_cast<bool>(std::getline(std::cin, line));
  }
  if (!got) throw std::runtime_error("no password on standard input (one line expected)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (const auto problem = auth::password_problem(line, username)) throw std::runtime_error(*problem);
  return line;
}

void check_username(const std::string& u) {
  if (const auto problem = auth::username_problem(u)) throw std::runtime_error("the username " + *problem);
}

std::string iso(domain::sys_seconds t) { return domain::format_rfc3339(t); }

void add_user_commands(CLI::App& app, account_options& o, std::function<int()>& action) {
  auto* user = app.add_subcommand("user", "Team accounts (triager, manager, admin)");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "Add an account; the password is read from standard input (one line)");
  auto& add_db = add_db_option(*add);
  add->add_option("--username", o.username, "Login name")->required();
  add->add_option("--role", o.role, "triager, manager or admin")->required()->check(CLI::IsMember(role_names));
  add->callback([&o, &action, db = &add_db] {
    action = [&o, db] {
      check_username(o.username);
      const auto password = read_password(o.username);
      const auto hash = auth::hash_password(password);
      auto c = open(*db);
      const auto now = domain::now();
      if (!store::insert_user(*c, {o.username, o.role, hash, false, now, now}))
        throw std::runtime_error("user \"" + o.username +
                                   "\" exists already, perhaps with other capitals (see user list; use user passwd or user set-role)");
      std::cerr << "user " << o.username << " added with role " << o.role << "\n";
      return 0;
    };
  });

  auto* list = user->add_subcommand("list", "List the accounts");
  auto& list_db = add_db_option(*list);
  list->callback([&o, &action, db = &list_db] {
    action = [&o, db] {
      auto c = open_existing(*db);
      std::cout << "username\trole\tstatus\tcreated_at\tupdated_at\n";
      for (const auto& u : store::list_users(*c))
        std::cout << u.username << '\t' << u.role << '\t' << (u.disabled ? "disabled" : "active") << '\t'
                  << iso(u.created_at) << '\t' << iso(u.updated_at) << '\n';
      return 0;
    };
  });

  auto* set_role = user->add_subcommand("set-role", "Change an account's role (takes effect at once)");
  auto& set_role_db = add_db_option(*set_role);
  set_role->add_option("--username", o.username, "Login name")->required();
  set_role->add_option("--role", o.role, "triager, manager or admin")->required()->check(CLI::IsMember(role_names));
  set_role->callback([&o, &action, db = &set_role_db] {
    action = [&o, db] {
      auto c = open_existing(*db);
      if (!store::set_user_role(*c, o.username, o.role, domain::now()))
        throw std::runtime_error("no user \"" + o.username + "\"");
      std::cerr << "user " << o.username << " now has role " << o.role << "\n";
      return 0;
    };
  });

  for (const bool disable : {true, false}) {
    auto* cmd = user->add_subcommand(disable ? "disable" : "enable",
                                     disable ? "Disable an account and end its sessions" : "Enable a disabled account");
    auto& cmd_db = add_db_option(*cmd);
    cmd->add_option("--username", o.username, "Login name")->required();
    cmd->callback([&o, &action, db = &cmd_db, disable] {
      action = [&o, db, disable] {
        auto c = open_existing(*db);
        const bool found = in_transaction(
            *c, [&] { return store::set_user_disabled(*c, o.username, disable, domain::now()); });
        if (!found) throw std::runtime_error("no user \"" + o.username + "\"");
        std::cerr << "user " << o.username << (disable ? " disabled" : " enabled") << "\n";
        return 0;
      };
    });
  }

  auto* passwd = user->add_subcommand("passwd", "Set a new password, read from standard input (one line)");
  auto& passwd_db = add_db_option(*passwd);
  passwd->add_option("--username", o.username, "Login name")->required();
  passwd->callback([&o, &action, db = &passwd_db] {
    action = [&o, db] {
      const auto password = read_password(o.username);
      const auto hash = auth::hash_password(password);
      auto c = open_existing(*db);
      if (!store::set_user_password(*c, o.username, hash, domain::now()))
        throw std::runtime_error("no user \"" + o.username + "\"");
      std::cerr << "password of " << o.username << " changed\n";
      return 0;
    };
  });
}

void add_token_commands(CLI::App& app, account_options& o, std::function<int()>& action) {
  auto* token = app.add_subcommand("token", "API tokens for BI tools and scripts (Authorization: Bearer)");
  token->require_subcommand(1);
  auto* create = token->add_subcommand("create", "Create a token and print it on standard output (shown once)");
  auto& create_db = add_db_option(*create);
  create->add_option("--name", o.name, "What the token is for, e.g. powerbi-maandcijfers")->required();
  create->add_option("--role", o.role, "triager, manager or admin")->required()->check(CLI::IsMember(role_names));
  create->callback([&o, &action, db = &create_db] {
    action = [&o, db] {
      if (const auto problem = auth::token_name_problem(o.name)) throw std::runtime_error("the name " + *problem);
      auto c = open(*db);
      const auto secret = "rk_" + util::random_token();
      // Kept only once it is written out: a token nobody could read would be a live secret lost.
      in_transaction(*c, [&] {
        if (!store::insert_token(*c, o.name, o.role, util::token_hash(secret), domain::now()))
          throw std::runtime_error("a token named \"" + o.name + "\" exists already");
        std::cout << secret << std::endl;
        if (!std::cout) throw std::runtime_error("could not write the token to standard output; no token was created");
        return 0;
      });
      std::cerr << "token " << o.name << " created with role " << o.role << "; it is not shown again\n";
      return 0;
    };
  });

  auto* list = token->add_subcommand("list", "List the tokens (never the secrets)");
  auto& list_db = add_db_option(*list);
  list->callback([&o, &action, db = &list_db] {
    action = [&o, db] {
      auto c = open_existing(*db);
      std::cout << "name\trole\tstatus\tcreated_at\tlast_used_at\trevoked_at\tcreated_by\n";
      for (const auto& t : store::list_tokens(*c))
        std::cout << t.name << '\t' << t.role << '\t'
                  << (t.revoked_at ? "revoked" : t.suspended ? "suspended" : "active") << '\t' << iso(t.created_at)
                  << '\t' << (t.last_used_at ? iso(*t.last_used_at) : "never") << '\t'
                  << (t.revoked_at ? iso(*t.revoked_at) : "-") << '\t' << t.created_by.value_or("-") << '\n';
      return 0;
    };
  });

  auto* revoke = token->add_subcommand("revoke", "Revoke a token (refused from the next request on)");
  auto& revoke_db = add_db_option(*revoke);
  revoke->add_option("--name", o.name, "The token's name")->required();
  revoke->callback([&o, &action, db = &revoke_db] {
    action = [&o, db] {
      auto c = open_existing(*db);
      if (!store::revoke_token(*c, o.name, domain::now()))
        throw std::runtime_error("no active token named \"" + o.name + "\"");
      std::cerr << "token " << o.name << " revoked\n";
      return 0;
    };
  });
}

struct audit_options {
  std::size_t limit = 100;
};

void add_audit_command(CLI::App& app, audit_options& o, std::function<int()>& action) {
  auto* audit = app.add_subcommand(
      "audit", "The administrator's log: who changed accounts, tokens and the lists, or erased personal data, newest first");
  auto& db = add_db_option(*audit);
  audit->add_option("--limit", o.limit, "Entries at most")->check(CLI::Range(1, 100000));
  audit->callback([&o, &action, db = &db] {
    action = [&o, db] {
      auto c = open_existing(*db);
      std::cout << "at\tactor\taction\tsubject\tdetail\n";
      for (const auto& e : store::list_admin_events(*c, std::nullopt, o.limit))
        std::cout << iso(e.at) << '\t' << e.actor << '\t' << e.action << '\t' << e.subject << '\t' << e.detail << '\n';
      return 0;
    };
  });
}

}  // namespace

void add_account_commands(CLI::App& app, std::function<int()>& action) {
  static account_options options;  // outlives parsing and the action
  static audit_options audit;
  add_user_commands(app, options, action);
  add_token_commands(app, options, action);
  add_audit_command(app, audit, action);
}

}  // namespace rodeknop::cli
