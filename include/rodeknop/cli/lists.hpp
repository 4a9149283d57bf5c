#pragma once
// `rodeknop department ...` and `rodeknop category ...`: the administrator's lists of
// departments and categories, from the command line (also while the server runs; a running
// server sees the change within five seconds). The same rules as the admin API.

#include <functional>

namespace CLI {
class App;
}

namespace rodeknop::cli {

/// Adds the `department` and `category` subcommands; the chosen one sets `action`.
void add_list_commands(CLI::App& app, std::function<int()>& action);

}  // namespace rodeknop::cli
