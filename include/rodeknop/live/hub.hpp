#pragma once
// Live updates for the team's dashboards: a hub that numbers every change event, keeps the
// most recent ones in a bounded ring (for `Last-Event-ID` resume), and hands them to the open
// streams. Publishing never blocks on a reader: each stream has a bounded queue, and a stream
// that falls behind is marked overflowed and ends (the client reconnects and resumes).

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rodeknop::live {

struct event {
  std::uint64_t id = 0;  // increasing; also across restarts (they start from the clock)
  std::string type;      // "report.created", "report.updated"
  std::string data;      // JSON text
};

struct hub_options {
  std::size_t history = 1024;     // events kept for resume
  std::size_t max_streams = 100;  // open streams at most
  std::size_t max_pending = 256;  // events queued for one stream before it is dropped
};

class hub {
  struct state;

 public:
  /// One open stream. Destroying it closes the stream's slot.
  class subscription {
   public:
    subscription(std::shared_ptr<state> s, std::function<void(bool)> wake);
    ~subscription();
    subscription(const subscription&) = delete;
    subscription& operator=(const subscription&) = delete;

    /// The events queued since the last call, oldest first; `overflowed` when the reader fell
    /// so far behind that events were dropped (the stream must end).
    std::vector<event> take(bool& overflowed);

   private:
    friend class hub;
    std::shared_ptr<state> state_;
    std::function<void(bool)> wake_;
    std::deque<event> pending_;
    bool overflowed_ = false;
  };

  explicit hub(hub_options options = {});
  ~hub();
  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  struct opened {
    std::unique_ptr<subscription> sub;  // null: too many open streams
    std::vector<event> backlog;         // events after `last_event_id` still in the ring
    bool gap = false;                   // some events after `last_event_id` are gone: resync
  };

  /// Opens a stream; `wake` is called (from any thread) when events are queued for it, with
  /// `true` once the stream has overflowed (it should then end at once).
  opened subscribe(std::optional<std::uint64_t> last_event_id, std::function<void(bool overflowed)> wake);

  /// Numbers and queues an event for every open stream; returns its id.
  std::uint64_t publish(std::string type, std::string data);

  std::size_t open_streams() const;
  std::uint64_t last_id() const;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace rodeknop::live
