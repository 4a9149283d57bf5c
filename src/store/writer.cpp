#include "rodeknop/store/writer.hpp"

#include <sqlite3.h>

#include <chrono>

#include "rodeknop/log.hpp"
#include "rodeknop/util/thread_name.hpp"

namespace rodeknop::store {

namespace {

constexpr int checkpoint_after_pages = 4000;

// A failing disk refuses every commit: one line a second says so, with how many were left out.
log::repeating commit_failed_log;

// Called by SQLite after each commit with the number of pages in the WAL.
int on_wal_commit(void* self, sqlite3*, const char*, int pages) {
  if (pages >= checkpoint_after_pages) static_cast<writer*>(self)->request_checkpoint();
  return SQLITE_OK;
}

}  // namespace

writer::writer(const db_options& options, writer_options wopts)
    : options_(options),
      wopts_(wopts),
      conn_(std::make_unique<connection>(options, true)),
      checkpoint_conn_(std::make_unique<connection>(options, true)) {
  sqlite3_wal_hook(conn_->db().getHandle(), &on_wal_commit, this);
  checkpoint_thread_ = std::thread([this] { checkpoint_loop(); });
  thread_ = std::thread([this] { loop(); });
}

void writer::request_checkpoint() {
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_wanted_ = true;
  }
  checkpoint_cv_.notify_one();
}

void writer::checkpoint_loop() {
  util::name_this_thread("rk-checkpoint");
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mutex_);
      checkpoint_cv_.wait(lock, [&] { return checkpoint_wanted_ || checkpoint_stopping_; });
      if (checkpoint_stopping_) break;
      checkpoint_wanted_ = false;
    }
    try {
      // PASSIVE: copies what it can without waiting for readers or blocking the writer.
      checkpoint_conn_->prepare("PRAGMA wal_checkpoint(PASSIVE)").executeStep();
      checkpoint_conn_->reset_statements();
      stats_.checkpoints.fetch_add(1, std::memory_order_relaxed);
    } catch (const std::exception& e) {
      log::event(log::level::warn, "checkpoint_failed", {{"error", e.what()}});
    }
  }
  // A last full checkpoint leaves a small WAL behind on a clean stop.
  try {
    checkpoint_conn_->db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception& e) {
    log::event(log::level::warn, "checkpoint_failed", {{"error", e.what()}});
  }
}

writer::~writer() { stop(); }

void writer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stopping_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void writer::submit(job_fn job, done_fn done) {
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < wopts_.max_queue) {
      queue_.push_back({std::move(job), std::move(done)});
      cv_.notify_one();
      return;
    }
    stopping = stopping_;
  }
  done(std::make_exception_ptr(storage_unavailable(stopping ? "the server is stopping" : "the write queue is full")));
}

void writer::loop() {
  util::name_this_thread("rk-writer");
  std::deque<pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      const std::size_t n = std::min(queue_.size(), wopts_.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

void writer::run_batch(std::deque<pending>& batch) {
  using clock = std::chrono::steady_clock;
  auto& db = conn_->db();
  std::vector<std::exception_ptr> results(batch.size());
  std::exception_ptr batch_error;
  const auto started = clock::now();

  const auto changes_before = sqlite3_total_changes64(db.getHandle());
  try {
    conn_->prepare("BEGIN IMMEDIATE").exec();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      conn_->prepare("SAVEPOINT job").exec();
      try {
        batch[i].job(*conn_);
        conn_->prepare("RELEASE job").exec();
      } catch (const SQLite::Exception& e) {
        if (is_storage_failure(e.getExtendedErrorCode())) throw;  // the whole batch fails
        results[i] = std::current_exception();
        conn_->prepare("ROLLBACK TO job").exec();
        conn_->prepare("RELEASE job").exec();
      } catch (...) {
        results[i] = std::current_exception();
        conn_->prepare("ROLLBACK TO job").exec();
        conn_->prepare("RELEASE job").exec();
      }
    }
    conn_->prepare("COMMIT").exec();
  } catch (const std::exception& e) {
    commit_failed_log.event(log::level::err, "commit_failed", {{"error", e.what()}, {"jobs", batch.size()}});
    batch_error = std::make_exception_ptr(storage_unavailable(std::string("the database cannot take writes: ") + e.what()));
    if (sqlite3_get_autocommit(db.getHandle()) == 0) {
      try {
        db.exec("ROLLBACK");
      } catch (const std::exception&) {
        // Nothing more to undo: SQLite rolled back already.
      }
    }
    stats_.failed_commits.fetch_add(1, std::memory_order_relaxed);
  }

  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started).count();
  if (!batch_error) {
    if (sqlite3_total_changes64(db.getHandle()) != changes_before)
      stats_.changing_commits.fetch_add(1, std::memory_order_release);
    stats_.commits.fetch_add(1, std::memory_order_relaxed);
    stats_.commit_micros_total.fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
    stats_.batch_size_total.fetch_add(batch.size(), std::memory_order_relaxed);
    std::size_t b = 0;
    while (b < std::size(writer_stats::bucket_ms) && static_cast<double>(micros) > writer_stats::bucket_ms[b] * 1000.0) ++b;
    stats_.buckets[b].fetch_add(1, std::memory_order_relaxed);
    std::size_t s = 0;
    while (s < std::size(writer_stats::batch_buckets) && static_cast<double>(batch.size()) > writer_stats::batch_buckets[s]) ++s;
    stats_.batch_size_buckets[s].fetch_add(1, std::memory_order_relaxed);
  }
  stats_.jobs.fetch_add(batch.size(), std::memory_order_relaxed);

  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(batch_error ? batch_error : results[i]);
    } catch (const std::exception& e) {
      log::event(log::level::err, "writer_completion_failed", {{"error", e.what()}});
    }
  }
}

}  // namespace rodeknop::store
