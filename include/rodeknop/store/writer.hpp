#pragma once
// The single writer: every change to the database goes through one thread that commits in
// small batches (group commit). Concurrent jobs share one transaction and one fsync; each
// job's completion runs only after the commit that holds it is durable. A job that throws is
// rolled back to its own savepoint without disturbing the others in its batch.

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

struct writer_options {
  std::size_t max_batch = 256;
  std::size_t max_queue = 10000;  // beyond this, submissions fail with storage_unavailable
};

/// Counters for /metrics.
struct writer_stats {
  std::atomic<std::uint64_t> commits{0};
  /// Commits that changed at least one row: what caches of read answers are keyed on (a
  /// commit with nothing to do, like a search-index check that found nothing new, is not one).
  std::atomic<std::uint64_t> changing_commits{0};
  std::atomic<std::uint64_t> jobs{0};
  std::atomic<std::uint64_t> failed_commits{0};
  std::atomic<std::uint64_t> commit_micros_total{0};
  /// Cumulative histogram of commit latency: buckets of 0.5, 1, 2, 5, 10, 20, 50, 100, 250, +Inf ms.
  static constexpr double bucket_ms[] = {0.5, 1, 2, 5, 10, 20, 50, 100, 250};
  std::atomic<std::uint64_t> buckets[std::size(bucket_ms) + 1]{};
  std::atomic<std::uint64_t> batch_size_total{0};
  /// Histogram of jobs per successful commit (group-commit batch size): buckets of 1, 2, 4, ... 256, +Inf.
  static constexpr double batch_buckets[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  std::atomic<std::uint64_t> batch_size_buckets[std::size(batch_buckets) + 1]{};
  std::atomic<std::uint64_t> checkpoints{0};
};

class writer {
 public:
  using job_fn = std::function<void(connection&)>;
  using done_fn = std::function<void(std::exception_ptr)>;

  explicit writer(const db_options& options, writer_options wopts = {});
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  /// Queues a job. `done` runs on the writer thread after the job's batch committed (null
  /// exception) or failed (the job's own exception, or storage_unavailable for the batch).
  void submit(job_fn job, done_fn done);

  /// Runs `fn(connection&) -> R` in the writer and completes with its result once durable.
  template <class R, class Fn, class Token = const boost::asio::use_awaitable_t<>&>
  auto async_run(Fn fn, Token&& token = boost::asio::use_awaitable) {
    return boost::asio::async_initiate<Token, void(std::exception_ptr, R)>(
        [this](auto handler, Fn f) {
          auto ex = boost::asio::get_associated_executor(handler);
          auto work = boost::asio::make_work_guard(ex);
          auto result = std::make_shared<R>();
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          submit([result, f = std::move(f)](connection& c) mutable { *result = f(c); },
                 [result, h, work = std::move(work)](std::exception_ptr e) mutable {
                   auto exec = work.get_executor();
                   boost::asio::post(exec, [h, result, e, w = std::move(work)]() mutable {
                     (*h)(e, std::move(*result));
                   });
                 });
        },
        token, std::move(fn));
  }

  /// Blocking variant for the command line and tests.
  template <class R, class Fn>
  R run(Fn fn) {
    std::promise<R> promise;
    auto future = promise.get_future();
    auto result = std::make_shared<R>();
    submit([result, f = std::move(fn)](connection& c) mutable { *result = f(c); },
           [&promise, result](std::exception_ptr e) {
             if (e)
               promise.set_exception(e);
             else
               promise.set_value(std::move(*result));
           });
    return future.get();
  }

  /// Stops after the queued jobs are done; idempotent.
  void stop();

  /// Asks the checkpoint thread for a PASSIVE checkpoint (called after commits).
  void request_checkpoint();

  const writer_stats& stats() const { return stats_; }

 private:
  struct pending {
    job_fn job;
    done_fn done;
  };

  void loop();
  void run_batch(std::deque<pending>& batch);
  void checkpoint_loop();

  db_options options_;
  writer_options wopts_;
  std::unique_ptr<connection> conn_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  writer_stats stats_;

  // Checkpoints copy the WAL back into the database on a thread of their own, so that the
  // writer never pays for them inside a COMMIT. The writer signals when the WAL has grown.
  std::unique_ptr<connection> checkpoint_conn_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stopping_ = false;
  std::thread checkpoint_thread_;

  std::thread thread_;
};

}  // namespace rodeknop::store
