#pragma once
// Integration-test harness: runs the real `rodeknop` binary on 127.0.0.1:0 with a real SQLite
// file in a temporary directory, and talks HTTP/1.1 to it with Boost.Beast.

#include "../gunzip.hpp"
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rk_test {

/// A temporary directory removed at the end of the scope.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Result of running a rodeknop command to completion.
struct command_result {
  int exit_status = -1;
  std::string out;
  std::string err;
};

/// Runs `rodeknop args...` with optional stdin and extra environment variables, and waits.
command_result run_command(const std::vector<std::string>& args, const std::string& input = {},
                           const std::map<std::string, std::string>& env = {});

/// A running `rodeknop serve` process, stopped (SIGTERM, then SIGKILL) on destruction.
class server_process {
 public:
  /// With `read_output` false, nothing reads the server's stdout after `listening on` (a pipe
  /// that fills up, as with a supervisor that stopped reading).
  explicit server_process(std::string db_path, std::vector<std::string> extra_args = {},
                          std::map<std::string, std::string> env = {}, bool read_output = true);
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  unsigned short port() const { return port_; }
  /// The server's process id (for /proc and prlimit).
  int pid() const { return pid_; }
  /// `signal` (SIGTERM by default) and wait; returns the exit status (or -1 if it had to be killed).
  int stop(std::chrono::seconds timeout = std::chrono::seconds(20), int signal = SIGTERM);
  /// SIGKILL without warning.
  void kill_hard();
  /// Everything the server wrote to stdout so far (that was read).
  std::string output() const;
  /// Starts reading stdout (for a server made with `read_output` false).
  void start_reading();
  /// Waits until stdout has `text` (log lines below warning level go out within a second).
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;

 private:
  void reap();
  int pid_ = -1;
  int out_fd_ = -1;
  unsigned short port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::string output_;
  bool exited_ = false;
  int exit_status_ = -1;
};

struct response {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const;
  nlohmann::json json() const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// One request on a new connection.
response request(unsigned short port, boost::beast::http::verb method, const std::string& target,
                 const std::string& body = {}, const header_list& headers = {});

inline response get(unsigned short port, const std::string& target, const header_list& headers = {}) {
  return request(port, boost::beast::http::verb::get, target, {}, headers);
}
response post_json(unsigned short port, const std::string& target, const nlohmann::json& body,
                   const header_list& headers = {});
response post_form(unsigned short port, const std::string& target, const std::string& body);

/// Sends raw bytes and returns everything the server answers until it closes (or 5 s pass).
std::string raw_exchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds wait = std::chrono::milliseconds(5000));

/// The password test accounts get.
inline const std::string test_password = "correct horse battery staple";

/// `rodeknop user add` (the server may be running); throws when it fails.
void add_user(const std::string& db, const std::string& username, const std::string& role,
              const std::string& password = test_password);

/// `rodeknop token create`: the bearer token it printed.
std::string create_token(const std::string& db, const std::string& name, const std::string& role);

/// A logged-in session: its cookie and CSRF token.
struct session {
  std::string cookie;  // "rk_session=..."
  std::string csrf;
  /// Cookie header, plus X-CSRF-Token unless `with_csrf` is false.
  header_list headers(bool with_csrf = true) const;
};

/// POST /api/v1/session; throws unless it answers 200.
session login(unsigned short port, const std::string& username, const std::string& password = test_password);

/// Authorization: Bearer header.
inline header_list bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

/// The body of a `Content-Encoding: gzip` response, inflated (throws when it is not gzip).
using rk_test_support::gunzip;

/// Requires the contract's JSON error body with this status and code (Catch2 REQUIREs).
void require_error(const response& r, unsigned status, const std::string& code);

/// A valid report body, with a title of your choice.
nlohmann::json valid_report(const std::string& title = "Drie keer dezelfde gegevens invullen");

}  // namespace rk_test
