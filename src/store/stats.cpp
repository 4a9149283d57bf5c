#include "rodeknop/store/stats.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <queue>

namespace rodeknop::store {

namespace {

// The columns of stats_monthly after the four key columns, in this order.
constexpr const char* monthly_sql =
    "SELECT month, department, category, owner_department, received, decided, resolved, wont_fix, rejected, "
    "duplicates, rule_abolished, rule_changed, procedure_changed, room_within_rules, tailored_solution, explained, "
    "open_delta FROM stats_monthly WHERE month >= ?1 AND month <= ?2 AND (?3 = '' OR department = ?3) "
    "AND (?4 = '' OR category = ?4)";

constexpr const char* open_before_sql =
    "SELECT coalesce(sum(open_delta), 0) FROM stats_monthly WHERE month < ?1 AND (?2 = '' OR department = ?2) "
    "AND (?3 = '' OR category = ?3)";

// One statement per filter so that each can walk its own index in order of seconds.
constexpr const char* median_sql[4] = {
    "SELECT seconds FROM stats_durations WHERE kind = ?1 AND month = ?2 ORDER BY seconds LIMIT ?5 OFFSET ?6",
    "SELECT seconds FROM stats_durations WHERE kind = ?1 AND month = ?2 AND department = ?3 "
    "ORDER BY seconds LIMIT ?5 OFFSET ?6",
    "SELECT seconds FROM stats_durations WHERE kind = ?1 AND month = ?2 AND category = ?4 "
    "ORDER BY seconds LIMIT ?5 OFFSET ?6",
    "SELECT seconds FROM stats_durations WHERE kind = ?1 AND month = ?2 AND department = ?3 AND category = ?4 "
    "ORDER BY seconds LIMIT ?5 OFFSET ?6"};

constexpr const char* count_sql[4] = {
    "SELECT count(*) FROM stats_durations WHERE kind = ?1 AND month = ?2",
    "SELECT count(*) FROM stats_durations WHERE kind = ?1 AND month = ?2 AND department = ?3",
    "SELECT count(*) FROM stats_durations WHERE kind = ?1 AND month = ?2 AND category = ?4",
    "SELECT count(*) FROM stats_durations WHERE kind = ?1 AND month = ?2 AND department = ?3 AND category = ?4"};

std::int64_t count_durations(connection& c, int which, const median_cache::key& k) {
  auto& st = c.prepare(count_sql[which]);
  st.bind(1, k.kind);
  st.bind(2, k.month);
  if (which == 1 || which == 3) st.bind(3, k.department);
  if (which == 2 || which == 3) st.bind(4, k.category);
  st.executeStep();
  const auto n = st.getColumn(0).getInt64();
  st.reset();
  return n;
}

// The median of the durations set `k`, which the aggregate rows say has `count` members.
std::optional<double> compute_median(connection& c, const median_cache::key& k, std::int64_t count) {
  const int which = (k.department.empty() ? 0 : 1) + (k.category.empty() ? 0 : 2);
  for (int attempt = 0; attempt < 2 && count > 0; ++attempt) {
    auto& st = c.prepare(median_sql[which]);
    st.bind(1, k.kind);
    st.bind(2, k.month);
    if (which == 1 || which == 3) st.bind(3, k.department);
    if (which == 2 || which == 3) st.bind(4, k.category);
    st.bind(5, count % 2 == 1 ? 1 : 2);
    st.bind(6, (count - 1) / 2);
    std::vector<std::int64_t> middle;
    while (st.executeStep()) middle.push_back(st.getColumn(0).getInt64());
    st.reset();
    if (middle.size() == (count % 2 == 1 ? 1u : 2u)) {
      const double seconds = middle.size() == 1 ? static_cast<double>(middle[0])
                                                : (static_cast<double>(middle[0]) + static_cast<double>(middle[1])) / 2;
      return seconds / 86400.0;
    }
    // The counters and the durations disagree (they cannot while both are kept by the same
    // triggers): count the set itself rather than answer wrongly.
    count = count_durations(c, which, k);
  }
  return std::nullopt;
}

// The middle of the durations of several months: one cursor per month, each in order of
// seconds (the primary key's order), merged until the middle is reached.
std::optional<double> merged_median(connection& c, int kind, const domain::stats_query& q, std::int64_t count) {
  if (count <= 0) return std::nullopt;
  const int which = (q.department.empty() ? 0 : 1) + (q.category.empty() ? 0 : 2);
  std::string sql = median_sql[which];
  sql = sql.substr(0, sql.find(" LIMIT"));
  std::vector<std::unique_ptr<SQLite::Statement>> cursors;
  using head = std::pair<std::int64_t, std::size_t>;  // value, cursor
  std::priority_queue<head, std::vector<head>, std::greater<>> heads;
  for (auto m = q.from; m <= q.to; m = domain::next_month(m)) {
    auto st = std::make_unique<SQLite::Statement>(c.db(), sql);
    st->bind(1, kind);
    st->bind(2, domain::format_year_month(m));
    if (which == 1 || which == 3) st->bind(3, q.department);
    if (which == 2 || which == 3) st->bind(4, q.category);
    if (st->executeStep()) {
      heads.emplace(st->getColumn(0).getInt64(), cursors.size());
      cursors.push_back(std::move(st));
    }
  }
  const std::int64_t low = (count - 1) / 2, high = count / 2;
  std::vector<std::int64_t> middle;
  for (std::int64_t i = 0; i <= high && !heads.empty(); ++i) {
    const auto [value, k] = heads.top();
    heads.pop();
    if (i >= low) middle.push_back(value);
    if (cursors[k]->executeStep()) heads.emplace(cursors[k]->getColumn(0).getInt64(), k);
  }
  if (middle.empty()) return std::nullopt;
  double sum = 0;
  for (auto v : middle) sum += static_cast<double>(v);
  return sum / static_cast<double>(middle.size()) / 86400.0;
}

std::optional<double> median(connection& c, median_cache* cache, median_cache::key k, std::int64_t count,
                             std::int64_t revision) {
  if (count <= 0) return std::nullopt;
  if (cache)
    if (auto hit = cache->find(k, count, revision)) return hit;
  auto m = compute_median(c, k, count);
  if (cache && m) cache->put(std::move(k), {count, revision, *m});
  return m;
}

using breakdown = std::map<std::string, domain::stats_counts, std::less<>>;

domain::stats_counts& slot(breakdown& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(std::string(key), domain::stats_counts{}).first;
  return it->second;
}

std::string_view text(sqlite3_stmt* st, int column) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, column));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st, column))) : std::string_view{};
}

// A statement prepared on the raw handle: the monthly rows are read a few thousand at a time,
// and SQLiteCpp's column objects cost more than the reading itself.
struct raw_statement {
  sqlite3_stmt* st = nullptr;
  raw_statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      const int code = sqlite3_extended_errcode(db);
      throw SQLite::Exception(sqlite3_errmsg(db), code);
    }
  }
  ~raw_statement() { sqlite3_finalize(st); }
  raw_statement(const raw_statement&) = delete;
  raw_statement& operator=(const raw_statement&) = delete;
  void bind(int i, const std::string& v) { sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  bool step(sqlite3* db) {
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SQLite::Exception(sqlite3_errmsg(db), sqlite3_extended_errcode(db));
  }
};

}  // namespace

std::optional<double> median_cache::find(const key& k, std::int64_t count, std::int64_t revision) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(k);
  if (it == entries_.end() || it->second.count != count || it->second.revision != revision) return std::nullopt;
  return it->second.days;
}

void median_cache::put(const key& k, entry e) {
  std::lock_guard lock(mutex_);
  // Bounded: months times filters is small, but ranges asked for the page's headline are free.
  if (entries_.size() >= 20000 && !entries_.contains(k)) entries_.clear();
  entries_.insert_or_assign(k, e);
}

std::size_t median_cache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::vector<domain::month_stats> monthly_stats(connection& c, const domain::stats_query& q, const stats_keys& keys,
                                               median_cache* cache, std::int64_t* changes) {
  const int n = domain::months_in_range(q.from, q.to);
  if (n < 1) return {};
  const auto from = domain::format_year_month(q.from);
  const auto to = domain::format_year_month(q.to);

  std::vector<domain::month_stats> months(static_cast<std::size_t>(n));
  std::map<std::string, std::size_t, std::less<>> index;
  for (int i = 0; i < n; ++i) {
    auto& m = months[static_cast<std::size_t>(i)];
    m.month = domain::add_months(q.from, i);
    index.emplace(domain::format_year_month(m.month), static_cast<std::size_t>(i));
    for (const auto& d : keys.departments) {
      m.by_department.emplace(d, domain::stats_counts{});
      m.by_owner_department.emplace(d, domain::stats_counts{});
    }
    for (const auto& k : keys.categories) m.by_category.emplace(k, domain::stats_counts{});
  }

  // One read snapshot for the counters, the open reports and the medians alike.
  SQLite::Transaction snapshot(c.db(), SQLite::TransactionBehavior::DEFERRED);

  auto& rev = c.prepare("SELECT n, changes FROM stats_revision WHERE id = 1");
  const bool has_revision = rev.executeStep();
  const std::int64_t revision = has_revision ? rev.getColumn(0).getInt64() : 0;
  if (changes) *changes = has_revision ? rev.getColumn(1).getInt64() : 0;
  rev.reset();

  sqlite3* handle = c.db().getHandle();
  raw_statement rows(handle, monthly_sql);
  rows.bind(1, from);
  rows.bind(2, to);
  rows.bind(3, q.department);
  rows.bind(4, q.category);
  while (rows.step(handle)) {
    const auto it = index.find(text(rows.st, 0));
    if (it == index.end()) continue;
    auto& m = months[it->second];
    const domain::stats_counts counts{sqlite3_column_int64(rows.st, 4), sqlite3_column_int64(rows.st, 5),
                                      sqlite3_column_int64(rows.st, 6), sqlite3_column_int64(rows.st, 7),
                                      sqlite3_column_int64(rows.st, 8), sqlite3_column_int64(rows.st, 9)};
    m.total += counts;
    slot(m.by_department, text(rows.st, 1)) += counts;
    slot(m.by_category, text(rows.st, 2)) += counts;
    const auto owner = text(rows.st, 3);
    if (!owner.empty()) slot(m.by_owner_department, owner) += counts;
    for (std::size_t o = 0; o < domain::outcome_count; ++o)
      m.by_outcome[o] += sqlite3_column_int64(rows.st, static_cast<int>(10 + o));
    m.open_at_end += sqlite3_column_int64(rows.st, 16);  // this month's change, summed up below
  }

  // Open at the end of a month: every report received up to then, less every closing since,
  // plus every reopening since.
  auto& before = c.prepare(open_before_sql);
  before.bind(1, from);
  before.bind(2, q.department);
  before.bind(3, q.category);
  before.executeStep();
  std::int64_t open = before.getColumn(0).getInt64();
  before.reset();

  for (std::size_t i = 0; i < months.size(); ++i) {
    auto& m = months[i];
    open += m.open_at_end;
    m.open_at_end = open;
    const auto month = domain::format_year_month(m.month);
    m.median_days_to_decision =
        median(c, cache, {1, month, q.department, q.category}, m.total.decided, revision);
    m.median_days_to_close = median(c, cache, {2, month, q.department, q.category}, m.total.closed(), revision);
  }
  snapshot.commit();
  return months;
}

period_medians range_medians(connection& c, const domain::stats_query& q, median_cache* cache) {
  SQLite::Transaction snapshot(c.db(), SQLite::TransactionBehavior::DEFERRED);
  auto& rev = c.prepare("SELECT n FROM stats_revision WHERE id = 1");
  const std::int64_t revision = rev.executeStep() ? rev.getColumn(0).getInt64() : 0;
  rev.reset();
  auto& sums = c.prepare(
      "SELECT coalesce(sum(decided), 0), coalesce(sum(resolved + wont_fix + rejected + duplicates), 0) "
      "FROM stats_monthly WHERE month >= ?1 AND month <= ?2 AND (?3 = '' OR department = ?3) "
      "AND (?4 = '' OR category = ?4)");
  sums.bind(1, domain::format_year_month(q.from));
  sums.bind(2, domain::format_year_month(q.to));
  sums.bind(3, q.department);
  sums.bind(4, q.category);
  sums.executeStep();
  const std::int64_t decided = sums.getColumn(0).getInt64(), closed = sums.getColumn(1).getInt64();
  sums.reset();
  const auto span = domain::format_year_month(q.from) + ".." + domain::format_year_month(q.to);
  period_medians out;
  const auto one = [&](int kind, std::int64_t count) -> std::optional<double> {
    if (count <= 0) return std::nullopt;
    const median_cache::key k{kind, span, q.department, q.category};
    if (cache)
      if (auto hit = cache->find(k, count, revision)) return hit;
    auto m = merged_median(c, kind, q, count);
    if (cache && m) cache->put(k, {count, revision, *m});
    return m;
  };
  out.to_decision = one(1, decided);
  out.to_close = one(2, closed);
  snapshot.commit();
  return out;
}

std::int64_t stats_changes(connection& c) {
  auto& st = c.prepare("SELECT changes FROM stats_revision WHERE id = 1");
  const std::int64_t n = st.executeStep() ? st.getColumn(0).getInt64() : 0;
  st.reset();
  return n;
}

}  // namespace rodeknop::store
