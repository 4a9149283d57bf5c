#pragma once
// `rodeknop user ...` and `rodeknop token ...`: team accounts and API tokens, managed from the
// command line of the server (also while the server runs).

#include <functional>

namespace CLI {
class App;
}

namespace rodeknop::cli {

/// Adds the `user` and `token` subcommands; the chosen one sets `action`.
void add_account_commands(CLI::App& app, std::function<int()>& action);

}  // namespace rodeknop::cli
