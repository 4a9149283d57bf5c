#include "rodeknop/store/commit_watch.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstring>

#include "rodeknop/log.hpp"

namespace rodeknop::store {

namespace {

constexpr std::size_t header_size = std::tuple_size_v<commit_watch::mark>;
constexpr int wal_index_region_size = 32768;  // the unix VFS maps the wal-index in 32 KiB regions

void copy_header(const volatile unsigned char* from, commit_watch::mark& to) noexcept {
  for (std::size_t i = 0; i < header_size; ++i) to[i] = static_cast<std::byte>(from[i]);
}

}  // namespace

commit_watch::commit_watch(const db_options& options) {
  try {
    conn_ = std::make_unique<connection>(options, false);
    auto& db = conn_->db();
    if (db.execAndGet("PRAGMA journal_mode").getString() != "wal") throw std::runtime_error("not a WAL database");
    // One read transaction opens the WAL and its shared memory on this connection; it stays
    // mapped for as long as the connection is open.
    db.execAndGet("SELECT count(*) FROM sqlite_schema");
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db.getHandle(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file ||
        !file->pMethods || file->pMethods->iVersion < 2 || !file->pMethods->xShmMap)
      throw std::runtime_error("the VFS has no shared memory");
    void volatile* region = nullptr;
    if (file->pMethods->xShmMap(file, 0, wal_index_region_size, 0, &region) != SQLITE_OK || !region)
      throw std::runtime_error("the WAL index is not mapped");
    header_ = static_cast<const volatile unsigned char*>(region);
  } catch (const std::exception& e) {
    header_ = nullptr;
    log::event(log::level::warn, "commit_watch_unavailable",
               {{"reason", e.what()}, {"effect", "credentials are read from the database on every request"}});
  }
}

commit_watch::~commit_watch() = default;

std::optional<commit_watch::mark> commit_watch::look() const noexcept {
  if (!header_) return std::nullopt;
  // As SQLite's walIndexTryHdr: the writer stores the second copy, a barrier, then the first;
  // reading the first, a barrier, then the second and finding them equal means neither was
  // being written.
  mark first;
  mark second;
  copy_header(header_, first);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  copy_header(header_ + header_size, second);
  if (first != second) return std::nullopt;
  // isInit (byte 12) is 0 until a connection has built the index.
  if (first[12] == std::byte{0}) return std::nullopt;
  return first;
}

}  // namespace rodeknop::store
