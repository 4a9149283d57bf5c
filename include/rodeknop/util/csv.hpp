#pragma once
// CSV for spreadsheets (RFC 4180): UTF-8 with a byte-order mark so that Excel reads the
// accents right, CRLF line ends, cells quoted when they hold the delimiter, a quote or a line
// break, and text cells that a spreadsheet would run as a formula (starting with = + - @, tab
// or CR) neutralised with a leading single quote. Numbers written as numbers are left alone.
//
//   util::csv_writer out({.delimiter = ';'});
//   out.row({"week", "reference", "title"});
//   out.cell("2026-W48").cell("RK-2026-00042").cell(title).cell(std::int64_t{3}).end_row();
//   response.body() = out.take();

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace rodeknop::util {

struct csv_options {
  char delimiter = ',';  // ',' or ';' (what Excel expects in Dutch locales)
  bool byte_order_mark = true;
};

/// ',' for "comma" or ","; ';' for "semicolon" or ";"; nullopt otherwise.
std::optional<char> parse_csv_delimiter(std::string_view name);

/// One text cell as it goes into the file: neutralised and, where needed, quoted.
std::string csv_cell(std::string_view text, char delimiter = ',');

class csv_writer {
 public:
  explicit csv_writer(csv_options options = {});

  /// A text cell (neutralised against formulas, quoted when needed).
  csv_writer& cell(std::string_view text);
  csv_writer& cell(const char* text) { return cell(std::string_view(text)); }
  csv_writer& cell(const std::string& text) { return cell(std::string_view(text)); }
  /// A number cell, written as is (so -3 stays a number).
  csv_writer& cell(std::int64_t number);
  /// A number with up to `decimals` digits after a '.', trailing zeros dropped.
  csv_writer& cell(double number, int decimals = 2);
  /// An empty cell (e.g. a null).
  csv_writer& empty_cell();
  /// Ends the row with CRLF.
  csv_writer& end_row();
  /// A whole row of text cells.
  csv_writer& row(std::initializer_list<std::string_view> cells);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  /// "text/csv; charset=utf-8; header=present".
  static constexpr const char* content_type = "text/csv; charset=utf-8; header=present";

 private:
  void separate();
  csv_options options_;
  std::string out_;
  bool row_started_ = false;
};

}  // namespace rodeknop::util
