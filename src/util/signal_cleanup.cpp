#include "rodeknop/util/signal_cleanup.hpp"

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <stdexcept>

namespace rodeknop::util {

namespace {

constexpr int handled[] = {SIGINT, SIGTERM, SIGHUP};
constexpr std::size_t max_paths = 4;
constexpr std::size_t max_path_length = 4096;

// Copied out of the strings beforehand: the handler may only call async-signal-safe functions.
char paths_to_remove[max_paths][max_path_length];
volatile std::sig_atomic_t path_count = 0;
struct sigaction previous[std::size(handled)];

extern "C" void remove_and_end(int signal_number) {
  for (std::sig_atomic_t i = 0; i < path_count; ++i) ::unlink(paths_to_remove[i]);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

}  // namespace

remove_on_signal::remove_on_signal(const std::vector<std::string>& paths) {
  if (paths.size() > max_paths) throw std::logic_error("remove_on_signal: too many paths");
  std::size_t n = 0;
  for (const auto& p : paths) {
    if (p.size() >= max_path_length) throw std::runtime_error("path too long: " + p.substr(0, 100) + "...");
    std::memcpy(paths_to_remove[n], p.c_str(), p.size() + 1);
    ++n;
  }
  path_count = static_cast<std::sig_atomic_t>(n);
  struct sigaction action {};
  action.sa_handler = remove_and_end;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(handled); ++i) sigaction(handled[i], &action, &previous[i]);
}

remove_on_signal::~remove_on_signal() {
  for (std::size_t i = 0; i < std::size(handled); ++i) sigaction(handled[i], &previous[i], nullptr);
  path_count = 0;
}

}  // namespace rodeknop::util
