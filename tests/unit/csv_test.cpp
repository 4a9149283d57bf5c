// The CSV writer: RFC 4180 quoting, the byte-order mark, delimiters and formula neutralising.
#include <catch2/catch.hpp>

#include "rodeknop/util/csv.hpp"

namespace util = rodeknop::util;

TEST_CASE("csv cells are quoted only when needed, quotes doubled", "[csv]") {
  CHECK(util::csv_cell("gewoon") == "gewoon");
  CHECK(util::csv_cell("a,b") == "\"a,b\"");
  CHECK(util::csv_cell("a;b") == "a;b");
  CHECK(util::csv_cell("a;b", ';') == "\"a;b\"");
  CHECK(util::csv_cell("zeg \"hoi\"") == "\"zeg \"\"hoi\"\"\"");
  CHECK(util::csv_cell("twee\nregels") == "\"twee\nregels\"");
  CHECK(util::csv_cell("reëel") == "reëel");
  CHECK(util::csv_cell("") == "");
}

TEST_CASE("csv cells that a spreadsheet would run as a formula are neutralised", "[csv][security]") {
  CHECK(util::csv_cell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(util::csv_cell("+31 70") == "'+31 70");
  CHECK(util::csv_cell("-1") == "'-1");
  CHECK(util::csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(util::csv_cell("\tx") == "'\tx");
  CHECK(util::csv_cell("\rx") == "\"'\rx\"");
  CHECK(util::csv_cell("a=b") == "a=b");
}

TEST_CASE("csv_writer writes a BOM, CRLF rows and numbers as numbers", "[csv]") {
  util::csv_writer w;
  w.row({"week", "n"});
  w.cell("2026-W48").cell(std::int64_t{-3}).end_row();
  w.cell(2.50).cell(1.0 / 3.0).empty_cell().end_row();
  CHECK(w.str() == "\xEF\xBB\xBFweek,n\r\n2026-W48,-3\r\n2.5,0.33,\r\n");

  util::csv_writer s({';', false});
  s.cell("a;b").cell("c").end_row();
  CHECK(s.str() == "\"a;b\";c\r\n");
}

TEST_CASE("parse_csv_delimiter knows comma and semicolon only", "[csv]") {
  CHECK(util::parse_csv_delimiter("semicolon") == ';');
  CHECK(util::parse_csv_delimiter(";") == ';');
  CHECK(util::parse_csv_delimiter("comma") == ',');
  CHECK_FALSE(util::parse_csv_delimiter("tab").has_value());
  CHECK_FALSE(util::parse_csv_delimiter("").has_value());
}
