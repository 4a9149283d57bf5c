#include "rodeknop/util/csv.hpp"

#include <cmath>
#include <cstdio>

namespace rodeknop::util {

std::optional<char> parse_csv_delimiter(std::string_view name) {
  if (name == "comma" || name == ",") return ',';
  if (name == "semicolon" || name == ";") return ';';
  return std::nullopt;
}

std::string csv_cell(std::string_view text, char delimiter) {
  std::string value;
  value.reserve(text.size() + 3);
  // A spreadsheet runs a cell that starts like this as a formula (CSV injection).
  if (!text.empty()) {
    const char first = text.front();
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r')
      value.push_back('\'');
  }
  value.append(text);
  if (value.find_first_of(std::string{delimiter, '"', '\r', '\n'}) == std::string::npos) return value;
  std::string quoted;
  quoted.reserve(value.size() + 8);
  quoted.push_back('"');
  for (char c : value) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

csv_writer::csv_writer(csv_options options) : options_(options) {
  if (options_.byte_order_mark) out_ = "\xEF\xBB\xBF";
}

void csv_writer::separate() {
  if (row_started_) out_.push_back(options_.delimiter);
  row_started_ = true;
}

csv_writer& csv_writer::cell(std::string_view text) {
  separate();
  out_ += csv_cell(text, options_.delimiter);
  return *this;
}

csv_writer& csv_writer::cell(std::int64_t number) {
  separate();
  out_ += std::to_string(number);
  return *this;
}

csv_writer& csv_writer::cell(double number, int decimals) {
  separate();
  if (!std::isfinite(number)) return *this;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, number);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  out_ += s;
  return *this;
}

csv_writer& csv_writer::empty_cell() {
  separate();
  return *this;
}

csv_writer& csv_writer::end_row() {
  out_ += "\r\n";
  row_started_ = false;
  return *this;
}

csv_writer& csv_writer::row(std::initializer_list<std::string_view> cells) {
  for (auto c : cells) cell(c);
  return end_row();
}

}  // namespace rodeknop::util
