#pragma once
// The triage repository: every SQL statement the team's endpoints need — the report list with
// filters, full-text search and keyset pagination, one report with its history, comments and
// similar reports, the team's changes (PATCH) and comments, and the week view.
// Functions take a connection: the writer's for changes, a pooled reader's for queries.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/workflow.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/writer.hpp"

namespace rodeknop::store {

/// A report as the team sees it (the API leaves out the reporter's identity for managers).
struct report_record {
  std::int64_t id = 0;
  std::string reference;
  std::string title;
  std::string procedure;
  std::string description;
  std::string impact;
  std::string suggestion;
  std::string department;
  std::string category;
  std::optional<std::string> reporter_name;
  std::optional<std::string> reporter_email;
  std::optional<std::string> reporter_identity;
  std::string status;
  std::string priority;
  std::optional<std::string> assignee;
  std::optional<std::string> owner_department;
  std::optional<std::int64_t> duplicate_of;
  std::optional<std::string> outcome;
  domain::sys_seconds created_at{};
  domain::sys_seconds updated_at{};
  std::int64_t version = 0;
  domain::sys_seconds last_event_at{};
};

// --- the full-text index --------------------------------------------------------------------

/// Adds up to `max` reports that are not in the full-text index yet, oldest first, in the
/// caller's transaction (writer only); returns how many it added.
std::int64_t index_pending_reports(connection& c, std::int64_t max);

/// Keeps the full-text index up with new reports: the writer indexes them in batches, at most
/// `interval` after notify() (and every second anyway, for reports from other processes).
/// Indexing a report costs the writer more than storing it, so new reports come first: while
/// other jobs keep the writer busy (a burst of reports), indexing waits for a quiet moment,
/// unless more than `max_lag` reports wait, and then goes on one batch per interval. Searches
/// never miss a report: they index what is missing first (api/team, catch_up_search).
class search_indexer {
 public:
  static constexpr std::int64_t batch = 200;
  static constexpr std::int64_t max_lag = 100000;

  search_indexer(class writer& w, std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~search_indexer();
  search_indexer(const search_indexer&) = delete;
  search_indexer& operator=(const search_indexer&) = delete;

  /// A report was added (call after its commit).
  void notify();
  /// True while reports may be missing from the index (search paths then catch up first).
  bool behind() const { return behind_.load(std::memory_order_acquire); }
  /// About how many announced reports are not indexed yet (for /metrics and the pacing).
  std::int64_t lag() const { return lag_.load(std::memory_order_acquire); }
  /// Counts notify() calls: read it before a catch-up job, hand it to caught_up() after.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  /// The index holds every report committed before generation `g` was read.
  void caught_up(std::uint64_t g);
  void stop();

 private:
  void loop();
  class writer& writer_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> behind_{true};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::int64_t> lag_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool busy_ = false;
  bool again_ = false;  // the last batch was full: the next one goes at once
  // After failed batches (a damaged or full disk): the next try waits, twice as long after
  // each failure up to 30 s, so the log gets a line now and then, not ten a second.
  unsigned failures_ = 0;
  std::chrono::steady_clock::time_point retry_at_{};
  std::thread thread_;
};

// --- the list -------------------------------------------------------------------------------

/// A position in the list: the (created_at, id) of the last item of a page.
struct list_cursor {
  bool oldest_first = false;
  std::int64_t created_at = 0;
  std::int64_t id = 0;
};

/// Opaque text for clients ("n…" / "o…"); decode gives nullopt for anything we did not make.
std::string encode_cursor(const list_cursor& c);
std::optional<list_cursor> decode_cursor(std::string_view text);

/// FTS5 match expression for what a user typed: each word a quoted phrase (words of three or
/// more characters also match as prefix), all words required (or any, with `any_word`).
/// nullopt when the text has no word at all.
std::optional<std::string> fts_expression(std::string_view text, bool any_word = false, bool prefixes = true);

/// False when `text` has no letter or digit at all (then no report can match it).
bool has_search_words(std::string_view text);

struct list_query {
  std::vector<std::string> statuses;  // empty: all
  std::optional<std::string> department;
  std::optional<std::string> category;
  /// What the user typed in the search field: every word must occur in the report's title,
  /// procedure, description or suggestion, regardless of case and diacritics; a word of three or
  /// more characters anywhere (also inside a longer word), a shorter one as a whole word.
  std::optional<std::string> search;
  std::optional<std::string> reference;  // the report with this reference (as format_reference writes it)
  std::optional<domain::time_range> created;
  bool oldest_first = false;
  std::size_t limit = 50;
  std::optional<list_cursor> after;
};

struct list_page {
  std::vector<report_record> items;
  std::optional<list_cursor> next;  // set when there may be more
};

/// Newest first (or oldest first), keyset-paginated on (created_at, id): reports that arrive
/// while a client pages never make it skip or repeat an item.
list_page list_reports(connection& c, const list_query& q);

// --- one report -----------------------------------------------------------------------------

struct history_event {
  std::int64_t id = 0;
  domain::sys_seconds at{};
  std::string actor;
  std::string type;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> note;
  std::optional<std::string> outcome;
  std::optional<std::int64_t> comment_id;
  std::optional<std::string> visibility;  // comment and reply events
  std::optional<std::string> body;
};

struct comment_record {
  std::int64_t id = 0;
  domain::sys_seconds at{};
  std::string author;      // a username, or "reporter"
  std::string visibility;  // internal | reporter
  std::string body;
};

struct report_summary {
  std::int64_t id = 0;
  std::string reference;
  std::string title;
  std::string status;
  domain::sys_seconds created_at{};
};

struct report_detail {
  report_record report;
  std::vector<history_event> history;  // oldest first
  std::vector<comment_record> comments;
  std::vector<report_summary> similar;
};

std::optional<report_record> find_report(connection& c, std::int64_t id);
/// The report with history, comments and up to `similar_count` similar reports.
std::optional<report_detail> find_report_detail(connection& c, std::int64_t id, std::size_t similar_count = 5);
/// Reports whose text resembles this one's (FTS5 on its own title and procedure, bm25 order),
/// never the report itself.
std::vector<report_summary> similar_reports(connection& c, const report_record& r, std::size_t count = 5);

// --- changes (writer only) ------------------------------------------------------------------

struct change_result {
  enum class outcome { changed, unchanged, not_found, stale, invalid };
  outcome result = outcome::not_found;
  std::optional<report_record> report;  // changed / unchanged / stale: as it is now
  domain::field_errors errors;          // invalid
  std::vector<report_record> repointed;  // changed: its duplicates, now naming what it duplicates
};

/// Applies a team change: checks the version (`if_match` holds the versions the client names)
/// and the workflow inside the writer's transaction, writes one event per changed field, bumps
/// the version and updated_at. Nothing is written unless everything is acceptable. A report
/// marked duplicate passes its own duplicates on to the report it duplicates (each with a
/// `duplicate_of` event by the same actor), so that no duplicate ever names another duplicate.
change_result apply_change(connection& c, std::int64_t id, const std::vector<std::int64_t>& if_match,
                           const domain::report_change& change, std::string_view actor, domain::sys_seconds now);

/// What the workflow would refuse of `change` on report `id` as it is now (nothing is written;
/// for naming every offending field when other checks already refuse the change); nullopt for
/// an unknown report.
std::optional<domain::field_errors> workflow_errors(connection& c, std::int64_t id, const domain::report_change& change);

struct comment_result {
  comment_record comment;
  report_summary report;
  std::int64_t version = 0;  // the report's new version
};

/// A team comment with its `comment` event; nullopt for an unknown report.
std::optional<comment_result> insert_comment(connection& c, std::int64_t report_id, std::string_view author,
                                             std::string_view visibility, std::string_view body,
                                             domain::sys_seconds now);

// --- the week view --------------------------------------------------------------------------

struct decision_record {
  std::int64_t event_id = 0;
  domain::sys_seconds at{};
  std::string actor;
  std::int64_t report_id = 0;
  std::string reference;
  std::string title;
  std::optional<std::string> from;
  std::string to;
  std::optional<std::string> note;
  std::optional<std::string> outcome;
  std::optional<std::int64_t> duplicate_of;        // to == "duplicate": the earlier report
  std::optional<std::string> duplicate_reference;  // and its reference
};

struct week_view {
  domain::time_range range;
  domain::sys_seconds as_of{};  // min(now, end of the week): ages and staleness count from here
  // A past week's lists hold the reports as they stood at its end (each record is the report as
  // it is now, but a stale item's last_event_at is its last event before the week's end); the
  // current week's as they are now.
  std::vector<report_record> queue;  // status new at the week's end, submitted before it, oldest first
  bool queue_truncated = false;
  // Queue reports that came back from needs_info (the reporter answered the team's question):
  // report id → when it last did.
  std::unordered_map<std::int64_t, domain::sys_seconds> queue_answered;
  std::vector<decision_record> decisions;  // the team's status changes in the week, in order
  bool decisions_truncated = false;
  std::vector<report_record> stale;  // accepted / in progress at as_of, no event in the 28 days before it
  bool stale_truncated = false;
  // Reports not in the queue (status other than new at as_of) whose reporter replied during the week,
  // the most recent reply first.
  std::vector<report_record> replies;
  bool replies_truncated = false;
};

inline constexpr std::int64_t stale_after_days = 28;

/// Where a past week's queue and stale list find their candidates: the reports created before
/// the week's end, or the reports whose status changed since (the current ones included).
/// Either gives the same lists; `automatic` takes the smaller (tests name one).
enum class week_plan { automatic, from_reports, from_changes };

/// Each list holds at most `limit` items (truncated says when there are more).
week_view load_week(connection& c, domain::time_range week, domain::sys_seconds now, std::size_t limit,
                    week_plan plan = week_plan::automatic);

/// Every decision of the week (for the CSV minutes).
std::vector<decision_record> week_decisions(connection& c, domain::time_range week);

}  // namespace rodeknop::store
