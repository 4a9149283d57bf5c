// Live updates over real HTTP: GET /api/v1/events as Server-Sent Events — delivery of
// report.created and report.updated, Last-Event-ID resume, heartbeats, the cap on open
// streams, access, and a prompt graceful stop with streams open.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <regex>
#include <thread>

#include "harness.hpp"

using namespace rk_test;
using nlohmann::json;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

namespace {

/// A raw HTTP connection that reads a stream as it arrives.
class sse_client {
 public:
  sse_client(unsigned short port, const std::string& token, const std::string& last_event_id = {},
             int receive_buffer = 0, const std::string& cookie = {}) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
    std::string req = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
    if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
    if (!cookie.empty()) req += "Cookie: " + cookie + "\r\n";
    req += "\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
      throw std::runtime_error("send failed");
  }
  ~sse_client() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  /// Reads until `text` has arrived (true) or the time is up / the server closed (false).
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(text) == std::string::npos) {
      if (closed_) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return received_.find(text) != std::string::npos;
      }
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  /// True when the server closed the connection within the timeout.
  bool wait_closed(std::chrono::milliseconds timeout) {
    wait_for("\x01never\x01", timeout);
    return closed_;
  }
  const std::string& received() const { return received_; }

  /// The (id, event, data) of every complete event so far.
  struct event {
    std::string id, type;
    json data;
  };
  std::vector<event> events() const {
    std::vector<event> out;
    static const std::regex frame("id: (\\d+)\nevent: ([a-z.]+)\ndata: ([^\n]*)\n\n");
    for (std::sregex_iterator it(received_.begin(), received_.end(), frame), end; it != end; ++it)
      out.push_back({(*it)[1], (*it)[2], json::parse((*it)[3].str())});
    return out;
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

struct stream_server {
  temp_dir dir;
  std::string db = dir.file("rk.db");
  std::string triager, manager;
  std::unique_ptr<server_process> srv;
  explicit stream_server(std::vector<std::string> args = {}) {
    triager = create_token(db, "dashboard", "triager");
    manager = create_token(db, "directie", "manager");
    srv = std::make_unique<server_process>(db, std::move(args));
  }
  unsigned short port() const { return srv->port(); }
};

std::int64_t submit(unsigned short port, const std::string& title) {
  const auto r = post_json(port, "/api/v1/reports", valid_report(title));
  REQUIRE(r.status == 201);
  return r.json().at("id").get<std::int64_t>();
}

}  // namespace

TEST_CASE("the event stream delivers report.created and report.updated with increasing ids", "[events][sse]") {
  stream_server s;
  const auto port = s.port();
  sse_client c(port, s.triager);
  REQUIRE(c.wait_for("\r\n\r\nretry: 3000\n\n"));
  CHECK(c.received().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(c.received().find("Content-Type: text/event-stream") != std::string::npos);
  CHECK(c.received().find("Content-Length") == std::string::npos);

  const auto id = submit(port, "Live melding");
  REQUIRE(c.wait_for("event: report.created"));
  header_list h = bearer(s.triager);
  h.emplace_back("Content-Type", "application/json");
  h.emplace_back("If-Match", "\"1\"");
  REQUIRE(request(port, http::verb::patch, "/api/v1/reports/" + std::to_string(id), R"({"status":"accepted"})", h).status ==
          200);
  REQUIRE(c.wait_for("event: report.updated"));
  const auto comment = post_json(port, "/api/v1/reports/" + std::to_string(id) + "/comments", {{"body", "Opgepakt."}},
                                 bearer(s.triager));
  REQUIRE(comment.status == 201);
  REQUIRE(c.wait_for("\"version\":3"));

  const auto events = c.events();
  REQUIRE(events.size() == 3);
  CHECK(events[0].type == "report.created");
  CHECK(events[0].data.at("id") == id);
  CHECK(events[0].data.at("status") == "new");
  CHECK(events[0].data.at("reference").get<std::string>().rfind("RK-", 0) == 0);
  CHECK(events[1].type == "report.updated");
  CHECK(events[1].data.at("status") == "accepted");
  CHECK(events[1].data.at("version") == 2);
  // Who changed it: the team member (here an API token); a new report names nobody.
  CHECK(events[0].data.at("actor").is_null());
  CHECK(events[1].data.at("actor") == "token:dashboard");
  CHECK(events[2].data.at("actor") == "token:dashboard");
  CHECK(std::stoull(events[0].id) < std::stoull(events[1].id));
  CHECK(std::stoull(events[1].id) < std::stoull(events[2].id));
  // No personal data on the stream.
  CHECK(c.received().find("Live melding") == std::string::npos);
}

TEST_CASE("Last-Event-ID resumes with the events the client missed", "[events][sse][resume]") {
  stream_server s;
  const auto port = s.port();
  std::string last_id;
  {
    sse_client c(port, s.triager);
    REQUIRE(c.wait_for("retry:"));
    submit(port, "Eerste");
    REQUIRE(c.wait_for("event: report.created"));
    last_id = c.events().at(0).id;
  }
  // While no one listens, two more reports arrive.
  const auto second = submit(port, "Tweede");
  const auto third = submit(port, "Derde");
  sse_client resumed(port, s.triager, last_id);
  REQUIRE(resumed.wait_for("\"id\":" + std::to_string(third)));
  const auto events = resumed.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0].data.at("id") == second);
  CHECK(events[1].data.at("id") == third);
  CHECK(resumed.received().find("event: resync") == std::string::npos);

  // An id the server never gave (e.g. from before a restart): told to resync.
  sse_client stranger(port, s.triager, "12345");
  REQUIRE(stranger.wait_for("event: resync\ndata: {}\n\n"));
  sse_client garbage(port, s.triager, "abc");
  REQUIRE(garbage.wait_for("event: resync"));
}

TEST_CASE("idle streams get heartbeat comments", "[events][sse][heartbeat]") {
  stream_server s({"--sse-heartbeat", "1"});
  sse_client c(s.port(), s.triager);
  REQUIRE(c.wait_for(": heartbeat\n\n", 3000ms));
}

TEST_CASE("the event stream needs a login, managers may follow it too", "[events][sse][access]") {
  stream_server s;
  const auto r = get(s.port(), "/api/v1/events");
  REQUIRE(r.status == 401);
  CHECK(r.json().at("error").at("code") == "unauthenticated");
  sse_client manager(s.port(), s.manager);
  REQUIRE(manager.wait_for("retry:"));
}

TEST_CASE("a stream ends once its token is revoked or its account disabled, and sends nothing after",
          "[events][sse][access]") {
  stream_server s({"--sse-heartbeat", "1"});
  add_user(s.db, "anna", "triager");
  const auto anna = login(s.port(), "anna");
  sse_client by_token(s.port(), s.manager);
  sse_client by_session(s.port(), "", {}, 0, anna.cookie);
  sse_client other(s.port(), s.triager);
  for (auto* c : {&by_token, &by_session, &other}) REQUIRE(c->wait_for("retry:"));
  submit(s.port(), "Voor iedereen");
  for (auto* c : {&by_token, &by_session, &other}) REQUIRE(c->wait_for("event: report.created"));

  REQUIRE(run_command({"token", "revoke", "--db", s.db, "--name", "directie"}).exit_status == 0);
  REQUIRE(run_command({"user", "disable", "--db", s.db, "--username", "anna"}).exit_status == 0);
  std::this_thread::sleep_for(2100ms);  // the streams trust their credential 2 s at most
  submit(s.port(), "Niet meer voor de ingetrokken sleutel");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (other.events().size() < 2 && std::chrono::steady_clock::now() < deadline) other.wait_for("\x01", 100ms);
  REQUIRE(other.events().size() == 2);
  CHECK(by_token.wait_closed(3000ms));
  CHECK(by_session.wait_closed(3000ms));
  CHECK(by_token.events().size() == 1);
  CHECK(by_session.events().size() == 1);
}

TEST_CASE("an idle stream ends within seconds of its token's revocation, not at the next heartbeat",
          "[events][sse][access]") {
  stream_server s({"--sse-heartbeat", "60"});
  sse_client idle(s.port(), s.manager);
  REQUIRE(idle.wait_for("retry:"));
  REQUIRE(run_command({"token", "revoke", "--db", s.db, "--name", "directie"}).exit_status == 0);
  const auto revoked = std::chrono::steady_clock::now();
  REQUIRE(idle.wait_closed(5000ms));  // checked every 2 s; the heartbeat would be in 60
  CHECK(std::chrono::steady_clock::now() - revoked < 4500ms);
  CHECK(idle.received().find("heartbeat") == std::string::npos);
}

TEST_CASE("open streams are capped: beyond the cap 503, and a closed stream frees its slot", "[events][sse][cap]") {
  stream_server s({"--max-streams", "2"});
  const auto port = s.port();
  auto one = std::make_unique<sse_client>(port, s.triager);
  sse_client two(port, s.triager);
  REQUIRE(one->wait_for("retry:"));
  REQUIRE(two.wait_for("retry:"));
  const auto third = get(port, "/api/v1/events", bearer(s.triager));
  REQUIRE(third.status == 503);
  CHECK(third.json().at("error").at("code") == "too_many_streams");
  CHECK_FALSE(third.header("retry-after").empty());
  one.reset();
  // The server sees the client leave at once: no event or heartbeat (15 s) is needed to free
  // its slot.
  bool reopened = false;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!reopened && std::chrono::steady_clock::now() < deadline) {
    sse_client again(port, s.triager);
    reopened = again.wait_for("retry:", 500ms);  // a refused one gets its 503 and is closed at once
    if (!reopened) std::this_thread::sleep_for(100ms);
  }
  CHECK(reopened);
}

TEST_CASE("a client that stops reading is dropped without holding anyone up", "[events][sse][slow]") {
  stream_server s;
  const auto port = s.port();
  // A client that connects and never reads, with a tiny receive buffer: the server's writes to
  // it soon block, its queue fills, and it must be dropped.
  sse_client stuck(port, s.triager, {}, 1024);
  sse_client live(port, s.triager);
  REQUIRE(live.wait_for("retry:"));
  constexpr int threads = 8, per_thread = 200;
  // The live client reads all the time, on its own thread.
  auto reader = std::async(std::launch::async, [&] {
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (live.events().size() < threads * per_thread && std::chrono::steady_clock::now() < until)
      live.wait_for("\x01", 50ms);
    return live.events().size();
  });
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> posters;
  std::atomic<int> created{0};
  for (int t = 0; t < threads; ++t)
    posters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        if (post_json(port, "/api/v1/reports", valid_report("Veel " + std::to_string(t) + "-" + std::to_string(i))).status ==
            201)
          ++created;
    });
  for (auto& p : posters) p.join();
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE(created == threads * per_thread);
  INFO("creating took " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms");
  CHECK(elapsed < 60s);
  // The reader that keeps up gets every one.
  CHECK(reader.get() == threads * per_thread);
  // The stuck one fell more than its queue behind and was dropped (its connection closed).
  CHECK(stuck.wait_closed(10000ms));
  CHECK(get(port, "/healthz").status == 200);
}

TEST_CASE("SIGTERM ends open streams and the server exits promptly with status 0", "[events][sse][stop]") {
  stream_server s;
  sse_client a(s.port(), s.triager);
  sse_client b(s.port(), s.triager);
  REQUIRE(a.wait_for("retry:"));
  REQUIRE(b.wait_for("retry:"));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(s.srv->stop() == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(a.wait_closed(2000ms));
}

TEST_CASE("HEAD of the event stream has its headers without a Content-Length, and takes no stream's place",
          "[events][sse][http]") {
  stream_server s({"--max-streams", "1"});
  const auto port = s.port();
  // Two HEADs on one kept-alive connection, then a GET stream: the HEADs held no slot.
  const std::string head = "HEAD /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.triager + "\r\n\r\n";
  const auto answer = raw_exchange(port, head + head + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  INFO(answer);
  REQUIRE(answer.rfind("HTTP/1.1 200", 0) == 0);
  const auto first = answer.substr(0, answer.find("\r\n\r\n"));
  REQUIRE(first.find("Content-Type: text/event-stream") != std::string::npos);
  REQUIRE(first.find("Content-Length") == std::string::npos);
  REQUIRE(answer.find("retry:") == std::string::npos);  // no body
  std::size_t answers = 0;
  for (auto at = answer.find("HTTP/1.1 200"); at != std::string::npos; at = answer.find("HTTP/1.1 200", at + 1)) ++answers;
  REQUIRE(answers == 3);
  sse_client stream(port, s.triager);
  REQUIRE(stream.wait_for("retry:"));
}
