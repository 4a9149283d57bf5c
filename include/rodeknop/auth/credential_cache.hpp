#pragma once
// The sessions and API tokens the gate has verified, kept for as long as the database has not
// changed since they were read (store::commit_watch): any commit, by this server or by another
// process such as `rodeknop token revoke`, empties the cache at the next look, so a revoked
// token or ended session is refused on the very next request. Only verified credentials are
// kept (an unknown token never enters), keyed by their hash, at most `capacity` of them.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "rodeknop/store/commit_watch.hpp"

namespace rodeknop::auth {

template <class Record>
class credential_cache {
 public:
  static constexpr std::size_t capacity = 4096;

  /// The record for `hash`: the kept one while the database is unchanged, else `read()` (a
  /// database look-up returning std::optional<Record>), kept when found.
  template <class Read>
  std::optional<Record> find_or_read(const std::string& hash, const store::commit_watch& watch, Read read) {
    const auto mark = watch.look();  // before the read: a commit during it is noticed next time
    if (auto kept = find(hash, mark)) return kept;
    std::optional<Record> fresh = read();
    if (fresh) store(hash, mark, *fresh);
    return fresh;
  }

 private:
  /// The record kept for `hash`, when the database is still as it was when it was read.
  std::optional<Record> find(const std::string& hash, const std::optional<store::commit_watch::mark>& now) {
    if (!now) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (!at_ || *at_ != *now) {
      entries_.clear();
      at_.reset();
      return std::nullopt;
    }
    const auto it = entries_.find(hash);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

  /// Keeps `record`, read from the database after `before` was taken.
  void store(const std::string& hash, const std::optional<store::commit_watch::mark>& before, const Record& record) {
    if (!before) return;
    std::lock_guard lock(mutex_);
    if (at_ != before) {
      entries_.clear();
      at_ = before;
    }
    if (entries_.size() >= capacity) entries_.clear();
    entries_.insert_or_assign(hash, record);
  }

  std::mutex mutex_;
  std::optional<store::commit_watch::mark> at_;  // every entry was read at or after this mark
  std::unordered_map<std::string, Record> entries_;
};

}  // namespace rodeknop::auth
