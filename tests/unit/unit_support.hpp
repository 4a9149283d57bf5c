#pragma once
// Small helpers shared by the unit tests: UTC instants from calendar fields, readable Catch
// output for the calendar types, and a temporary directory that cleans up after itself.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "rodeknop/domain/calendar.hpp"

namespace rk_unit {

/// The UTC instant y-mo-d h:mi:s Z, built with <chrono> alone (independent of the code under test).
inline rodeknop::domain::sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s};
}

/// A fresh directory under the system's temporary directory, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rodeknop-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace rk_unit

namespace Catch {

template <>
struct StringMaker<rodeknop::domain::sys_seconds> {
  static std::string convert(const rodeknop::domain::sys_seconds& t) {
    return rodeknop::domain::format_rfc3339(t) + " (" + std::to_string(t.time_since_epoch().count()) + ")";
  }
};

template <>
struct StringMaker<rodeknop::domain::iso_week> {
  static std::string convert(const rodeknop::domain::iso_week& w) {
    return std::to_string(w.year) + "-W" + std::to_string(w.week);
  }
};

template <>
struct StringMaker<rodeknop::domain::year_month> {
  static std::string convert(const rodeknop::domain::year_month& m) {
    return std::to_string(m.year) + "-" + std::to_string(m.month);
  }
};

template <>
struct StringMaker<std::chrono::seconds> {
  static std::string convert(const std::chrono::seconds& s) { return std::to_string(s.count()) + "s"; }
};

}  // namespace Catch
