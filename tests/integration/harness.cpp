#include "harness.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <random>
#include <regex>
#include <stdexcept>

namespace rk_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

temp_dir::temp_dir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("rodeknop-it-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

command_result run_command(const std::vector<std::string>& args, const std::string& input,
                           const std::map<std::string, std::string>& env) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe(in_pipe) || ::pipe(out_pipe) || ::pipe(err_pipe)) throw std::runtime_error("pipe failed");
  std::vector<std::string> all{RODEKNOP_BIN};
  all.insert(all.end(), args.begin(), args.end());
  auto argv = argv_of(all);
  const int pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!input.empty()) {
    [[maybe_unused]] auto n = ::write(in_pipe[1], input.data(), input.size());
  }
  ::close(in_pipe[1]);
  command_result r;
  std::thread err_reader([&] { r.err = read_all(err_pipe[0]); });
  r.out = read_all(out_pipe[0]);
  err_reader.join();
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

server_process::server_process(std::string db_path, std::vector<std::string> extra_args,
                               std::map<std::string, std::string> env, bool read_output) {
  int out_pipe[2];
  if (::pipe(out_pipe)) throw std::runtime_error("pipe failed");
  std::vector<std::string> args{RODEKNOP_BIN, "serve", "--listen", "127.0.0.1:0", "--db", db_path,
                                "--static", RODEKNOP_STATIC_DIR};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto argv = argv_of(args);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out_pipe[1], 1);
    ::close(out_pipe[0]);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  out_fd_ = out_pipe[0];

  // Wait for "listening on http://127.0.0.1:PORT" (at most 30 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string seen;
  static const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  std::smatch m;
  while (!std::regex_search(seen, m, listening)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      throw std::runtime_error("the server did not start in time; output:\n" + seen);
    }
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const auto n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      throw std::runtime_error("the server exited before listening; output:\n" + seen);
    }
    seen.append(buf, static_cast<std::size_t>(n));
  }
  port_ = static_cast<unsigned short>(std::stoi(m[1].str()));
  output_ = seen;
  if (read_output) start_reading();
}

bool server_process::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (output().find(text) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void server_process::start_reading() {
  if (reader_.joinable()) return;
  reader_ = std::thread([this] {
    char buf[4096];
    for (;;) {
      const auto n = ::read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      std::lock_guard lock(mutex_);
      output_.append(buf, static_cast<std::size_t>(n));
    }
  });
}

server_process::~server_process() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    reap();
  }
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) ::close(out_fd_);
}

void server_process::reap() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exited_ = true;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int server_process::stop(std::chrono::seconds timeout, int signal) {
  if (exited_) return exit_status_;
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const int r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (reader_.joinable()) reader_.join();
      return exit_status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  reap();
  if (reader_.joinable()) reader_.join();
  return -1;
}

void server_process::kill_hard() {
  if (exited_) return;
  ::kill(pid_, SIGKILL);
  reap();
  if (reader_.joinable()) reader_.join();
}

std::string server_process::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

std::string response::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string{} : it->second;
}

nlohmann::json response::json() const { return nlohmann::json::parse(body); }

response request(unsigned short port, http::verb method, const std::string& target, const std::string& body,
                 const header_list& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  // A header given twice goes out as two lines (a proxy's X-Forwarded-For after a client's);
  // a Host given replaces the default.
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, "Host"))
      req.set(http::field::host, v);
    else
      req.insert(k, v);
  }
  if (!body.empty() || method == http::verb::post || method == http::verb::patch) {
    req.body() = body;
    req.prepare_payload();
  }
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == http::verb::head) parser.skip(true);
  http::read(stream, buffer, parser);
  const auto& res = parser.get();
  response out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

response post_json(unsigned short port, const std::string& target, const nlohmann::json& body,
                   const header_list& headers) {
  header_list h{{"Content-Type", "application/json"}};
  h.insert(h.end(), headers.begin(), headers.end());
  return request(port, http::verb::post, target, body.dump(), h);
}

response post_form(unsigned short port, const std::string& target, const std::string& body) {
  return request(port, http::verb::post, target, body, {{"Content-Type", "application/x-www-form-urlencoded"}});
}

std::string raw_exchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds wait) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(socket, net::buffer(bytes));
  std::string out;
  const int fd = socket.native_handle();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

nlohmann::json valid_report(const std::string& title) {
  return {{"title", title},
          {"procedure", "Aanvraagformulier bijzondere bijstand"},
          {"description", "Inwoners moeten hun inkomensgegevens drie keer opgeven, terwijl wij ze al hebben."},
          {"impact", "Aanvragen duren weken langer."},
          {"suggestion", "Vul de bekende gegevens vooraf in."},
          {"department", "szw"},
          {"category", "formulier_brief"},
          {"reporter_name", "Fatima el Amrani"},
          {"reporter_email", "f.elamrani@denhaag.nl"}};
}

void add_user(const std::string& db, const std::string& username, const std::string& role,
              const std::string& password) {
  const auto r = run_command({"user", "add", "--db", db, "--username", username, "--role", role}, password + "\n");
  if (r.exit_status != 0) throw std::runtime_error("user add failed: " + r.err);
}

std::string create_token(const std::string& db, const std::string& name, const std::string& role) {
  const auto r = run_command({"token", "create", "--db", db, "--name", name, "--role", role});
  if (r.exit_status != 0) throw std::runtime_error("token create failed: " + r.err);
  auto token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

header_list session::headers(bool with_csrf) const {
  header_list h{{"Cookie", cookie}};
  if (with_csrf) h.emplace_back("X-CSRF-Token", csrf);
  return h;
}

session login(unsigned short port, const std::string& username, const std::string& password) {
  const auto r = post_json(port, "/api/v1/session", {{"username", username}, {"password", password}});
  if (r.status != 200) throw std::runtime_error("login of " + username + " failed: " + r.body);
  const auto set_cookie = r.header("set-cookie");
  const auto end = set_cookie.find(';');
  return {set_cookie.substr(0, end), r.json().at("csrf_token").get<std::string>()};
}

void require_error(const response& r, unsigned status, const std::string& code) {
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == status);
  REQUIRE(r.header("content-type") == "application/json");
  const auto body = r.json();
  REQUIRE(body.at("error").at("code") == code);
  REQUIRE(body.at("error").at("message").is_string());
  REQUIRE_FALSE(body.at("error").at("message").get<std::string>().empty());
  REQUIRE(body.at("error").at("fields").is_object());
}

}  // namespace rk_test
