// The fast path (aggregates kept by triggers, medians cached) must give exactly what a plain
// recomputation from the reports and events gives, on random histories: statuses back and forth
// along the workflow, reporters' replies, reopened reports, owners changed and removed, times
// near local month boundaries and DST switches, compared month by month, per breakdown and
// filter, at several moments while the history grows (so cached medians are put to the test).
#include <catch2/catch.hpp>

#include <SQLiteCpp/Transaction.h>

#include <random>

#include "rodeknop/store/maintenance.hpp"

#include "stats_support.hpp"

using namespace rk_stats;

namespace {

void require_same(const std::vector<domain::month_stats>& fast, const std::vector<domain::month_stats>& plain,
                  const std::string& what) {
  REQUIRE(fast.size() == plain.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    const auto& f = fast[i];
    const auto& p = plain[i];
    INFO(what << " " << domain::format_year_month(f.month));
    REQUIRE(f.month == p.month);
    CHECK(f.total == p.total);
    CHECK(f.open_at_end == p.open_at_end);
    CHECK(f.by_outcome == p.by_outcome);
    CHECK(f.by_department == p.by_department);
    CHECK(f.by_owner_department == p.by_owner_department);
    CHECK(f.by_category == p.by_category);
    REQUIRE(f.median_days_to_decision.has_value() == p.median_days_to_decision.has_value());
    if (f.median_days_to_decision) CHECK(*f.median_days_to_decision == Approx(*p.median_days_to_decision).epsilon(1e-12));
    REQUIRE(f.median_days_to_close.has_value() == p.median_days_to_close.has_value());
    if (f.median_days_to_close) CHECK(*f.median_days_to_close == Approx(*p.median_days_to_close).epsilon(1e-12));
  }
}

struct history {
  std::int64_t id = 0;
  std::string tag;
  std::string status = "new";
  std::int64_t t = 0;  // the report's clock: its next event happens after this
};

}  // namespace

TEST_CASE("the fast path equals a recomputation from the events on random histories", "[stats][random]") {
  const auto seed = GENERATE(1u, 2u, 3u, 4u);
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const auto below = [&](std::int64_t n) { return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n)); };
  const auto chance = [&](int percent) { return below(100) < percent; };

  fresh_db f;
  store::connection c(f.opts, true);
  const auto keys = default_keys();
  const std::vector<std::string> depts(keys.departments.begin(), keys.departments.end());
  const std::vector<std::string> cats(keys.categories.begin(), keys.categories.end());
  store::median_cache cache;

  // October 2025 to December 2026: two DST switches each way and a year end.
  const domain::stats_query whole{{2025, 9}, {2027, 2}, {}, {}};
  const auto window_begin = secs(domain::month_range({2025, 10}).begin);
  const auto window_end = secs(domain::month_range({2026, 12}).end);
  // Month starts (local midnight) to aim at.
  std::vector<std::int64_t> boundaries;
  for (domain::year_month m{2025, 10}; m <= domain::year_month{2027, 1}; m = domain::next_month(m))
    boundaries.push_back(secs(domain::month_range(m).begin));
  const auto some_time_after = [&](std::int64_t t) {
    // Often just before or after a local month boundary, else anything up to seven weeks on.
    if (chance(35)) {
      for (const auto b : boundaries)
        if (b > t) return std::max(t + 1, b - 3 * 3600 + below(6 * 3600));
    }
    return t + 1 + below(chance(50) ? 3 * 86400 : 49 * 86400);
  };

  std::vector<history> reports;
  const int rounds = 6;
  for (int round = 0; round < rounds; ++round) {
    SQLite::Transaction tx(c.db());
    // New reports.
    for (int i = 0; i < 60; ++i) {
      history h;
      h.t = window_begin + below(window_end - window_begin - 90 * 86400);
      if (chance(30)) h.t = boundaries[static_cast<std::size_t>(below(12))] - 1800 + below(3600);
      h.tag = "random-" + std::to_string(seed) + "-" + std::to_string(reports.size());
      h.id = submit(c, at(h.t), depts[static_cast<std::size_t>(below(6))], cats[static_cast<std::size_t>(below(7))], h.tag);
      reports.push_back(h);
    }
    // Histories move on: status changes along the workflow, replies, owners.
    for (int step = 0; step < 400; ++step) {
      auto& h = reports[static_cast<std::size_t>(below(static_cast<std::int64_t>(reports.size())))];
      const auto t = some_time_after(h.t);
      h.t = t;
      if (chance(12)) {
        const std::string owner = chance(20) ? "" : depts[static_cast<std::size_t>(below(6))];
        set_owner(c, h.id, owner, at(t));
        continue;
      }
      if (h.status == "needs_info" && chance(70)) {
        REQUIRE(store::insert_reply(c, h.tag, "Aanvulling van de melder.", at(t)));
        h.status = "new";
        continue;
      }
      const auto& next = domain::transitions().at(h.status);
      const auto& to = next[static_cast<std::size_t>(below(static_cast<std::int64_t>(next.size())))];
      if (to == "new") continue;  // only a reporter's reply goes back to new
      std::string outcome;
      if (to == "resolved") outcome = std::string(domain::outcomes[static_cast<std::size_t>(below(6))]);
      change_status(c, h.id, to, at(t), outcome);
      h.status = to;
    }
    if (round == rounds - 2) {
      // A correction of a report's department and category (not an API path, but any writer may).
      c.db().exec("UPDATE reports SET department = 'ocw', category = 'samenwerking' WHERE id IN (3, 4, 5)");
    }
    tx.commit();

    require_same(store::monthly_stats(c, whole, keys, &cache), recompute_from_events(c, whole, keys), "all");
    for (const auto& d : depts) {
      const domain::stats_query q{whole.from, whole.to, d, {}};
      require_same(store::monthly_stats(c, q, keys, &cache), recompute_from_events(c, q, keys), "department " + d);
    }
    for (const auto& k : cats) {
      const domain::stats_query q{whole.from, whole.to, {}, k};
      require_same(store::monthly_stats(c, q, keys, &cache), recompute_from_events(c, q, keys), "category " + k);
    }
    const domain::stats_query both{{2026, 1}, {2026, 6}, depts[static_cast<std::size_t>(round % 6)],
                                   cats[static_cast<std::size_t>(round % 7)]};
    require_same(store::monthly_stats(c, both, keys, &cache), recompute_from_events(c, both, keys), "both");
  }
  // The histories did what they are meant to test.
  SQLite::Statement reopened(c.db(), "SELECT count(*) FROM events WHERE type = 'status' AND to_value = 'accepted' "
                                     "AND from_value IN ('resolved', 'wont_fix', 'rejected', 'duplicate')");
  reopened.executeStep();
  CHECK(reopened.getColumn(0).getInt64() > 10);
  SQLite::Statement replies(c.db(), "SELECT count(*) FROM events WHERE type = 'status' AND actor = 'reporter'");
  replies.executeStep();
  CHECK(replies.getColumn(0).getInt64() > 10);
}

TEST_CASE("a seeded database has the figures a recomputation gives, and keeps them as it changes",
          "[stats][seed]") {
  fresh_db f;
  const auto keys = default_keys();
  // Two seeds into one database: the second adds to figures that are already there.
  const auto first = store::seed(f.opts, 700, 5);
  const auto second = store::seed(f.opts, 500, 6);
  REQUIRE(first.reports + second.reports == 1200);

  store::connection c(f.opts, true);
  const auto this_month = domain::amsterdam_month(std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now()));
  const domain::stats_query whole{domain::add_months(this_month, -14), this_month, {}, {}};
  store::median_cache cache;
  require_same(store::monthly_stats(c, whole, keys, &cache), recompute_from_events(c, whole, keys), "seeded");
  const domain::stats_query one{whole.from, whole.to, "dso", "ict_systeem"};
  require_same(store::monthly_stats(c, one, keys, &cache), recompute_from_events(c, one, keys), "seeded, filtered");

  // The seed put its row triggers back: ordinary changes after it still move the figures.
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto id = submit(c, now, "dso", "ict_systeem");
  change_status(c, id, "accepted", now);
  change_status(c, 1, "rejected", now);
  require_same(store::monthly_stats(c, whole, keys, &cache), recompute_from_events(c, whole, keys), "after changes");
  require_same(store::monthly_stats(c, one, keys, &cache), recompute_from_events(c, one, keys), "after changes, filtered");
  SQLite::Statement triggers(c.db(), "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'stats_%'");
  triggers.executeStep();
  CHECK(triggers.getColumn(0).getInt() == 4);
}
