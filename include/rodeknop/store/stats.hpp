#pragma once
// Reading the monthly statistics that the triggers of sql/0004_statistics.sql keep: a few
// hundred aggregate rows per month instead of a pass over every report and event. Medians come
// from the insert-only durations table; those of months whose set has not changed since they were
// last computed are served from memory.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "rodeknop/domain/stats.hpp"
#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

/// Medians already computed, keyed by what they were computed over. A durations set only grows
/// (or changes together with stats_revision), so an unchanged size and revision mean an
/// unchanged set. Thread-safe; one per server.
class median_cache {
 public:
  struct key {
    int kind = 0;  // 1: to first decision, 2: to closing
    std::string month;
    std::string department;
    std::string category;
    friend auto operator<=>(const key&, const key&) = default;
  };
  struct entry {
    std::int64_t count = 0;
    std::int64_t revision = 0;
    double days = 0;
  };

  std::optional<double> find(const key& k, std::int64_t count, std::int64_t revision) const;
  void put(const key& k, entry e);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<key, entry> entries_;
};

/// Keys that every breakdown lists, with zeros where nothing happened (the active departments
/// and categories); keys with figures are listed whether active or not.
struct stats_keys {
  std::set<std::string, std::less<>> departments;
  std::set<std::string, std::less<>> categories;
};

/// The figures of every month of the query, oldest first, all read from one snapshot.
/// `cache` may be null (every median computed). `changes`, when given, receives the change
/// counter of that snapshot (see stats_changes).
std::vector<domain::month_stats> monthly_stats(connection& c, const domain::stats_query& q, const stats_keys& keys,
                                               median_cache* cache, std::int64_t* changes = nullptr);

/// A counter that every trigger of the statistics bumps in the same transaction as the change:
/// while it is unchanged, so is every figure.
std::int64_t stats_changes(connection& c);

/// Medians over a whole range of months, for the page's headline figures: submission → first
/// decision over the decisions in the range, submission → closing over its closings.
struct period_medians {
  std::optional<double> to_decision;
  std::optional<double> to_close;
};
period_medians range_medians(connection& c, const domain::stats_query& q, median_cache* cache);

}  // namespace rodeknop::store
