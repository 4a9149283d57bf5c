#include "rodeknop/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "rodeknop/domain/calendar.hpp"

namespace rodeknop::log {

void init(std::string_view min_level) {
  auto logger = spdlog::get("rodeknop");
  if (!logger) logger = spdlog::stdout_logger_mt("rodeknop");
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::from_str(std::string(min_level)));
  // Warnings and errors reach stdout at once; other lines at least every second (one write
  // per request would cost a system call each).
  logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
  spdlog::set_default_logger(logger);
}

void shutdown() { spdlog::shutdown(); }

void event(level::level_enum lvl, std::string_view name, nlohmann::json fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger || !logger->should_log(lvl)) return;
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  auto stamp = domain::format_rfc3339(std::chrono::floor<std::chrono::seconds>(now));
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03lldZ", static_cast<long long>(ms));
  stamp.replace(stamp.size() - 1, 1, frac);

  nlohmann::json line = {{"time", stamp}, {"level", std::string(spdlog::level::to_string_view(lvl).data(), spdlog::level::to_string_view(lvl).size())}, {"event", name}};
  if (fields.is_object())
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  logger->log(lvl, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace rodeknop::log
