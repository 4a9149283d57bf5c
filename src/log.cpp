#include "rodeknop/log.hpp"

#include <poll.h>
#include <unistd.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>

#include "rodeknop/domain/calendar.hpp"

namespace rodeknop::log {

namespace {

std::atomic<std::uint64_t> dropped_total{0};

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  auto stamp = domain::format_rfc3339(std::chrono::floor<std::chrono::seconds>(now));
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03lldZ", static_cast<long long>(ms));
  stamp.replace(stamp.size() - 1, 1, frac);
  return stamp;
}

// Lines for a file descriptor that may stop taking them (a pipe nobody reads): kept in memory
// and written without blocking. Pipes take a write of up to PIPE_BUF (4096) bytes whole once
// poll() says they are writable, so the buffer goes out in such chunks.
class stdout_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr std::size_t max_buffered = 256 * 1024;  // a burst of ~1,800 access-log lines
  static constexpr std::size_t chunk = 4096;
  static constexpr std::size_t write_at = chunk;  // like stdio's buffer on a pipe: a write per 4 KiB

  explicit stdout_sink(int fd) : fd_(fd) {}

  void announce(std::string_view line) {
    std::lock_guard lock(mutex_);
    std::string first(line);
    first += '\n';
    buffer_.insert(0, first);
    holding_ = false;
    write_available(std::chrono::milliseconds(2000));
  }

  void drain(std::chrono::milliseconds patience) {
    std::lock_guard lock(mutex_);
    holding_ = false;
    write_available(patience);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (closed_ || buffer_.size() + msg.payload.size() + 1 > max_buffered) {
      ++dropped_unreported_;
      dropped_total.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    buffer_.append(msg.payload.data(), msg.payload.size());
    buffer_ += '\n';
    if (!holding_ && buffer_.size() >= write_at) write_available(std::chrono::milliseconds(0));
  }

  void flush_() override {
    if (!holding_) write_available(std::chrono::milliseconds(0));
  }

 private:
  // Writes what the descriptor takes, waiting for it at most `patience` in all.
  void write_available(std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    std::size_t done = 0;
    while (!closed_) {
      if (done == buffer_.size()) {
        buffer_.clear();
        done = 0;
        if (dropped_unreported_ == 0) break;
        // Room again after lines were dropped: say how many, then go on.
        buffer_ = nlohmann::json{{"time", timestamp()},
                                 {"level", "warning"},
                                 {"event", "log_lines_dropped"},
                                 {"count", dropped_unreported_},
                                 {"reason", "stdout did not take them"}}
                      .dump() +
                  '\n';
        dropped_unreported_ = 0;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLOUT, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;  // full: the rest waits for the next attempt
      if (p.revents & (POLLERR | POLLNVAL)) {
        close_output();
        return;
      }
      const auto n = std::min(chunk, buffer_.size() - done);
      const auto written = ::write(fd_, buffer_.data() + done, n);
      if (written < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        close_output();  // EPIPE (nobody will ever read) or worse
        return;
      }
      done += static_cast<std::size_t>(written);
    }
    buffer_.erase(0, done);
  }

  void close_output() {
    closed_ = true;
    const auto lines = static_cast<std::uint64_t>(std::count(buffer_.begin(), buffer_.end(), '\n'));
    dropped_total.fetch_add(lines, std::memory_order_relaxed);
    buffer_.clear();
  }

  int fd_;
  std::string buffer_;
  bool holding_ = true;
  bool closed_ = false;
  std::uint64_t dropped_unreported_ = 0;
};

std::shared_ptr<stdout_sink> sink;

}  // namespace

void init(std::string_view min_level) {
  sink = std::make_shared<stdout_sink>(STDOUT_FILENO);
  sink->set_pattern("%v");
  auto logger = std::make_shared<spdlog::logger>("rodeknop", sink);
  logger->set_level(spdlog::level::from_str(std::string(min_level)));
  // Warnings and errors go out at once; other lines when 4 KiB have gathered, or within a second.
  logger->flush_on(spdlog::level::warn);
  spdlog::drop("rodeknop");
  spdlog::register_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
  spdlog::set_default_logger(logger);
}

void announce(std::string_view line) {
  if (sink) {
    sink->announce(line);
  } else {
    std::cout << line << std::endl;
  }
}

void shutdown() {
  if (sink) sink->drain(std::chrono::milliseconds(2000));
  spdlog::shutdown();
  sink.reset();
}

std::uint64_t dropped_lines() { return dropped_total.load(std::memory_order_relaxed); }

void event(level::level_enum lvl, std::string_view name, nlohmann::json fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger || !logger->should_log(lvl)) return;
  const auto lvl_name = spdlog::level::to_string_view(lvl);
  nlohmann::json line = {{"time", timestamp()}, {"level", std::string(lvl_name.data(), lvl_name.size())}, {"event", name}};
  if (fields.is_object())
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  logger->log(lvl, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void repeating::event(level::level_enum lvl, std::string_view name, nlohmann::json fields) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  auto next = next_ms_.load(std::memory_order_relaxed);
  if (now < next || !next_ms_.compare_exchange_strong(next, now + interval_.count(), std::memory_order_relaxed)) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (const auto left_out = suppressed_.exchange(0, std::memory_order_relaxed); left_out > 0)
    fields["suppressed"] = left_out;
  log::event(lvl, name, std::move(fields));
}

}  // namespace rodeknop::log
