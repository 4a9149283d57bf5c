// The CSV writer (util/csv): any text in any cell must come back unchanged when the file is
// read as RFC 4180 — apart from the leading quote that neutralises a formula — and no cell
// may start a formula in a spreadsheet.
#include <vector>

#include "fuzz_support.hpp"
#include "rodeknop/util/csv.hpp"

namespace util = rodeknop::util;

namespace {

// A strict RFC 4180 reader: rows of cells; CRLF row ends.
std::vector<std::vector<std::string>> read_csv(std::string_view s, char delimiter) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  std::size_t i = 0;
  bool cell_started = false;
  while (i < s.size()) {
    if (s[i] == '"' && cell.empty() && !cell_started) {
      ++i;
      for (;;) {
        FUZZ_REQUIRE(i < s.size());  // a quoted cell is closed
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.push_back(s[i++]);
      }
      cell_started = true;
      FUZZ_REQUIRE(i == s.size() || s[i] == delimiter || s[i] == '\r');
      continue;
    }
    if (s[i] == delimiter) {
      row.push_back(std::move(cell));
      cell.clear();
      cell_started = false;
      ++i;
    } else if (s[i] == '\r') {
      FUZZ_REQUIRE(i + 1 < s.size() && s[i + 1] == '\n');
      row.push_back(std::move(cell));
      cell.clear();
      cell_started = false;
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else {
      FUZZ_REQUIRE(s[i] != '"' && s[i] != '\n');  // unquoted cells hold no quote or line break
      cell.push_back(s[i++]);
      cell_started = true;
    }
  }
  FUZZ_REQUIRE(row.empty() && cell.empty());  // every row ends with CRLF
  return rows;
}

std::string expected(std::string_view text) {
  if (!text.empty() && (text.front() == '=' || text.front() == '+' || text.front() == '-' || text.front() == '@' ||
                        text.front() == '\t' || text.front() == '\r'))
    return "'" + std::string(text);
  return std::string(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto bytes = fuzz_bytes(data, size);
  if (bytes.empty()) return 0;
  const char delimiter = (bytes.front() & 1) ? ';' : ',';
  bytes.remove_prefix(1);
  // Cells are separated by 0x00 in the input, rows by 0x01.
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  for (char c : bytes) {
    if (c == '\0') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\x01') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else {
      cell.push_back(c);
    }
  }
  rows.back().push_back(std::move(cell));

  util::csv_writer out({.delimiter = delimiter, .byte_order_mark = true});
  for (const auto& r : rows) {
    for (const auto& c : r) out.cell(c);
    out.end_row();
  }
  std::string_view text = out.str();
  FUZZ_REQUIRE(text.substr(0, 3) == "\xEF\xBB\xBF");
  text.remove_prefix(3);
  const auto back = read_csv(text, delimiter);
  FUZZ_REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    // A row of one empty cell is an empty line.
    if (rows[i].size() == 1 && rows[i][0].empty()) {
      FUZZ_REQUIRE(back[i].size() == 1 && back[i][0].empty());
      continue;
    }
    FUZZ_REQUIRE(back[i].size() == rows[i].size());
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      FUZZ_REQUIRE(back[i][j] == expected(rows[i][j]));
      const char first = back[i][j].empty() ? ' ' : back[i][j].front();
      FUZZ_REQUIRE(first != '=' && first != '+' && first != '-' && first != '@');
    }
  }
  // Numbers stay numbers.
  util::csv_writer numbers({.delimiter = delimiter, .byte_order_mark = false});
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 8 && i < size; ++i) bits = (bits << 8) | data[i];
  const auto n = static_cast<std::int64_t>(bits);
  numbers.cell(n).cell(static_cast<double>(n) / 7.0).end_row();
  FUZZ_REQUIRE(numbers.str().rfind(std::to_string(n), 0) == 0);
  return 0;
}
