#pragma once
// Throttling of failed logins, in memory, counted three ways: per account from one address,
// per account from all addresses together, and per address. After a few failures within a
// window each further attempt must wait, longer with every failure, up to a cap; a success
// clears the account's records.
//
// The tight count is the one per account *and* address: someone guessing from one place waits
// after a few tries without locking the account's owner out at their own desk. The account's
// count over all addresses is looser, against guessing spread over many addresses; it does not
// hold for an address the account logged in from before (within `remember_places`): otherwise
// anyone with a few addresses could keep a colleague, or the admin, out for good.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rodeknop::auth {

struct throttle_policy {
  unsigned free_pair_failures = 5;       // failures per account from one address before waiting starts
  unsigned free_account_failures = 25;   // failures per account from all addresses together
  // Per address much more than per account: behind a proxy or NAT without trusted-proxy
  // settings a whole office shares one address, and its typos must not lock everyone out.
  unsigned free_address_failures = 100;  // failures per address before waiting starts
  std::chrono::seconds first_wait{30};   // doubles with every further failure
  std::chrono::seconds max_wait{15 * 60};
  std::chrono::seconds forget_after{30 * 60};  // a quiet record is dropped
  std::chrono::hours remember_places{24 * 30};  // how long an address an account logged in from is known
  std::size_t max_entries = 100000;      // memory bound; the oldest records go first
};

class login_throttle {
 public:
  using clock = std::chrono::steady_clock;

  explicit login_throttle(throttle_policy p = {}) : policy_(p) {}

  /// How long the caller must still wait before trying this account from this address;
  /// nullopt when an attempt is allowed now.
  std::optional<std::chrono::seconds> wait(std::string_view account, std::string_view address,
                                           clock::time_point now = clock::now());

  void failed(std::string_view account, std::string_view address, clock::time_point now = clock::now());
  /// Clears the account's failures and remembers `address` as one of its places.
  void succeeded(std::string_view account, std::string_view address, clock::time_point now = clock::now());

 private:
  struct record {
    unsigned failures = 0;
    clock::time_point last{};
    clock::time_point blocked_until{};
  };
  void bump(std::unordered_map<std::string, record>& map, std::string_view key, unsigned free,
            clock::time_point now);
  void prune(std::unordered_map<std::string, record>& map, clock::time_point now);

  throttle_policy policy_;
  std::mutex mutex_;
  std::unordered_map<std::string, record> pairs_;  // key: account, NUL, address
  std::unordered_map<std::string, record> accounts_;
  std::unordered_map<std::string, record> addresses_;
  std::unordered_map<std::string, clock::time_point> places_;  // key: account, NUL, address → last login
};

}  // namespace rodeknop::auth
