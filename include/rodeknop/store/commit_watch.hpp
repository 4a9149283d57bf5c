#pragma once
// Telling, without a read transaction, whether anyone may have committed to the database since
// an earlier look — by this process or by another one (the command line revoking a token,
// disabling an account). It reads the WAL-index header the way SQLite's own readers do: two
// copies of a 48-byte header at the start of the shared-memory region of a WAL database
// (documented for the unix VFS in SQLite's walformat.html). Every commit increments the header's
// change counter and every WAL restart changes its salts, so an unchanged header means an
// unchanged database. The region is SQLite's own mapping, reached through the VFS's xShmMap on a
// connection this object keeps open: no file of ours is opened or closed next to SQLite's
// (closing one would drop the process's POSIX locks on it), and a look costs no system call.

#include <array>
#include <cstddef>
#include <memory>
#include <optional>

#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

class commit_watch {
 public:
  /// The state of the database at one moment; equal marks: no commit in between.
  using mark = std::array<std::byte, 48>;

  /// Opens its own read connection to a WAL database. When the header cannot be reached (not a
  /// WAL database, a VFS without shared memory), `look()` always answers nullopt.
  explicit commit_watch(const db_options& options);
  ~commit_watch();
  commit_watch(const commit_watch&) = delete;
  commit_watch& operator=(const commit_watch&) = delete;

  /// The current mark, or nullopt when it cannot be told (no header; a commit is writing it this
  /// instant): the caller must then assume a change. Safe from any thread; take the mark
  /// *before* reading what is to be cached, so a commit in between is noticed next time.
  std::optional<mark> look() const noexcept;

  bool available() const noexcept { return header_ != nullptr; }

 private:
  std::unique_ptr<connection> conn_;
  const volatile unsigned char* header_ = nullptr;
};

}  // namespace rodeknop::store
