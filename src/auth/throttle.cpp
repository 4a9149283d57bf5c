#include "rodeknop/auth/throttle.hpp"

#include <algorithm>
#include <vector>

namespace rodeknop::auth {

namespace {

std::chrono::seconds ceil_seconds(login_throttle::clock::duration d) {
  return std::chrono::ceil<std::chrono::seconds>(d);
}

std::string pair_key(std::string_view account, std::string_view address) {
  std::string key;
  key.reserve(account.size() + 1 + address.size());
  key.append(account).push_back('\0');
  key.append(address);
  return key;
}

}  // namespace

std::optional<std::chrono::seconds> login_throttle::wait(std::string_view account, std::string_view address,
                                                         clock::time_point now) {
  std::lock_guard lock(mutex_);
  clock::time_point until{};
  const auto key = pair_key(account, address);
  if (auto it = pairs_.find(key); it != pairs_.end()) until = std::max(until, it->second.blocked_until);
  const auto place = places_.find(key);
  const bool known_place = place != places_.end() && now - place->second <= policy_.remember_places;
  if (auto it = accounts_.find(std::string(account)); it != accounts_.end() && !known_place)
    until = std::max(until, it->second.blocked_until);
  if (auto it = addresses_.find(std::string(address)); it != addresses_.end())
    until = std::max(until, it->second.blocked_until);
  if (until <= now) return std::nullopt;
  return std::max(std::chrono::seconds{1}, ceil_seconds(until - now));
}

void login_throttle::bump(std::unordered_map<std::string, record>& map, std::string_view key, unsigned free,
                          clock::time_point now) {
  if (map.size() >= policy_.max_entries) prune(map, now);
  auto& r = map[std::string(key)];
  if (r.failures > 0 && now - r.last > policy_.forget_after) r = {};
  ++r.failures;
  r.last = now;
  if (r.failures >= free) {
    // 30 s after the last free failure, doubling with each further one, up to the cap.
    const unsigned doublings = std::min(r.failures - free, 16u);
    auto wait = policy_.first_wait * (1LL << doublings);
    if (wait > policy_.max_wait) wait = policy_.max_wait;
    r.blocked_until = now + wait;
  }
}

void login_throttle::prune(std::unordered_map<std::string, record>& map, clock::time_point now) {
  std::erase_if(map, [&](const auto& kv) {
    return now - kv.second.last > policy_.forget_after && kv.second.blocked_until <= now;
  });
  if (map.size() < policy_.max_entries) return;
  // Still full: drop the records that were quiet longest (an attacker with many addresses
  // cannot grow memory without bound).
  std::vector<std::pair<clock::time_point, std::string>> by_age;
  by_age.reserve(map.size());
  for (const auto& [k, r] : map) by_age.emplace_back(r.last, k);
  const auto drop = by_age.begin() + static_cast<std::ptrdiff_t>(by_age.size() / 2);
  std::nth_element(by_age.begin(), drop, by_age.end());
  for (auto it = by_age.begin(); it != drop; ++it) map.erase(it->second);
}

void login_throttle::failed(std::string_view account, std::string_view address, clock::time_point now) {
  std::lock_guard lock(mutex_);
  bump(pairs_, pair_key(account, address), policy_.free_pair_failures, now);
  bump(accounts_, account, policy_.free_account_failures, now);
  bump(addresses_, address, policy_.free_address_failures, now);
}

void login_throttle::succeeded(std::string_view account, std::string_view address, clock::time_point now) {
  std::lock_guard lock(mutex_);
  accounts_.erase(std::string(account));
  const auto prefix = pair_key(account, {});
  std::erase_if(pairs_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
  if (places_.size() >= policy_.max_entries) {
    std::erase_if(places_, [&](const auto& kv) { return now - kv.second > policy_.remember_places; });
    // Still full: forget them all rather than grow (only the exemption is lost, never a count).
    if (places_.size() >= policy_.max_entries) places_.clear();
  }
  places_[pair_key(account, address)] = now;
}

}  // namespace rodeknop::auth
