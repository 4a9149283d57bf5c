// Hostile clients: many slow ones (slowloris headers, slow bodies, readers that never read)
// and idle ones never keep a normal client from being served, and are cut off by the
// timeouts; running out of file descriptors never stops the server accepting once clients
// leave; pipelined requests are answered in order, and a flood of them is held back by TCP
// (the server reads the next request only after writing the previous answer), so memory
// stays bounded.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <fstream>
#include <thread>

#include "harness.hpp"

using namespace rk_test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

bool server_end_established(unsigned server_port, unsigned client_port);

/// A raw TCP connection to the server, closed at scope end.
class raw_socket {
 public:
  /// Buffer sizes > 0 fix the kernel's buffers for this socket (no autotuning).
  explicit raw_socket(unsigned short port, int receive_buffer = 0, int send_buffer = 0) : port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    if (send_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~raw_socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_socket(raw_socket&& o) noexcept : port_(o.port_), fd_(std::exchange(o.fd_, -1)) {}
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  int fd() const { return fd_; }

  /// Sends what the kernel takes without blocking; the number of bytes taken.
  std::size_t send_some(std::string_view data) {
    const auto n = ::send(fd_, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  void send_all(std::string_view data) {
    while (!data.empty()) {
      const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      REQUIRE(n > 0);
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  /// True once the server has closed the connection (EOF or reset); reads and drops data.
  bool closed_within(std::chrono::milliseconds wait) {
    const auto deadline = clock_type::now() + wait;
    char buf[16384];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN | POLLRDHUP, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      if (p.revents & (POLLERR | POLLHUP)) return true;
      const auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return true;
    }
  }

  /// Everything the server sends until it closes the connection (or `wait` passes).
  std::string read_until_closed(std::chrono::milliseconds wait) {
    const auto deadline = clock_type::now() + wait;
    std::string out;
    char buf[16384];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      if (left.count() <= 0) return out;
      pollfd p{fd_, POLLIN | POLLRDHUP, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      const auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        out.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return out;
    }
  }

  /// True once the server has closed the connection, found without reading anything (so
  /// that a client that never reads stays one): a reset or end of stream arrived, or the
  /// server's end is no longer ESTABLISHED (its FIN may wait behind responses this client
  /// never reads).
  bool dropped_within(std::chrono::milliseconds wait) {
    sockaddr_in local{};
    socklen_t length = sizeof local;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length);
    const auto deadline = clock_type::now() + wait;
    while (clock_type::now() < deadline) {
      pollfd p{fd_, POLLRDHUP, 0};
      if (::poll(&p, 1, 50) > 0 && (p.revents & (POLLRDHUP | POLLERR | POLLHUP))) return true;
      if (!server_end_established(port_, ntohs(local.sin_port))) return true;
    }
    return false;
  }

  /// Reads until `count` complete HTTP responses arrived (or 20 s pass).
  std::vector<response> read_responses(std::size_t count) {
    namespace http = boost::beast::http;
    std::vector<response> out;
    std::string pending;
    const auto deadline = clock_type::now() + 20s;
    char buf[65536];
    while (out.size() < count) {
      // Parse what we have.
      bool progressed = true;
      while (progressed && out.size() < count) {
        progressed = false;
        http::response_parser<http::string_body> parser;
        parser.eager(true);
        boost::system::error_code ec;
        const auto used = parser.put(boost::asio::buffer(pending), ec);
        if (!ec && parser.is_done()) {
          response r;
          r.status = parser.get().result_int();
          for (const auto& f : parser.get()) {
            std::string name(f.name_string());
            for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            r.headers[name] = std::string(f.value());
          }
          r.body = parser.get().body();
          out.push_back(std::move(r));
          pending.erase(0, used);
          progressed = true;
        }
      }
      if (out.size() >= count) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      REQUIRE(left.count() > 0);
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      REQUIRE(n > 0);
      pending.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  unsigned short port_;
  int fd_ = -1;
};

/// Whether the server's end of the connection from local port `client_port` is ESTABLISHED
/// (from /proc/net/tcp: "sl local rem st ...", addresses as hex IP:PORT, state 01).
bool server_end_established(unsigned server_port, unsigned client_port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const auto port_of = [](const std::string& address) { return std::stoul(address.substr(address.find(':') + 1), nullptr, 16); };
    if (port_of(local) == server_port && port_of(remote) == client_port && state == "01") return true;
  }
  return false;
}

/// Resident memory of a process in KiB.
long rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::size_t open_fds(int pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

/// How long a normal client waits for /healthz and for a create.
std::chrono::milliseconds normal_client(unsigned short port) {
  const auto started = clock_type::now();
  REQUIRE(get(port, "/healthz").status == 200);
  REQUIRE(post_json(port, "/api/v1/reports", valid_report("Gewone melding tussen trage clients")).status == 201);
  REQUIRE(get(port, "/api/v1/meta").status == 200);
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
}

double metric(unsigned short port, const std::string& name) {
  const auto body = get(port, "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  REQUIRE(at != std::string::npos);
  return std::stod(body.substr(at + name.size() + 2));
}

const std::string healthz_request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

}  // namespace

TEST_CASE("slow and idle clients by the hundred never keep a normal client waiting, and are cut off",
          "[http][hostile]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"), {"--header-timeout", "4", "--body-timeout", "4", "--write-timeout", "4"},
                     {{"RODEKNOP_ACCESS_LOG", "false"}});
  const auto port = srv.port();
  const auto baseline = normal_client(port);

  std::vector<raw_socket> idle, slowloris, slow_body, slow_readers;
  for (int i = 0; i < 150; ++i) idle.emplace_back(port);
  for (int i = 0; i < 150; ++i) {
    slowloris.emplace_back(port);
    slowloris.back().send_all("GET /api/v1/meta HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  }
  const std::string body = valid_report("Heel langzaam verstuurd").dump();
  for (int i = 0; i < 100; ++i) {
    slow_body.emplace_back(port);
    slow_body.back().send_all("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
  }
  // Readers that never read: 2,000 pipelined requests each, with a tiny receive buffer.
  std::string pipelined;
  for (int i = 0; i < 2000; ++i) pipelined += "GET /api/v1/meta HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < 20; ++i) {
    slow_readers.emplace_back(port, 4096);
    slow_readers.back().send_some(pipelined);
  }

  // One byte a time keeps the slow ones trickling while a normal client comes and goes.
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    while (trickling) {
      for (auto& s : slowloris) s.send_some("a");
      for (auto& s : slow_body) s.send_some(" ");
      std::this_thread::sleep_for(300ms);
    }
  });
  std::chrono::milliseconds worst{0};
  for (int i = 0; i < 5; ++i) {
    worst = std::max(worst, normal_client(port));
    std::this_thread::sleep_for(200ms);
  }
  INFO("normal client: " << baseline.count() << " ms alone, at worst " << worst.count() << " ms among 420 hostile clients");
  CHECK(metric(port, "rodeknop_http_open_connections") >= 400);
  REQUIRE(worst < 2000ms);  // well before any slow client times out (4 s)

  // Every hostile connection is closed by the server once its timeout has passed, although the
  // slow ones never stopped sending.
  const auto started = clock_type::now();
  std::size_t closed = 0;
  std::string per_group;
  for (auto* group : {&idle, &slowloris, &slow_body, &slow_readers}) {
    std::size_t n = 0;
    for (auto& s : *group) n += s.dropped_within(15s) ? 1u : 0u;
    per_group += std::to_string(n) + "/" + std::to_string(group->size()) + " ";
    closed += n;
  }
  INFO("closed per group (idle, slowloris, slow body, slow readers): " << per_group);
  trickling = false;
  trickle.join();
  INFO("closed " << closed << " after " << std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started).count() << " ms");
  REQUIRE(closed == idle.size() + slowloris.size() + slow_body.size() + slow_readers.size());
  REQUIRE(normal_client(port) < 2000ms);
  REQUIRE(metric(port, "rodeknop_http_open_connections") <= 2);
  REQUIRE(srv.stop() == 0);
}

TEST_CASE("out of file descriptors, the server keeps accepting once clients leave", "[http][hostile]") {
  temp_dir dir;
  // (The Sanitize build leaves out UBSan's vptr check: it probes memory with pipe(), which
  // fails without descriptors and then reports a false "invalid vptr"; see CMakeLists.txt.)
  server_process srv(dir.file("rk.db"));
  const auto port = srv.port();
  REQUIRE(post_json(port, "/api/v1/reports", valid_report("Voor de fd-grens")).status == 201);
  REQUIRE(get(port, "/healthz").status == 200);

  // Room for a few more descriptors only.
  const auto in_use = open_fds(srv.pid());
  const rlimit limit{in_use + 8, in_use + 8};
  REQUIRE(::prlimit(srv.pid(), RLIMIT_NOFILE, &limit, nullptr) == 0);

  // Keep-alive connections until the server cannot accept more: the rest wait unanswered.
  std::vector<raw_socket> clients;
  for (int i = 0; i < 40; ++i) {
    clients.emplace_back(port);
    clients.back().send_all(healthz_request);
  }
  std::size_t answered = 0;
  for (auto& c : clients) {
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, answered == 0 ? 3000 : 200) > 0) ++answered;
  }
  INFO("answered " << answered << " of " << clients.size());
  REQUIRE(answered >= 1);
  REQUIRE(answered < clients.size());
  REQUIRE(srv.wait_for_output("\"accept_failed\""));

  // The clients leave; the server accepts again, as many as the limit allows.
  clients.clear();
  const auto deadline = clock_type::now() + 10s;
  bool served = false;
  while (!served && clock_type::now() < deadline) {
    raw_socket s(port);
    s.send_all(healthz_request);
    pollfd p{s.fd(), POLLIN, 0};
    served = ::poll(&p, 1, 1000) > 0;
  }
  REQUIRE(served);
  REQUIRE(get(port, "/healthz").status == 200);
  REQUIRE(post_json(port, "/api/v1/reports", valid_report("Na de fd-grens")).status == 201);
  REQUIRE(srv.wait_for_output("\"accept_recovered\""));
  REQUIRE(metric(port, "rodeknop_http_accept_failures_total") >= 1);
  REQUIRE(srv.stop() == 0);
}

TEST_CASE("connections over --max-connections are answered 503 and closed, and the log says so, once a second",
          "[http][hostile]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"), {"--max-connections", "4"});
  const auto port = srv.port();
  std::vector<raw_socket> idle;
  for (int i = 0; i < 4; ++i) {
    idle.emplace_back(port);
    idle.back().send_all(healthz_request);  // answered, then kept open (keep-alive)
  }
  for (auto& c : idle) {
    pollfd p{c.fd(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 3000) > 0);
  }
  std::vector<raw_socket> refused;
  for (int i = 0; i < 20; ++i) {
    refused.emplace_back(port);
    if (i % 2 == 0) refused.back().send_all(healthz_request);  // the others send nothing: answered all the same
  }
  // Each is taken from the backlog, answered 503 without its request being read, and closed
  // while the four stay open (freeing a slot before then would let the server serve the rest).
  for (auto& c : refused) {
    const auto answer = c.read_until_closed(10s);
    INFO(answer);
    REQUIRE(answer.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0);
    REQUIRE(answer.find("\r\nRetry-After: ") != std::string::npos);
    REQUIRE(answer.find("\r\nConnection: close\r\n") != std::string::npos);
    REQUIRE(answer.find("\r\nDate: ") != std::string::npos);
    const auto body = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
    REQUIRE(body.at("error").at("code") == "too_many_connections");
    REQUIRE(answer.find("HTTP/1.1", 5) == std::string::npos);  // nothing was served
  }
  REQUIRE(srv.wait_for_output("\"connection_refused\""));
  // One of the four kept-open connections asks for the count.
  idle.front().read_responses(1);  // the /healthz answer from the start
  idle.front().send_all("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto answer = idle.front().read_responses(1);
  REQUIRE(answer.size() == 1);
  REQUIRE(answer[0].body.find("\nrodeknop_http_connections_rejected_total 20\n") != std::string::npos);
  // Twenty refusals within a second are one line (later ones say how many were left out).
  const auto out = srv.output();
  std::size_t lines = 0;
  for (auto at = out.find("\"connection_refused\""); at != std::string::npos; at = out.find("\"connection_refused\"", at + 1))
    ++lines;
  CHECK(lines <= 5);

  // Refused clients that neither send nor read nor close do not pile up in the server: each is
  // closed within a bounded time (and at most a few linger at once).
  std::this_thread::sleep_for(1500ms);  // the refusals above have stopped lingering
  const auto fds_before = open_fds(srv.pid());
  std::vector<raw_socket> silent;
  for (int i = 0; i < 100; ++i) silent.emplace_back(port);
  for (auto& c : silent) REQUIRE(c.dropped_within(10s));
  const auto deadline = clock_type::now() + 5s;
  while (open_fds(srv.pid()) > fds_before && clock_type::now() < deadline) std::this_thread::sleep_for(50ms);
  REQUIRE(open_fds(srv.pid()) <= fds_before);
  REQUIRE(srv.stop() == 0);
}

TEST_CASE("100 pipelined requests in one write are answered in order", "[http][hostile][pipelining]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"), {}, {{"RODEKNOP_ACCESS_LOG", "false"}});
  raw_socket s(srv.port());
  std::string creates;
  for (int i = 0; i < 100; ++i) {
    const auto body = valid_report("Pijplijn " + std::to_string(i)).dump();
    creates += "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  s.send_all(creates);
  const auto created = s.read_responses(100);
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < created.size(); ++i) {
    INFO(i << ": " << created[i].body);
    REQUIRE(created[i].status == 201);
    const auto j = created[i].json();
    REQUIRE(j.at("id").get<std::int64_t>() == static_cast<std::int64_t>(i) + 1);
    tokens.push_back(j.at("tracking_token").get<std::string>());
  }
  std::string reads;
  for (const auto& t : tokens) reads += "GET /api/v1/track/" + t + " HTTP/1.1\r\nHost: x\r\n\r\n";
  s.send_all(reads);
  const auto tracked = s.read_responses(100);
  for (std::size_t i = 0; i < tracked.size(); ++i) {
    REQUIRE(tracked[i].status == 200);
    REQUIRE(tracked[i].json().at("title") == "Pijplijn " + std::to_string(i));
  }
}

TEST_CASE("a flood of pipelined requests from a client that never reads stays bounded", "[http][hostile][pipelining]") {
  temp_dir dir;
  // Under AddressSanitizer freed memory waits in a quarantine (256 MiB by default) before it is
  // used again, so the resident set would grow with every request served, bounded or not; a
  // small quarantine lets this test see the server's own memory. (Other builds ignore it.)
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string asan_options = std::string(asan ? asan : "") + (asan && *asan ? ":" : "") +
                                   "quarantine_size_mb=2:thread_local_quarantine_size_kb=64";
  server_process srv(dir.file("rk.db"), {"--write-timeout", "3"},
                     {{"RODEKNOP_ACCESS_LOG", "false"}, {"ASAN_OPTIONS", asan_options}});
  const auto port = srv.port();
  REQUIRE(get(port, "/healthz").status == 200);
  const auto rss_before = rss_kib(srv.pid());

  std::string burst;
  for (int i = 0; i < 1000; ++i) burst += healthz_request;
  // Small buffers on the client's side, so that the kernel's share of the flood stays small.
  raw_socket flood(port, 16384, 16384);
  std::size_t sent = 0;
  const auto started = clock_type::now();
  auto last_progress = started;
  // Send without reading until the server takes no more for half a second (or 15 s pass).
  std::string_view rest(burst);  // what is left of the current burst: the stream stays whole
  while (clock_type::now() - last_progress < 500ms && clock_type::now() - started < 15s) {
    while (true) {
      if (rest.empty()) rest = burst;
      const auto n = flood.send_some(rest);
      if (n == 0) break;
      sent += n;
      rest.remove_prefix(n);
      last_progress = clock_type::now();
    }
    std::this_thread::sleep_for(5ms);
  }
  // TCP holds the flood back: the server stopped reading requests it cannot answer.
  INFO("sent " << sent << " bytes (" << sent / healthz_request.size() << " requests) before the server stopped reading");
  REQUIRE(clock_type::now() - last_progress >= 500ms);
  REQUIRE(sent < 64u * 1024 * 1024);
  // Others are served meanwhile, and the server's memory did not grow with the flood.
  const auto t0 = clock_type::now();
  REQUIRE(get(port, "/healthz").status == 200);
  REQUIRE(clock_type::now() - t0 < 1000ms);
  const auto rss_after = rss_kib(srv.pid());
  INFO("server RSS " << rss_before << " KiB before, " << rss_after << " KiB during the flood");
  REQUIRE(rss_after - rss_before < 16 * 1024);
  // The client that never reads is cut off by the write timeout.
  REQUIRE(flood.dropped_within(10s));
  REQUIRE(get(port, "/healthz").status == 200);
}

TEST_CASE("a request line the server cannot read is answered 400 and its connection closed, never leaked",
          "[http][hostile]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto port = srv.port();
  // Requests whose method Beast does not know, refused before or after the request line: each
  // once made the session throw and leave its socket open for good.
  for (const std::string& bad : {std::string("\x01\x02\x03 / HTTP/1.1\r\n\r\n"), std::string("GE\r\n\r\n"),
                                 std::string("FOO / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
                                 std::string("BREW /pot HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
                                 std::string("PROPFIND / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n")}) {
    INFO(bad);
    for (int i = 0; i < 20; ++i) {
      raw_socket s(port);
      s.send_all(bad);
      REQUIRE(s.closed_within(5s));
    }
    const auto answer = raw_exchange(port, bad);
    REQUIRE((answer.rfind("HTTP/1.1 400", 0) == 0 || answer.rfind("HTTP/1.1 413", 0) == 0));
  }
  // A method it does not know, in a well-formed request: 501, the connection stays usable.
  const auto odd = raw_exchange(port, "FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(odd.rfind("HTTP/1.1 501", 0) == 0);
  REQUIRE(odd.find("HTTP/1.1 200 OK") != std::string::npos);
  // Every one of those 105 connections is gone: only the one asking remains (and perhaps the
  // previous asker's, still closing).
  const auto deadline = clock_type::now() + 3s;
  while (metric(port, "rodeknop_http_open_connections") > 1 && clock_type::now() < deadline)
    std::this_thread::sleep_for(50ms);
  REQUIRE(metric(port, "rodeknop_http_open_connections") <= 2);
  REQUIRE(open_fds(srv.pid()) < 40);
  const auto out = srv.output();
  REQUIRE(out.find("connection_failed") == std::string::npos);
  REQUIRE(srv.stop() == 0);
}

TEST_CASE("a client that resets its connection before it is served is logged under its own address",
          "[http][hostile][peer]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto port = srv.port();
  REQUIRE(get(port, "/healthz").status == 200);

  // No descriptor to spare: the connection waits in the listen queue while the client sends a
  // failing login and resets it.
  rlimit old{};
  REQUIRE(::prlimit(srv.pid(), RLIMIT_NOFILE, nullptr, &old) == 0);
  const rlimit none{3, old.rlim_max};  // below every descriptor it has open but the standard three
  REQUIRE(::prlimit(srv.pid(), RLIMIT_NOFILE, &none, nullptr) == 0);
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    const std::string body = R"({"username":"anna","password":"not her password"})";
    const std::string login = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    REQUIRE(::send(fd, login.data(), login.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(login.size()));
    const linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);  // RST
  }
  REQUIRE(srv.wait_for_output("\"accept_failed\""));
  REQUIRE(::prlimit(srv.pid(), RLIMIT_NOFILE, &old, nullptr) == 0);
  REQUIRE(srv.wait_for_output("\"auth.login_failed\"", 10s));
  const auto out = srv.output();
  const auto at = out.find("\"auth.login_failed\"");
  const auto line = out.substr(out.rfind('\n', at) + 1, out.find('\n', at) - out.rfind('\n', at) - 1);
  INFO(line);
  REQUIRE(line.find("\"address\":\"127.0.0.1\"") != std::string::npos);
  REQUIRE(get(port, "/healthz").status == 200);
  REQUIRE(srv.stop() == 0);
}
