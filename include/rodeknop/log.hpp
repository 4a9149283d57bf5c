#pragma once
// Logging: one JSON object per line on stdout (through spdlog), in English, never with
// personal data, passwords, tokens or session ids.
//
// Writing a log line never blocks the server: lines are collected in memory (256 KiB at most)
// and written to stdout as far as it takes them without waiting. When nothing reads stdout (a
// full pipe), new lines are dropped and counted, and a `log_lines_dropped` line says how many
// once stdout takes lines again; a closed stdout drops them all. Before `announce`, lines are
// held, so that `listening on http://HOST:PORT` is the first line on stdout.

#include <nlohmann/json.hpp>
#include <spdlog/common.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace rodeknop::log {

namespace level = spdlog::level;

/// Sets up the stdout logger; `min_level` is "debug", "info", "warning" (or "warn") or "error". Lines are held
/// until `announce`.
void init(std::string_view min_level = "info");

/// Writes `line` as the first line on stdout, then the lines held so far. Without `init`, it
/// writes the line to std::cout.
void announce(std::string_view line);

/// Writes what is left (waiting for stdout at most two seconds in all) and stops the logger;
/// call last.
void shutdown();

/// Writes {"time": ..., "level": ..., "event": ..., <fields>}.
void event(level::level_enum lvl, std::string_view name, nlohmann::json fields = nlohmann::json::object());

/// An event that can repeat thousands of times a second when something outside fails (a full
/// disk): at most one line per interval, which says how many were left out before it
/// (`"suppressed": N`). Thread-safe; one instance per kind of line.
class repeating {
 public:
  explicit repeating(std::chrono::milliseconds interval = std::chrono::seconds(1)) : interval_(interval) {}
  void event(level::level_enum lvl, std::string_view name, nlohmann::json fields = nlohmann::json::object());

 private:
  std::chrono::milliseconds interval_;
  std::atomic<std::int64_t> next_ms_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

/// Log lines dropped since the start because stdout did not take them.
std::uint64_t dropped_lines();

}  // namespace rodeknop::log
