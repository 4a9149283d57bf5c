// "Nothing lost": a report that got its reference survives a hard crash.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>

#include "harness.hpp"

using namespace rk_test;

TEST_CASE("every acknowledged report survives SIGKILL during concurrent creates", "[durability]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  std::mutex mutex;
  std::vector<nlohmann::json> acknowledged;
  {
    server_process srv(db);
    std::atomic<bool> go{true};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; go; ++i) {
          try {
            const auto r = post_json(srv.port(), "/api/v1/reports",
                                     valid_report("Crash " + std::to_string(t) + "-" + std::to_string(i)));
            if (r.status == 201) {
              std::lock_guard lock(mutex);
              acknowledged.push_back(r.json());
            }
          } catch (const std::exception&) {
            return;  // the server is gone
          }
        }
      });
    }
    // Let some creates through, then crash in the middle of the stream.
    while (true) {
      {
        std::lock_guard lock(mutex);
        if (acknowledged.size() >= 150) break;
      }
      std::this_thread::yield();
    }
    srv.kill_hard();
    go = false;
    for (auto& c : clients) c.join();
  }
  REQUIRE(acknowledged.size() >= 150);

  server_process again(db);
  for (const auto& ack : acknowledged) {
    const auto r = get(again.port(), "/api/v1/track/" + ack.at("tracking_token").get<std::string>());
    INFO(ack.dump());
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("reference") == ack.at("reference"));
  }
  // New references continue after the survivors, never repeating one.
  const auto next = post_json(again.port(), "/api/v1/reports", valid_report()).json();
  for (const auto& ack : acknowledged) REQUIRE(next.at("reference") != ack.at("reference"));
}
