#pragma once
// Logging: one JSON object per line on stdout (through spdlog), in English, never with
// personal data, passwords, tokens or session ids.

#include <nlohmann/json.hpp>
#include <spdlog/common.h>

#include <string_view>

namespace rodeknop::log {

namespace level = spdlog::level;

/// Sets up the stdout logger; `min_level` is "debug", "info", "warn" or "error".
void init(std::string_view min_level = "info");

/// Flushes and stops the logger (and its flushing thread); call last.
void shutdown();

/// Writes {"time": ..., "level": ..., "event": ..., <fields>}.
void event(level::level_enum lvl, std::string_view name, nlohmann::json fields = nlohmann::json::object());

}  // namespace rodeknop::log
