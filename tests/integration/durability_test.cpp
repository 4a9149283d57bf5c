// "Nothing lost": a report that got its reference, and a triage change that got its 200 or 201,
// survive a hard crash at any moment, and the database file stays sound.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "harness.hpp"

using namespace rk_test;
using nlohmann::json;
namespace http = boost::beast::http;

namespace {

struct acknowledged_report {
  std::int64_t id;
  std::string reference;
  std::string token;
};

// What the triage threads were told had been saved.
struct acknowledged_change {
  std::int64_t id;
  long long version;        // the version the 200 answered with
  std::string priority;     // the priority it set
};

struct acknowledged_comment {
  std::int64_t id;
  std::string body;
};

std::string integrity_of(const std::string& db) {
  // Opening it read-write lets SQLite recover the WAL the killed server left, as it would for
  // the next start; the program itself never touches -wal or -shm.
  SQLite::Database database(db, SQLite::OPEN_READWRITE);
  return database.execAndGet("PRAGMA integrity_check").getString();
}

response patch_priority(unsigned short port, std::int64_t id, const std::string& priority, long long version,
                        const header_list& auth) {
  header_list h{{"Content-Type", "application/json"}, {"If-Match", "\"" + std::to_string(version) + "\""}};
  h.insert(h.end(), auth.begin(), auth.end());
  return request(port, http::verb::patch, "/api/v1/reports/" + std::to_string(id), json{{"priority", priority}}.dump(), h);
}

}  // namespace

TEST_CASE("every acknowledged report survives SIGKILL during concurrent creates", "[durability]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  std::mutex mutex;
  std::vector<json> acknowledged;
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

TEST_CASE("ten crashes at random moments during creates and triage changes lose nothing acknowledged",
          "[durability][crash]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto token = create_token(db, "crash-test", "triager");
  const header_list triager = bearer(token);
  const auto seed = std::random_device{}();
  INFO("random seed " << seed);
  std::mt19937 random(seed);
  const std::vector<std::string> priorities{"low", "normal", "high", "urgent"};

  std::vector<acknowledged_report> reports;
  std::vector<acknowledged_change> changes;
  std::vector<acknowledged_comment> comments;
  std::set<std::string> references;

  for (int round = 1; round <= 10; ++round) {
    INFO("round " << round);
    std::mutex mutex;
    std::size_t created_this_round = 0;
    {
      server_process srv(db);
      const auto port = srv.port();
      std::atomic<bool> go{true};
      std::vector<std::thread> clients;
      // Six reporters create reports as fast as they can.
      for (int t = 0; t < 6; ++t) {
        clients.emplace_back([&, t] {
          for (int i = 0; go; ++i) {
            try {
              const auto r = post_json(port, "/api/v1/reports",
                                       valid_report("Ronde " + std::to_string(round) + " melder " + std::to_string(t) +
                                                    " nummer " + std::to_string(i)));
              if (r.status != 201) continue;
              const auto j = r.json();
              std::lock_guard lock(mutex);
              reports.push_back({j.at("id").get<std::int64_t>(), j.at("reference").get<std::string>(),
                                 j.at("tracking_token").get<std::string>()});
              ++created_this_round;
            } catch (const std::exception&) {
              return;  // the server is gone
            }
          }
        });
      }
      // Two triagers change priorities (with If-Match) and write comments on reports already there.
      for (int t = 0; t < 2; ++t) {
        clients.emplace_back([&, t, thread_seed = random()] {
          std::mt19937 own(thread_seed);
          for (int i = 0; go; ++i) {
            try {
              std::int64_t id = 0;
              {
                std::lock_guard lock(mutex);
                if (reports.empty()) {
                  std::this_thread::yield();
                  continue;
                }
                id = reports[std::uniform_int_distribution<std::size_t>(0, reports.size() - 1)(own)].id;
              }
              const auto current = get(port, "/api/v1/reports/" + std::to_string(id), triager);
              if (current.status != 200) continue;
              const auto now = current.json();
              const auto version = now.at("version").get<long long>();
              if (i % 3 == 2) {
                const std::string body = "Crashronde " + std::to_string(round) + " triager " + std::to_string(t) +
                                         " opmerking " + std::to_string(i);
                const auto r = post_json(port, "/api/v1/reports/" + std::to_string(id) + "/comments",
                                         json{{"body", body}, {"visibility", "internal"}}, triager);
                if (r.status == 201) {
                  std::lock_guard lock(mutex);
                  comments.push_back({id, body});
                }
                continue;
              }
              // Always a different priority, so that each 200 is one event.
              std::string priority = now.at("priority").get<std::string>();
              while (priority == now.at("priority").get<std::string>())
                priority = priorities[std::uniform_int_distribution<std::size_t>(0, 3)(own)];
              const auto r = patch_priority(port, id, priority, version, triager);
              if (r.status == 200) {
                std::lock_guard lock(mutex);
                changes.push_back({id, r.json().at("version").get<long long>(), priority});
              }
            } catch (const std::exception&) {
              return;  // the server is gone
            }
          }
        });
      }
      // Crash at a random moment: after the first acknowledgement, 50 to 700 ms into the stream.
      while (true) {
        {
          std::lock_guard lock(mutex);
          if (created_this_round > 0) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 700)(random)));
      srv.kill_hard();
      go = false;
      for (auto& c : clients) c.join();
    }
    REQUIRE(created_this_round > 0);
    REQUIRE(integrity_of(db) == "ok");

    server_process again(db);
    const auto port = again.port();
    // Every acknowledged report is there, with its reference, under its tracking link.
    for (const auto& ack : reports) {
      if (references.count(ack.reference)) continue;  // checked in an earlier round
      const auto r = get(port, "/api/v1/track/" + ack.token);
      INFO(ack.reference);
      REQUIRE(r.status == 200);
      REQUIRE(r.json().at("reference") == ack.reference);
      references.insert(ack.reference);
    }
    REQUIRE(references.size() == reports.size());  // no reference was handed out twice
    // Every acknowledged change is in the report's history, and no version went backwards.
    std::map<std::int64_t, long long> latest_version;
    std::map<std::int64_t, std::size_t> priority_changes;
    for (const auto& c : changes) {
      latest_version[c.id] = std::max(latest_version[c.id], c.version);
      ++priority_changes[c.id];
    }
    std::map<std::int64_t, std::vector<std::string>> comment_bodies;
    for (const auto& c : comments) comment_bodies[c.id].push_back(c.body);
    std::set<std::int64_t> touched;
    for (const auto& [id, _] : latest_version) touched.insert(id);
    for (const auto& [id, _] : comment_bodies) touched.insert(id);
    for (const auto id : touched) {
      const auto r = get(port, "/api/v1/reports/" + std::to_string(id), triager);
      INFO("report " << id << ": " << r.body.substr(0, 2000));
      REQUIRE(r.status == 200);
      const auto j = r.json();
      if (latest_version.count(id)) {
        REQUIRE(j.at("version").get<long long>() >= latest_version[id]);
        std::size_t events = 0;
        for (const auto& e : j.at("history"))
          if (e.at("type") == "priority") ++events;
        REQUIRE(events >= priority_changes[id]);
      }
      for (const auto& body : comment_bodies[id]) {
        bool found = false;
        for (const auto& c : j.at("comments")) found = found || c.at("body") == body;
        INFO(body);
        REQUIRE(found);
      }
    }
    REQUIRE(again.stop() == 0);
  }
  // Ten crashes, and the triagers got work done in between.
  REQUIRE(reports.size() >= 10);
  REQUIRE(!changes.empty());
  REQUIRE(!comments.empty());
  REQUIRE(integrity_of(db) == "ok");
}
