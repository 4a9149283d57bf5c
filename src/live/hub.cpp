#include "rodeknop/live/hub.hpp"

#include <algorithm>
#include <chrono>

namespace rodeknop::live {

struct hub::state {
  hub_options options;
  mutable std::mutex mutex;
  std::deque<event> ring;
  std::uint64_t next_id = 1;
  std::vector<subscription*> subscribers;
};

hub::subscription::subscription(std::shared_ptr<state> s, std::function<void(bool)> wake)
    : state_(std::move(s)), wake_(std::move(wake)) {}

hub::subscription::~subscription() {
  std::lock_guard lock(state_->mutex);
  auto& subs = state_->subscribers;
  subs.erase(std::remove(subs.begin(), subs.end(), this), subs.end());
}

std::vector<event> hub::subscription::take(bool& overflowed) {
  std::lock_guard lock(state_->mutex);
  overflowed = overflowed_;
  std::vector<event> out(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
  pending_.clear();
  return out;
}

hub::hub(hub_options options) : state_(std::make_shared<state>()) {
  state_->options = options;
  // Ids start from the clock (microseconds), so that they keep increasing across restarts and
  // an id from before a restart is recognised as too old to resume from.
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  state_->next_id = static_cast<std::uint64_t>(std::max<std::int64_t>(us, 1));
}

hub::~hub() = default;

hub::opened hub::subscribe(std::optional<std::uint64_t> last_event_id, std::function<void(bool)> wake) {
  opened out;
  std::lock_guard lock(state_->mutex);
  if (state_->subscribers.size() >= state_->options.max_streams) return out;
  out.sub = std::make_unique<subscription>(state_, std::move(wake));
  state_->subscribers.push_back(out.sub.get());
  if (last_event_id) {
    const std::uint64_t last = state_->next_id - 1;
    const std::uint64_t after = *last_event_id;
    if (after > last) {
      out.gap = true;  // not an id of ours
    } else if (after < last) {
      const auto& ring = state_->ring;
      if (ring.empty() || ring.front().id > after + 1) out.gap = true;
      for (const auto& e : ring)
        if (e.id > after) out.backlog.push_back(e);
    }
  }
  return out;
}

std::uint64_t hub::publish(std::string type, std::string data) {
  std::vector<std::pair<std::function<void(bool)>*, bool>> wakes;
  std::uint64_t id = 0;
  std::unique_lock lock(state_->mutex);
  id = state_->next_id++;
  event e{id, std::move(type), std::move(data)};
  for (auto* s : state_->subscribers) {
    if (s->overflowed_) continue;
    if (s->pending_.size() >= state_->options.max_pending) {
      s->overflowed_ = true;
      s->pending_.clear();
    } else {
      s->pending_.push_back(e);
    }
    wakes.emplace_back(&s->wake_, s->overflowed_);
  }
  state_->ring.push_back(std::move(e));
  while (state_->ring.size() > state_->options.history) state_->ring.pop_front();
  // Wakers only post to the stream's own executor; calling them under the lock keeps a
  // subscription from being destroyed meanwhile, and they never call back into the hub.
  for (auto& [w, overflowed] : wakes)
    if (*w) (*w)(overflowed);
  return id;
}

std::size_t hub::open_streams() const {
  std::lock_guard lock(state_->mutex);
  return state_->subscribers.size();
}

std::uint64_t hub::last_id() const {
  std::lock_guard lock(state_->mutex);
  return state_->next_id - 1;
}

}  // namespace rodeknop::live
