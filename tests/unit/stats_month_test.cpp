// The Europe/Amsterdam month that the statistics triggers compute in plain SQL must be the one
// domain/calendar computes: checked for every hour from 1996 to 2100 and for the seconds around
// every local month boundary, and once more through the real triggers.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <string>

#include "rodeknop/store/migrations.hpp"
#include "stats_support.hpp"

using namespace rk_stats;

namespace {

// The expression of sql/0004_statistics.sql for an instant x (checked below to be the file's).
std::string month_sql(const std::string& x) {
  return "strftime('%Y-%m', " + x + " + CASE WHEN strftime('%m', " + x +
         " + 7200, 'unixepoch') BETWEEN '04' AND '10' THEN 7200 ELSE 3600 END, 'unixepoch')";
}

const char* statistics_migration() {
  for (const auto& m : store::embedded_migrations())
    if (m.version == 4) return m.sql;
  return "";
}

}  // namespace

TEST_CASE("the migration computes months with the tested expression", "[stats][calendar]") {
  const std::string sql = statistics_migration();
  for (const std::string column : {"e.at", "r.created_at", "OLD.created_at", "NEW.created_at"}) {
    std::string e = month_sql(column);
    e = e.substr(0, e.find(" THEN"));
    INFO(column);
    CHECK(sql.find(e) != std::string::npos);
  }
  // No other way of computing a month hides in the file.
  std::size_t count = 0;
  for (auto p = sql.find("strftime('%Y-%m'"); p != std::string::npos; p = sql.find("strftime('%Y-%m'", p + 1)) ++count;
  CHECK(count == 5);  // the two views, the change trigger (old and new) and the header comment
}

TEST_CASE("the SQL month is the Amsterdam month for every hour of 1996-2100", "[stats][calendar]") {
  SQLite::Database db(":memory:");
  const auto begin = secs(rk_unit::utc(1996, 1, 1));
  const auto end = secs(rk_unit::utc(2101, 1, 1));
  SQLite::Statement st(db, "WITH RECURSIVE t(x) AS (SELECT ?1 UNION ALL SELECT x + 3600 FROM t WHERE x + 3600 < ?2) "
                           "SELECT x, " + month_sql("x") + " FROM t");
  st.bind(1, begin);
  st.bind(2, end);
  std::size_t checked = 0, wrong = 0;
  while (st.executeStep()) {
    const auto x = st.getColumn(0).getInt64();
    const auto expected = domain::format_year_month(domain::amsterdam_month(at(x)));
    if (st.getColumn(1).getString() != expected && ++wrong < 5) FAIL_CHECK(x << ": " << st.getColumn(1).getString());
    ++checked;
  }
  CHECK(wrong == 0);
  CHECK(checked > 900000);
}

TEST_CASE("the SQL month is right on both sides of every local month boundary", "[stats][calendar]") {
  SQLite::Database db(":memory:");
  SQLite::Statement st(db, "SELECT " + month_sql("?1"));
  for (domain::year_month m{1996, 1}; m.year <= 2100; m = domain::next_month(m)) {
    const auto start = secs(domain::month_range(m).begin);
    for (const std::int64_t x : {start - 3601, start - 3600, start - 1, start, start + 1, start + 3600}) {
      st.reset();
      st.bind(1, x);
      REQUIRE(st.executeStep());
      INFO(x);
      CHECK(st.getColumn(0).getString() == domain::format_year_month(domain::amsterdam_month(at(x))));
    }
    // Either side of the DST switches (last Sundays of March and October, 01:00 UTC).
    if (m.month == 3 || m.month == 10) {
      const auto next = secs(domain::month_range(domain::next_month(m)).begin);
      for (std::int64_t x = next - 8 * 86400; x < next; x += 1800) {
        st.reset();
        st.bind(1, x);
        REQUIRE(st.executeStep());
        CHECK(st.getColumn(0).getString() == domain::format_year_month(domain::amsterdam_month(at(x))));
      }
    }
  }
}

TEST_CASE("the triggers file reports under the Amsterdam month of their submission", "[stats][calendar]") {
  fresh_db f;
  store::connection c(f.opts, true);
  std::map<std::string, std::int64_t> expected;
  {
    SQLite::Transaction tx(c.db());
    for (domain::year_month m{2024, 1}; m.year <= 2030; m = domain::next_month(m)) {
      const auto start = secs(domain::month_range(m).begin);
      for (const std::int64_t x : {start - 1, start}) {
        submit(c, at(x));
        ++expected[domain::format_year_month(domain::amsterdam_month(at(x)))];
      }
    }
    tx.commit();
  }
  const auto s = store::monthly_stats(c, {{2023, 12}, {2030, 12}, {}, {}}, default_keys(), nullptr);
  for (const auto& m : s) {
    const auto key = domain::format_year_month(m.month);
    INFO(key);
    CHECK(m.total.received == expected[key]);
  }
}
