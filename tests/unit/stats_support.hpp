#pragma once
// Helpers for the statistics tests: a fresh database, reports and status changes written the
// way the store writes them, and a plain recomputation of PRODUCT.md's monthly figures straight
// from the reports and events tables, independent of the triggers and of stats_* tables.

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/report.hpp"
#include "rodeknop/domain/stats.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/reports.hpp"
#include "rodeknop/store/stats.hpp"
#include "rodeknop/util/crypto.hpp"
#include "unit_support.hpp"

namespace rk_stats {

namespace domain = rodeknop::domain;
namespace store = rodeknop::store;

inline std::int64_t secs(domain::sys_seconds t) { return t.time_since_epoch().count(); }
inline domain::sys_seconds at(std::int64_t s) { return domain::sys_seconds{std::chrono::seconds{s}}; }

struct fresh_db {
  rk_unit::temp_dir dir;
  store::db_options opts;
  fresh_db() {
    rodeknop::util::init_crypto();
    opts.path = dir.file("stats.db");
    store::initialise_database(opts);
  }
};

/// A report submitted at `t` through the store (its tracking "hash" is `tag`).
inline std::int64_t submit(store::connection& c, domain::sys_seconds t, const std::string& department = "bsd",
                           const std::string& category = "anders", const std::string& tag = {}) {
  domain::report_submission s;
  s.title = "Titel";
  s.procedure = "Procedure";
  s.description = "Omschrijving";
  s.department = department;
  s.category = category;
  static int counter = 0;
  const std::string hash = tag.empty() ? "stats-test-" + std::to_string(++counter) : tag;
  return store::insert_report(c, s, hash, t).id;
}

/// A team member's status change as the team API writes it: the event, then the report row.
inline void change_status(store::connection& c, std::int64_t id, const std::string& to, domain::sys_seconds t,
                          const std::string& outcome = {}, const std::string& actor = "anna") {
  auto& cur = c.prepare("SELECT status FROM reports WHERE id = ?1");
  cur.bind(1, id);
  cur.executeStep();
  const std::string from = cur.getColumn(0).getString();
  cur.reset();
  auto& ev = c.prepare(
      "INSERT INTO events (report_id, at, actor, type, from_value, to_value, outcome) "
      "VALUES (?1, ?2, ?3, 'status', ?4, ?5, ?6)");
  ev.bind(1, id);
  ev.bind(2, secs(t));
  ev.bind(3, actor);
  ev.bind(4, from);
  ev.bind(5, to);
  if (outcome.empty())
    ev.bind(6);
  else
    ev.bind(6, outcome);
  ev.exec();
  auto& up = c.prepare(
      "UPDATE reports SET status = ?2, outcome = ?3, updated_at = ?4, version = version + 1 WHERE id = ?1");
  up.bind(1, id);
  up.bind(2, to);
  if (to == "resolved")
    up.bind(3, outcome);
  else
    up.bind(3);
  up.bind(4, secs(t));
  up.exec();
}

inline void set_owner(store::connection& c, std::int64_t id, const std::string& owner, domain::sys_seconds t) {
  auto& ev = c.prepare(
      "INSERT INTO events (report_id, at, actor, type, from_value, to_value) "
      "SELECT id, ?2, 'anna', 'owner_department', owner_department, ?3 FROM reports WHERE id = ?1");
  ev.bind(1, id);
  ev.bind(2, secs(t));
  if (owner.empty())
    ev.bind(3);
  else
    ev.bind(3, owner);
  ev.exec();
  auto& up = c.prepare("UPDATE reports SET owner_department = ?2 WHERE id = ?1");
  up.bind(1, id);
  if (owner.empty())
    up.bind(2);
  else
    up.bind(2, owner);
  up.exec();
}

/// PRODUCT.md's definitions computed the plain way: every report and every status event read
/// and classified in C++ with domain/calendar, nothing taken from the statistics tables.
inline std::vector<domain::month_stats> recompute_from_events(store::connection& c, const domain::stats_query& q,
                                                              const store::stats_keys& keys) {
  struct report_row {
    std::int64_t created;
    std::string department, category, owner;
  };
  struct status_event {
    std::int64_t id, at;
    std::string actor, from, to, outcome;
  };
  std::map<std::int64_t, report_row> reports;
  SQLite::Statement rs(c.db(), "SELECT id, created_at, department, category, coalesce(owner_department, '') FROM reports");
  while (rs.executeStep())
    reports[rs.getColumn(0).getInt64()] = {rs.getColumn(1).getInt64(), rs.getColumn(2).getString(),
                                           rs.getColumn(3).getString(), rs.getColumn(4).getString()};
  std::map<std::int64_t, std::vector<status_event>> events;
  SQLite::Statement es(c.db(),
                       "SELECT report_id, id, at, actor, from_value, to_value, coalesce(outcome, '') FROM events "
                       "WHERE type = 'status' AND from_value IS NOT NULL AND to_value IS NOT NULL "
                       "ORDER BY report_id, at, id");
  while (es.executeStep()) {
    status_event e{es.getColumn(1).getInt64(), es.getColumn(2).getInt64(), es.getColumn(3).getString(),
                   es.getColumn(4).getString(), es.getColumn(5).getString(), es.getColumn(6).getString()};
    if (e.from != e.to) events[es.getColumn(0).getInt64()].push_back(std::move(e));
  }

  const int n = domain::months_in_range(q.from, q.to);
  std::vector<domain::month_stats> out(static_cast<std::size_t>(n));
  std::vector<std::vector<std::int64_t>> to_decision(out.size()), to_close(out.size());
  for (int i = 0; i < n; ++i) {
    auto& m = out[static_cast<std::size_t>(i)];
    m.month = domain::add_months(q.from, i);
    for (const auto& d : keys.departments) {
      m.by_department.emplace(d, domain::stats_counts{});
      m.by_owner_department.emplace(d, domain::stats_counts{});
    }
    for (const auto& k : keys.categories) m.by_category.emplace(k, domain::stats_counts{});
  }
  const auto index_of = [&](std::int64_t t) -> std::optional<std::size_t> {
    const int i = domain::months_in_range(q.from, domain::amsterdam_month(at(t))) - 1;
    if (i < 0 || i >= n) return std::nullopt;
    return static_cast<std::size_t>(i);
  };
  const auto add = [](domain::month_stats& m, const report_row& r, const domain::stats_counts& d) {
    m.total += d;
    m.by_department[r.department] += d;
    m.by_category[r.category] += d;
    if (!r.owner.empty()) m.by_owner_department[r.owner] += d;
  };

  for (const auto& [id, r] : reports) {
    if (!q.department.empty() && r.department != q.department) continue;
    if (!q.category.empty() && r.category != q.category) continue;
    if (auto i = index_of(r.created)) add(out[*i], r, {.received = 1});
    const auto& evs = events[id];
    bool decided = false;
    for (const auto& e : evs) {
      const auto i = index_of(e.at);
      domain::stats_counts d;
      if (e.from == "new" && e.actor != "reporter" && !decided) {
        decided = true;
        d.decided = 1;
        if (i) to_decision[*i].push_back(e.at - r.created);
      }
      d.resolved = e.to == "resolved";
      d.wont_fix = e.to == "wont_fix";
      d.rejected = e.to == "rejected";
      d.duplicates = e.to == "duplicate";
      if (!i) continue;
      if (domain::is_closed_status(e.to)) to_close[*i].push_back(e.at - r.created);
      add(out[*i], r, d);
      if (e.to == "resolved")
        for (std::size_t o = 0; o < domain::outcome_count; ++o)
          if (domain::outcomes[o] == e.outcome) ++out[*i].by_outcome[o];
    }
    // Open at the end of each month: submitted by then, and the last status by then not closed.
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto end = secs(domain::month_range(out[i].month).end);
      if (r.created >= end) continue;
      std::string status = "new";
      for (const auto& e : evs)
        if (e.at < end) status = e.to;
      if (!domain::is_closed_status(status)) ++out[i].open_at_end;
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::sort(to_decision[i].begin(), to_decision[i].end());
    std::sort(to_close[i].begin(), to_close[i].end());
    out[i].median_days_to_decision = domain::median_days(to_decision[i]);
    out[i].median_days_to_close = domain::median_days(to_close[i]);
  }
  return out;
}

inline store::stats_keys default_keys() {
  return {{"bsd", "dpz", "dso", "dsb", "szw", "ocw"},
          {"landelijke_regelgeving", "gemeentelijk_beleid", "interne_werkwijze", "ict_systeem", "formulier_brief",
           "samenwerking", "anders"}};
}

}  // namespace rk_stats
