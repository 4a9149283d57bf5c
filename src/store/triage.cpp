#include "rodeknop/store/triage.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <set>
#include <unordered_set>
#include <utility>

#include "rodeknop/util/thread_name.hpp"

namespace rodeknop::store {

namespace {

using domain::sys_seconds;

std::int64_t seconds(sys_seconds t) { return t.time_since_epoch().count(); }
sys_seconds from_seconds(std::int64_t s) { return sys_seconds{std::chrono::seconds{s}}; }

std::optional<std::string> opt_text(const SQLite::Column& col) {
  if (col.isNull()) return std::nullopt;
  return col.getString();
}

std::optional<std::int64_t> opt_int(const SQLite::Column& col) {
  if (col.isNull()) return std::nullopt;
  return col.getInt64();
}

template <class T>
void bind_opt(SQLite::Statement& st, int index, const std::optional<T>& v) {
  if (v)
    st.bind(index, *v);
  else
    st.bind(index);
}

// Dynamic statements (the list's filter combinations) are interned so that the connection's
// statement cache, keyed by the text's address, prepares each variant once per connection.
const char* intern(std::string sql) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> texts;
  std::lock_guard lock(mutex);
  return texts.insert(std::move(sql)).first->c_str();
}

#define RK_REPORT_COLUMNS_BUT_LAST_EVENT                                                                         \
  "id, reference, title, procedure, description, impact, suggestion, department, category, reporter_name, "    \
  "reporter_email, reporter_identity, status, priority, assignee, owner_department, duplicate_of, outcome, "    \
  "created_at, updated_at, version"
#define RK_REPORT_COLUMNS RK_REPORT_COLUMNS_BUT_LAST_EVENT ", last_event_at"

report_record read_report(SQLite::Statement& st) {
  report_record r;
  r.id = st.getColumn(0).getInt64();
  r.reference = st.getColumn(1).getString();
  r.title = st.getColumn(2).getString();
  r.procedure = st.getColumn(3).getString();
  r.description = st.getColumn(4).getString();
  r.impact = st.getColumn(5).getString();
  r.suggestion = st.getColumn(6).getString();
  r.department = st.getColumn(7).getString();
  r.category = st.getColumn(8).getString();
  r.reporter_name = opt_text(st.getColumn(9));
  r.reporter_email = opt_text(st.getColumn(10));
  r.reporter_identity = opt_text(st.getColumn(11));
  r.status = st.getColumn(12).getString();
  r.priority = st.getColumn(13).getString();
  r.assignee = opt_text(st.getColumn(14));
  r.owner_department = opt_text(st.getColumn(15));
  r.duplicate_of = opt_int(st.getColumn(16));
  r.outcome = opt_text(st.getColumn(17));
  r.created_at = from_seconds(st.getColumn(18).getInt64());
  r.updated_at = from_seconds(st.getColumn(19).getInt64());
  r.version = st.getColumn(20).getInt64();
  const auto last = st.getColumn(21);
  r.last_event_at = last.isNull() ? r.updated_at : from_seconds(last.getInt64());
  return r;
}

// --- cursors ------------------------------------------------------------------------------------

std::string hex(std::int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint64_t>(v), 16);
  return std::string(buf, p);
}

bool parse_hex(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 15) return false;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc{} || p != s.data() + s.size()) return false;
  for (char ch : s)
    if (ch >= 'A' && ch <= 'F') return false;  // one spelling only
  out = static_cast<std::int64_t>(v);
  return true;
}

// --- full-text search ------------------------------------------------------------------------

bool is_word_byte(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }

// Words as the unicode61 tokenizer would roughly see them: runs of letters and digits (any
// non-ASCII byte counts as a letter; the tokenizer itself decides the rest inside the quotes).
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char ch : text) {
    if (is_word_byte(static_cast<unsigned char>(ch))) {
      word.push_back(ch);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string ascii_lower(std::string s) {
  for (auto& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

// Frequent Dutch words that say nothing about what a report is about.
bool is_stop_word(std::string_view w) {
  static const std::unordered_set<std::string_view> words{
      "aan",   "als",   "andere", "bij",  "daar",  "dan",   "dat",    "deze",  "die",   "dit",   "door",
      "een",   "en",    "geen",   "heeft", "het",  "hij",   "hoe",    "hun",   "ik",    "in",    "is",
      "kan",   "keer",  "maar",   "meer", "met",   "moet",  "naar",   "niet",  "nog",   "of",    "om",
      "omdat", "ook",   "op",     "over", "te",    "tot",   "uit",    "van",   "veel",  "voor",  "waar",
      "wat",   "wel",   "worden", "wordt", "zijn", "zich",  "zonder", "zou",   "dezelfde", "drie", "twee",
      "vraagt", "duurt", "heeft", "hebben", "kunnen", "moeten", "wordt", "werd", "waren"};
  return words.contains(w);
}

// --- the list --------------------------------------------------------------------------------

struct list_sql {
  const char* text;
  bool department, category, match, created, after;
};

/// What a search asks of the two indexes: every word of three or more characters as a run of
/// characters anywhere (the substring index, so `vergunning` finds `kapvergunning`), shorter
/// words as whole words (the word index; a trigram index cannot find them).
struct search_terms {
  std::optional<std::string> substrings;  // FTS5 expression for reports_substrings
  std::optional<std::string> words;       // FTS5 expression for reports_fts
  bool nothing = false;                   // the text has no word at all: no report matches
};

/// `text` as both indexes hold text: unicode61's tokens, lower case, without diacritics, joined
/// by single spaces.
std::string folded(connection& c, std::string_view text) {
  auto& st = c.prepare("SELECT rk_fold(?1)");
  st.bind(1, std::string(text));
  std::string out;
  if (st.executeStep()) out = st.getColumn(0).getString();
  st.reset();
  return out;
}

/// An FTS5 string: in double quotes, a quote inside doubled (tokens hold letters and digits
/// only, but a phrase is passed whole).
std::string fts_string(std::string_view s) {
  std::string quoted = "\"";
  for (char ch : s) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  quoted += '"';
  return quoted;
}

search_terms terms_of(connection& c, std::string_view text) {
  search_terms t;
  std::size_t count = 0;
  const auto add = [&](std::string_view word, bool phrase) {
    if (word.empty() || count >= 16) return;
    ++count;
    auto& into = phrase || code_points(word) >= 3 ? t.substrings : t.words;
    const auto quoted = fts_string(word);
    into = into ? *into + " " + quoted : quoted;
  };
  // Words in double quotes are a phrase: those words one after the other ("origineel kopie").
  // The substring index holds the folded words joined by single spaces, so the folded phrase is a
  // run of characters in it. A phrase of one short word is that word.
  std::string loose;
  for (std::size_t at = 0; at < text.size();) {
    const auto open = text.find('"', at);
    if (open == std::string_view::npos) {
      loose.append(text.substr(at));
      break;
    }
    loose.append(text.substr(at, open - at)).push_back(' ');
    auto close = text.find('"', open + 1);
    if (close == std::string_view::npos) close = text.size();
    const auto phrase = folded(c, text.substr(open + 1, close - open - 1));
    add(phrase, phrase.find(' ') != std::string::npos);
    at = close + 1;
  }
  const auto words = folded(c, loose);
  for (std::size_t at = 0; at < words.size() && count < 16;) {
    auto end = words.find(' ', at);
    if (end == std::string::npos) end = words.size();
    auto size = std::min<std::size_t>(end - at, 100);
    while (size < end - at && (static_cast<unsigned char>(words[at + size]) & 0xC0) == 0x80) --size;  // whole characters
    add(std::string_view(words).substr(at, size), false);
    at = end + 1;
  }
  t.nothing = count == 0;
  return t;
}

std::string filters(const list_query& q, const search_terms& terms) {
  std::string w;
  if (q.department) w += " AND department = :department";
  if (q.category) w += " AND category = :category";
  if (terms.substrings) w += " AND id IN (SELECT rowid FROM reports_substrings WHERE reports_substrings MATCH :substrings)";
  if (terms.words) w += " AND id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH :words)";
  if (q.reference) w += " AND reference = :reference";
  if (q.created) w += " AND created_at >= :created_from AND created_at < :created_to";
  if (q.after) w += q.oldest_first ? " AND (created_at, id) > (:after_at, :after_id)" : " AND (created_at, id) < (:after_at, :after_id)";
  return w;
}

const char* build_list_sql(const list_query& q, const search_terms& terms) {
  const std::string order = q.oldest_first ? " ORDER BY created_at, id" : " ORDER BY created_at DESC, id DESC";
  const std::string where = filters(q, terms);
  std::string sql;
  if (q.statuses.size() <= 1) {
    sql = "SELECT " RK_REPORT_COLUMNS " FROM reports WHERE 1";
    if (q.statuses.size() == 1) sql += " AND status = :status0";
    sql += where + order + " LIMIT :limit";
  } else {
    // One ordered, limited scan of the (status, created_at, id) index per status, merged:
    // never a sort of every report in those statuses.
    for (std::size_t i = 0; i < q.statuses.size(); ++i) {
      if (i) sql += " UNION ALL ";
      sql += "SELECT * FROM (SELECT " RK_REPORT_COLUMNS " FROM reports WHERE status = :status" + std::to_string(i) +
             where + order + " LIMIT :limit)";
    }
    sql += q.oldest_first ? " ORDER BY created_at, id" : " ORDER BY created_at DESC, id DESC";
    sql += " LIMIT :limit";
  }
  return intern(std::move(sql));
}

// --- similar reports ---------------------------------------------------------------------------

std::vector<std::int64_t> similar_ids(connection& c, const char* sql, const std::string& match, std::int64_t id,
                                      std::size_t count, std::int64_t lo = 0, std::int64_t hi = 0) {
  auto& st = c.prepare(sql);
  st.bind(1, match);
  st.bind(2, id);
  st.bind(3, static_cast<std::int64_t>(count));
  if (lo || hi) {
    st.bind(4, lo);
    st.bind(5, hi);
  }
  std::vector<std::int64_t> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getInt64());
  st.reset();
  return out;
}

std::optional<report_summary> summary_of(connection& c, std::int64_t id) {
  auto& st = c.prepare("SELECT id, reference, title, status, created_at FROM reports WHERE id = ?1");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  report_summary s{st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                   st.getColumn(3).getString(), from_seconds(st.getColumn(4).getInt64())};
  st.reset();
  return s;
}

domain::report_state state_of(const report_record& r) {
  return {r.id, r.status, r.priority, r.assignee, r.owner_department, r.duplicate_of, r.outcome};
}

void insert_event(connection& c, std::int64_t report_id, sys_seconds at, std::string_view actor,
                  const domain::planned_event& e) {
  auto& st = c.prepare(
      "INSERT INTO events (report_id, at, actor, type, from_value, to_value, note, outcome) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  st.bind(1, report_id);
  st.bind(2, seconds(at));
  st.bind(3, std::string(actor));
  st.bind(4, e.type);
  bind_opt(st, 5, e.from);
  bind_opt(st, 6, e.to);
  bind_opt(st, 7, e.note);
  bind_opt(st, 8, e.outcome);
  st.exec();
}

domain::duplicate_target find_duplicate_target(connection& c, std::int64_t report_id, std::int64_t target) {
  domain::duplicate_target t;
  auto& st = c.prepare(
      "SELECT r.duplicate_of, r.status, o.reference FROM reports r LEFT JOIN reports o ON o.id = r.duplicate_of "
      "WHERE r.id = ?1");
  std::int64_t at = target;
  // Follow the chain of links from the target; reaching the report itself is a cycle. Only a
  // report marked duplicate links on (a link left on another, from before links were tied to
  // that status, leads nowhere). The chain is acyclic already (every link was checked), so it
  // ends; the bound is a safeguard.
  for (int steps = 0; steps < 100000; ++steps) {
    st.reset();
    st.clearBindings();
    st.bind(1, at);
    if (!st.executeStep()) break;
    if (steps == 0) t.exists = true;
    const auto next = st.getColumn(0);
    if (next.isNull() || st.getColumn(1).getString() != "duplicate") break;
    if (steps == 0 && !st.getColumn(2).isNull()) t.duplicates_reference = st.getColumn(2).getString();
    at = next.getInt64();
    if (at == report_id) {
      t.forms_cycle = true;
      break;
    }
  }
  st.reset();
  return t;
}

std::vector<report_record> read_reports(SQLite::Statement& st, std::size_t limit, bool& truncated) {
  std::vector<report_record> out;
  truncated = false;
  while (st.executeStep()) {
    if (out.size() == limit) {
      truncated = true;
      break;
    }
    out.push_back(read_report(st));
  }
  st.reset();
  return out;
}

decision_record read_decision(SQLite::Statement& st) {
  decision_record d;
  d.event_id = st.getColumn(0).getInt64();
  d.at = from_seconds(st.getColumn(1).getInt64());
  d.actor = st.getColumn(2).getString();
  d.from = opt_text(st.getColumn(3));
  d.to = st.getColumn(4).getString();
  d.note = opt_text(st.getColumn(5));
  d.outcome = opt_text(st.getColumn(6));
  d.report_id = st.getColumn(7).getInt64();
  d.reference = st.getColumn(8).getString();
  d.title = st.getColumn(9).getString();
  d.duplicate_of = opt_int(st.getColumn(10));
  d.duplicate_reference = opt_text(st.getColumn(11));
  return d;
}

constexpr const char* decisions_sql =
    "SELECT e.id, e.at, e.actor, e.from_value, e.to_value, e.note, e.outcome, r.id, r.reference, r.title, "
    // A move to duplicate names the earlier report: the link event written by the same change,
    // just before it (same report and second; a link changed later, even within that second,
    // comes after it, and a quick reopen writes an empty link).
    "o.id, o.reference "
    "FROM events e JOIN reports r ON r.id = e.report_id "
    "LEFT JOIN reports o ON e.to_value = 'duplicate' AND o.id = (SELECT CAST(d.to_value AS INTEGER) FROM events d "
    "WHERE d.report_id = e.report_id AND d.type = 'duplicate_of' AND d.at = e.at AND d.to_value IS NOT NULL "
    "AND d.id BETWEEN e.id - 6 AND e.id - 1 ORDER BY d.id DESC LIMIT 1) "
    "WHERE e.type = 'status' AND e.actor <> 'reporter' AND e.at >= ?1 AND e.at < ?2 "
    "ORDER BY e.at, e.id LIMIT ?3";

}  // namespace

namespace {

// Adds up to `max` reports beyond an index's high-water mark (`through_sql` reads it,
// `insert_sql` indexes ids in (?1, ?2], `update_sql` moves the mark); returns how many.
std::int64_t index_range(connection& c, std::int64_t max, const char* through_sql, const char* insert_sql,
                         const char* update_sql) {
  auto& upto_st = c.prepare(through_sql);
  upto_st.bind(1, max);
  if (!upto_st.executeStep()) return 0;
  const auto from = upto_st.getColumn(0).getInt64();
  const bool none = upto_st.getColumn(1).isNull();
  const auto upto = none ? from : upto_st.getColumn(1).getInt64();
  upto_st.reset();
  if (none) return 0;
  auto& ins = c.prepare(insert_sql);
  ins.bind(1, from);
  ins.bind(2, upto);
  const auto added = ins.exec();
  auto& st = c.prepare(update_sql);
  st.bind(1, upto);
  st.exec();
  return added;
}

}  // namespace

std::int64_t index_pending_reports(connection& c, std::int64_t max) {
  const auto words = index_range(
      c, max,
      "SELECT s.indexed_through, (SELECT max(id) FROM (SELECT id FROM reports WHERE id > s.indexed_through "
      "ORDER BY id LIMIT ?1)) FROM search_index_state s WHERE s.id = 1",
      "INSERT INTO reports_fts (rowid, title, procedure, description, impact, suggestion) "
      "SELECT id, title, procedure, description, impact, suggestion FROM reports WHERE id > ?1 AND id <= ?2 ORDER BY id",
      "UPDATE search_index_state SET indexed_through = ?1 WHERE id = 1");
  const auto substrings = index_range(
      c, max,
      "SELECT s.substrings_through, (SELECT max(id) FROM (SELECT id FROM reports WHERE id > s.substrings_through "
      "ORDER BY id LIMIT ?1)) FROM search_index_state s WHERE s.id = 1",
      "INSERT INTO reports_substrings (rowid, body) "
      "SELECT id, rk_fold(title, procedure, description, impact, suggestion) FROM reports WHERE id > ?1 AND id <= ?2 "
      "ORDER BY id",
      "UPDATE search_index_state SET substrings_through = ?1 WHERE id = 1");
  return std::max(words, substrings);
}

search_indexer::search_indexer(class writer& w, std::chrono::milliseconds interval)
    : writer_(w), interval_(interval), thread_([this] { loop(); }) {}

search_indexer::~search_indexer() { stop(); }

void search_indexer::notify() {
  generation_.fetch_add(1, std::memory_order_acq_rel);
  lag_.fetch_add(1, std::memory_order_acq_rel);
  behind_.store(true, std::memory_order_release);
}

void search_indexer::caught_up(std::uint64_t g) {
  // Only when no report was announced since `g` was read.
  std::lock_guard lock(mutex_);
  if (generation_.load(std::memory_order_acquire) == g) {
    behind_.store(false, std::memory_order_release);
    lag_.store(0, std::memory_order_release);
  }
}

void search_indexer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Wait for a batch still queued in the writer (its completion touches this object).
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return !busy_; });
}

void search_indexer::loop() {
  util::name_this_thread("rk-search-index");
  // A few milliseconds of writer time per batch, so jobs queued meanwhile wait little; while
  // behind and the writer has nothing else to do, batches follow each other at once.
  int ticks = 0;
  std::uint64_t jobs_seen = writer_.stats().jobs.load(std::memory_order_relaxed);
  std::uint64_t own_jobs = 0;  // this loop's batches among the writer's jobs since jobs_seen
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    cv_.wait_for(lock, interval_, [&] { return stopping_ || again_; });
    if (stopping_) break;
    const bool chained = std::exchange(again_, false);
    const auto jobs_now = writer_.stats().jobs.load(std::memory_order_relaxed);
    const bool writer_busy = jobs_now - jobs_seen > own_jobs;
    jobs_seen = jobs_now;
    own_jobs = 0;
    // Every few seconds look anyway: another process (rodeknop seed) may have added reports.
    if (busy_ || (!behind() && ++ticks % 10 != 0)) continue;
    if (failures_ > 0 && std::chrono::steady_clock::now() < retry_at_) continue;
    // Others first: during a burst the index waits, unless it falls too far behind, and then it
    // takes one batch per interval rather than one after the other.
    if (writer_busy && (lag() <= max_lag || chained)) continue;
    busy_ = true;
    ++own_jobs;
    const auto g = generation();
    lock.unlock();
    auto added = std::make_shared<std::int64_t>(batch);
    writer_.submit([added](connection& c) { *added = index_pending_reports(c, batch); },
                   [this, added, g](std::exception_ptr e) {
                     std::lock_guard l(mutex_);
                     if (!e) lag_.fetch_sub(std::min(*added, lag_.load(std::memory_order_acquire)), std::memory_order_acq_rel);
                     if (!e && *added < batch && generation_.load(std::memory_order_acquire) == g) {
                       behind_.store(false, std::memory_order_release);
                       lag_.store(0, std::memory_order_release);
                     }
                     again_ = !e && *added == batch;
                     failures_ = e ? failures_ + 1 : 0;
                     if (e)
                       retry_at_ = std::chrono::steady_clock::now() +
                                   std::min<std::chrono::milliseconds>(interval_ * (1LL << std::min(failures_, 9U)),
                                                                       std::chrono::seconds(30));
                     busy_ = false;
                     cv_.notify_all();
                   });
    lock.lock();
  }
}

std::string encode_cursor(const list_cursor& c) {
  return std::string(c.oldest_first ? "o" : "n") + hex(c.created_at) + "-" + hex(c.id);
}

std::optional<list_cursor> decode_cursor(std::string_view text) {
  if (text.size() < 4 || (text[0] != 'o' && text[0] != 'n')) return std::nullopt;
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  list_cursor c;
  c.oldest_first = text[0] == 'o';
  if (!parse_hex(text.substr(1, dash - 1), c.created_at) || !parse_hex(text.substr(dash + 1), c.id)) return std::nullopt;
  return c;
}

std::optional<std::string> fts_expression(std::string_view text, bool any_word, bool prefixes) {
  auto words = words_of(text);
  if (words.empty()) return std::nullopt;
  if (words.size() > 16) words.resize(16);
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += any_word ? " OR " : " ";
    // Words hold letters and digits only, so they need no escaping inside the quotes.
    out += '"';
    out += w.substr(0, 100);
    out += '"';
    if (prefixes && code_points(w) >= 3) out += '*';
  }
  return out;
}

bool has_search_words(std::string_view text) { return !words_of(text).empty(); }

list_page list_reports(connection& c, const list_query& q) {
  search_terms terms;
  if (q.search) {
    terms = terms_of(c, *q.search);
    if (terms.nothing) return {};
  }
  const char* sql = build_list_sql(q, terms);
  auto& st = c.prepare(sql);
  for (std::size_t i = 0; i < q.statuses.size(); ++i) st.bind((":status" + std::to_string(i)).c_str(), q.statuses[i]);
  if (q.department) st.bind(":department", *q.department);
  if (q.category) st.bind(":category", *q.category);
  if (terms.substrings) st.bind(":substrings", *terms.substrings);
  if (terms.words) st.bind(":words", *terms.words);
  if (q.reference) st.bind(":reference", *q.reference);
  if (q.created) {
    st.bind(":created_from", seconds(q.created->begin));
    st.bind(":created_to", seconds(q.created->end));
  }
  if (q.after) {
    st.bind(":after_at", q.after->created_at);
    st.bind(":after_id", q.after->id);
  }
  st.bind(":limit", static_cast<std::int64_t>(q.limit + 1));
  list_page page;
  bool more = false;
  page.items = read_reports(st, q.limit, more);
  if (more && !page.items.empty()) {
    const auto& last = page.items.back();
    page.next = list_cursor{q.oldest_first, seconds(last.created_at), last.id};
  }
  return page;
}

std::optional<report_record> find_report(connection& c, std::int64_t id) {
  auto& st = c.prepare("SELECT " RK_REPORT_COLUMNS " FROM reports WHERE id = ?1");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  auto r = read_report(st);
  st.reset();
  return r;
}

std::optional<report_detail> find_report_detail(connection& c, std::int64_t id, std::size_t similar_count) {
  auto report = find_report(c, id);
  if (!report) return std::nullopt;
  report_detail d;
  d.report = std::move(*report);

  auto& h = c.prepare(
      "SELECT e.id, e.at, e.actor, e.type, e.from_value, e.to_value, e.note, e.outcome, e.comment_id, "
      "c.visibility, c.body FROM events e LEFT JOIN comments c ON c.id = e.comment_id "
      "WHERE e.report_id = ?1 ORDER BY e.id");
  h.bind(1, id);
  while (h.executeStep()) {
    history_event e;
    e.id = h.getColumn(0).getInt64();
    e.at = from_seconds(h.getColumn(1).getInt64());
    e.actor = h.getColumn(2).getString();
    e.type = h.getColumn(3).getString();
    e.from = opt_text(h.getColumn(4));
    e.to = opt_text(h.getColumn(5));
    e.note = opt_text(h.getColumn(6));
    e.outcome = opt_text(h.getColumn(7));
    e.comment_id = opt_int(h.getColumn(8));
    e.visibility = opt_text(h.getColumn(9));
    e.body = opt_text(h.getColumn(10));
    d.history.push_back(std::move(e));
  }
  h.reset();

  auto& cm = c.prepare("SELECT id, at, author, visibility, body FROM comments WHERE report_id = ?1 ORDER BY id");
  cm.bind(1, id);
  while (cm.executeStep())
    d.comments.push_back({cm.getColumn(0).getInt64(), from_seconds(cm.getColumn(1).getInt64()),
                          cm.getColumn(2).getString(), cm.getColumn(3).getString(), cm.getColumn(4).getString()});
  cm.reset();

  if (similar_count > 0) d.similar = similar_reports(c, d.report, similar_count);
  return d;
}

std::vector<report_summary> similar_reports(connection& c, const report_record& r, std::size_t count) {
  // The report's own distinctive words: title first, then the procedure.
  std::vector<std::string> terms;
  for (const auto* text : {&r.title, &r.procedure}) {
    for (auto& w : words_of(*text)) {
      auto lower = ascii_lower(w);
      if (code_points(lower) < 4 || is_stop_word(lower)) continue;
      if (std::find(terms.begin(), terms.end(), lower) == terms.end()) terms.push_back(std::move(lower));
      if (terms.size() == 8) break;
    }
  }
  if (terms.empty() || count == 0) return {};
  std::string all, any;
  for (const auto& t : terms) {
    all += (all.empty() ? "\"" : " \"") + t + "\"";
    any += (any.empty() ? "\"" : " OR \"") + t + "\"";
  }
  // All the words: precise, and cheap because few reports have them all.
  auto ids = similar_ids(c, "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?1 AND rowid <> ?2 ORDER BY rank LIMIT ?3",
                         all, r.id, count);
  if (ids.size() < count) {
    // Any of the words, ranked by bm25 among the 20,000 reports around this one, so that the
    // cost stays bounded however large the database grows.
    auto more = similar_ids(c,
                            "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?1 AND rowid <> ?2 "
                            "AND rowid BETWEEN ?4 AND ?5 ORDER BY rank LIMIT ?3",
                            any, r.id, count + ids.size(), r.id - 10000, r.id + 10000);
    for (auto id : more) {
      if (ids.size() == count) break;
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  std::vector<report_summary> out;
  for (auto id : ids)
    if (auto s = summary_of(c, id)) out.push_back(std::move(*s));
  return out;
}

namespace {

domain::change_plan plan_for(connection& c, const report_record& current, const domain::report_change& change) {
  std::optional<domain::duplicate_target> target;
  if (change.duplicate_of && *change.duplicate_of && *change.duplicate_of != current.duplicate_of)
    target = find_duplicate_target(c, current.id, **change.duplicate_of);
  return domain::plan_change(state_of(current), change, target);
}

}  // namespace

std::optional<domain::field_errors> workflow_errors(connection& c, std::int64_t id, const domain::report_change& change) {
  const auto current = find_report(c, id);
  if (!current) return std::nullopt;
  return plan_for(c, *current, change).errors;
}

change_result apply_change(connection& c, std::int64_t id, const std::vector<std::int64_t>& if_match,
                           const domain::report_change& change, std::string_view actor, sys_seconds now) {
  change_result out;
  auto current = find_report(c, id);
  if (!current) return out;  // not_found
  if (std::find(if_match.begin(), if_match.end(), current->version) == if_match.end()) {
    out.result = change_result::outcome::stale;
    out.report = std::move(current);
    return out;
  }
  auto plan = plan_for(c, *current, change);
  if (!plan.errors.empty()) {
    out.result = change_result::outcome::invalid;
    out.errors = std::move(plan.errors);
    return out;
  }
  if (plan.events.empty()) {
    out.result = change_result::outcome::unchanged;
    out.report = std::move(current);
    return out;
  }
  for (const auto& e : plan.events) insert_event(c, id, now, actor, e);
  const auto& a = plan.after;
  auto& up = c.prepare(
      "UPDATE reports SET status = ?3, priority = ?4, assignee = ?5, owner_department = ?6, duplicate_of = ?7, "
      "outcome = ?8, updated_at = ?9, last_event_at = ?9, version = version + 1 WHERE id = ?1 AND version = ?2");
  up.bind(1, id);
  up.bind(2, current->version);
  up.bind(3, a.status);
  up.bind(4, a.priority);
  bind_opt(up, 5, a.assignee);
  bind_opt(up, 6, a.owner_department);
  bind_opt(up, 7, a.duplicate_of);
  bind_opt(up, 8, a.outcome);
  up.bind(9, seconds(now));
  if (up.exec() != 1) throw std::logic_error("the report changed inside the writer's own transaction");
  if (a.status == "duplicate" && a.duplicate_of) {
    // Its duplicates now name the report it duplicates: the reporters' pages and the team's
    // links lead to where the work happens, never along a chain of duplicates.
    auto& mine = c.prepare("SELECT id FROM reports WHERE duplicate_of = ?1 AND status = 'duplicate' ORDER BY id");
    mine.bind(1, id);
    std::vector<std::int64_t> duplicates;
    while (mine.executeStep()) duplicates.push_back(mine.getColumn(0).getInt64());
    mine.reset();
    auto& repoint = c.prepare(
        "UPDATE reports SET duplicate_of = ?2, updated_at = ?3, last_event_at = ?3, version = version + 1 WHERE id = ?1");
    for (const auto d : duplicates) {
      insert_event(c, d, now, actor, {"duplicate_of", std::to_string(id), std::to_string(*a.duplicate_of), {}, {}});
      repoint.bind(1, d);
      repoint.bind(2, *a.duplicate_of);
      repoint.bind(3, seconds(now));
      repoint.exec();
      repoint.reset();
      if (auto r = find_report(c, d)) out.repointed.push_back(std::move(*r));
    }
  }
  out.result = change_result::outcome::changed;
  out.report = find_report(c, id);
  return out;
}

std::optional<comment_result> insert_comment(connection& c, std::int64_t report_id, std::string_view author,
                                             std::string_view visibility, std::string_view body, sys_seconds now) {
  auto& bump = c.prepare(
      "UPDATE reports SET updated_at = ?2, last_event_at = ?2, version = version + 1 WHERE id = ?1 "
      "RETURNING id, reference, title, status, created_at, version");
  bump.bind(1, report_id);
  bump.bind(2, seconds(now));
  if (!bump.executeStep()) return std::nullopt;
  comment_result out;
  out.report = {bump.getColumn(0).getInt64(), bump.getColumn(1).getString(), bump.getColumn(2).getString(),
                bump.getColumn(3).getString(), from_seconds(bump.getColumn(4).getInt64())};
  out.version = bump.getColumn(5).getInt64();
  while (bump.executeStep()) {
  }
  bump.reset();

  auto& ins = c.prepare("INSERT INTO comments (report_id, at, author, visibility, body) VALUES (?1, ?2, ?3, ?4, ?5)");
  ins.bind(1, report_id);
  ins.bind(2, seconds(now));
  ins.bind(3, std::string(author));
  ins.bind(4, std::string(visibility));
  ins.bind(5, std::string(body));
  ins.exec();
  const auto comment_id = c.db().getLastInsertRowid();

  auto& ev = c.prepare("INSERT INTO events (report_id, at, actor, type, comment_id) VALUES (?1, ?2, ?3, 'comment', ?4)");
  ev.bind(1, report_id);
  ev.bind(2, seconds(now));
  ev.bind(3, std::string(author));
  ev.bind(4, comment_id);
  ev.exec();
  out.comment = {comment_id, now, std::string(author), std::string(visibility), std::string(body)};
  return out;
}

week_view load_week(connection& c, domain::time_range week, sys_seconds now, std::size_t limit, week_plan plan) {
  week_view v;
  v.range = week;
  v.as_of = std::min(now, week.end);
  const auto lim = static_cast<std::int64_t>(limit + 1);

  // A past week's lists are as they stood at its end: a report's status then is where its first
  // status event since came from, or, without one, its status now. Candidates are the reports
  // with that status now and those that left it since (through the time indexes: the cost grows
  // with what happened since the week, not with the database). The current week reads today's
  // status directly.
  const bool past = week.end <= now;
  // For a week long past, what happened since is most of the history, and the reports created
  // before it are few: then those are the candidates, each looked up once. Reports created since
  // stand for the changes since: each has two or so, and a change costs more to look at than a
  // report, hence the factor (measured on 200,000 seeded reports, warm cache: a week 11 months
  // back 5.4 s → 0.08 s, 5 months back 0.36 s either way, 1 month back 0.36 s by the changes).
  if (past && plan == week_plan::automatic) {
    auto& n = c.prepare(
        "SELECT (SELECT count(*) FROM reports WHERE created_at < ?1), (SELECT count(*) FROM reports WHERE created_at >= ?1)");
    n.bind(1, seconds(week.end));
    n.executeStep();
    plan = n.getColumn(0).getInt64() <= 3 * n.getColumn(1).getInt64() ? week_plan::from_reports : week_plan::from_changes;
    n.reset();
  }
  const bool from_reports = past && plan == week_plan::from_reports;
#define RK_STATUS_AT_END                                                                                      \
  "coalesce((SELECT e.from_value FROM events e INDEXED BY events_by_report WHERE e.report_id = reports.id " \
  "AND e.type = 'status' AND e.at >= ?1 ORDER BY e.id LIMIT 1), reports.status)"
  auto& q = from_reports
                ? c.prepare("SELECT " RK_REPORT_COLUMNS " FROM reports INDEXED BY reports_by_created WHERE created_at < ?1 AND "
                            RK_STATUS_AT_END " = 'new' ORDER BY created_at, id LIMIT ?2")
          : past ? c.prepare("SELECT " RK_REPORT_COLUMNS
                             " FROM reports WHERE id IN ("
                             "SELECT id FROM reports INDEXED BY reports_by_status WHERE status = 'new' AND created_at < ?1 "
                             "UNION SELECT report_id FROM events INDEXED BY events_decisions_by_time "
                             "WHERE at >= ?1 AND type = 'status' AND actor <> 'reporter' AND from_value = 'new') "
                             "AND created_at < ?1 AND " RK_STATUS_AT_END " = 'new' ORDER BY created_at, id LIMIT ?2")
                 : c.prepare("SELECT " RK_REPORT_COLUMNS
                             " FROM reports WHERE status = 'new' AND created_at < ?1 ORDER BY created_at, id LIMIT ?2");
  q.bind(1, seconds(week.end));
  q.bind(2, lim);
  v.queue = read_reports(q, limit, v.queue_truncated);
  if (!v.queue.empty()) {
    // Which of them came back from needs_info through the reporter's answer: the latest return
    // from needs_info (through the events_by_report index, one lookup per queue report) was the
    // reporter's, not the team's own step back.
    auto& a = c.prepare(
        "SELECT report_id, at, actor = 'reporter' FROM events WHERE report_id IN (SELECT value FROM json_each(?1)) "
        "AND type = 'status' AND from_value = 'needs_info' AND to_value = 'new' AND at < ?2 ORDER BY report_id, id");
    std::string ids = "[";
    for (const auto& r : v.queue) ids += (ids.size() > 1 ? "," : "") + std::to_string(r.id);
    ids += "]";
    a.bind(1, ids);
    a.bind(2, seconds(week.end));
    std::unordered_map<std::int64_t, std::pair<sys_seconds, bool>> latest;
    while (a.executeStep())
      latest.insert_or_assign(a.getColumn(0).getInt64(),
                              std::pair{from_seconds(a.getColumn(1).getInt64()), a.getColumn(2).getInt() != 0});
    a.reset();
    for (const auto& [id, step] : latest)
      if (step.second) v.queue_answered.emplace(id, step.first);
  }

  auto& d = c.prepare(decisions_sql);
  d.bind(1, seconds(week.begin));
  d.bind(2, seconds(week.end));
  d.bind(3, lim);
  while (d.executeStep()) {
    if (v.decisions.size() == limit) {
      v.decisions_truncated = true;
      break;
    }
    v.decisions.push_back(read_decision(d));
  }
  d.reset();

  // Stale in a past week: accepted or in progress at its end, with the last event before its end
  // four weeks earlier. Such a report either kept that status since (it is accepted or in
  // progress now) or left it since (its first status event since comes from it). Its
  // last_event_at is the last one before the week's end.
#define RK_STALE_THEN_FROM                                                                                  \
  "SELECT " RK_REPORT_COLUMNS " FROM (SELECT " RK_REPORT_COLUMNS_BUT_LAST_EVENT ", (SELECT max(e.at) FROM events e " \
  "INDEXED BY events_by_report WHERE e.report_id = reports.id AND e.at < ?1) AS last_event_at, " RK_STATUS_AT_END  \
  " AS status_then FROM reports "
#define RK_STALE_THEN_WHERE \
  ") AS reports WHERE status_then IN ('accepted', 'in_progress') AND last_event_at < ?3 ORDER BY last_event_at, id LIMIT ?2"
  auto& s = from_reports ? c.prepare(RK_STALE_THEN_FROM "INDEXED BY reports_by_created WHERE created_at < ?1" RK_STALE_THEN_WHERE)
          : past ? c.prepare("SELECT " RK_REPORT_COLUMNS
                             " FROM (SELECT " RK_REPORT_COLUMNS_BUT_LAST_EVENT ", (SELECT max(e.at) FROM events e "
                             "INDEXED BY events_by_report WHERE e.report_id = reports.id AND e.at < ?1) AS last_event_at, "
                             RK_STATUS_AT_END " AS status_then FROM reports WHERE id IN ("
                             "SELECT id FROM reports INDEXED BY reports_open_by_last_event "
                             "WHERE status IN ('accepted', 'in_progress') "
                             "UNION SELECT report_id FROM events INDEXED BY events_decisions_by_time "
                             "WHERE at >= ?1 AND type = 'status' AND actor <> 'reporter' "
                             "AND from_value IN ('accepted', 'in_progress'))) AS reports "
                             "WHERE status_then IN ('accepted', 'in_progress') AND last_event_at < ?3 "
                             "ORDER BY last_event_at, id LIMIT ?2")
                 : c.prepare("SELECT " RK_REPORT_COLUMNS
                             " FROM reports INDEXED BY reports_open_by_last_event "
                             "WHERE status IN ('accepted', 'in_progress') AND last_event_at < ?3 "
                             "ORDER BY last_event_at, id LIMIT ?2");
  if (past) s.bind(1, seconds(week.end));
  s.bind(2, lim);
  s.bind(3, seconds(v.as_of) - stale_after_days * 86400);
  v.stale = read_reports(s, limit, v.stale_truncated);

  // Replies during the week to reports that were not in its queue at its end.
#define RK_REPLIED_IN_WEEK                                                                                \
  "SELECT " RK_REPORT_COLUMNS                                                                             \
  " FROM reports JOIN (SELECT report_id, max(at) AS replied_at FROM events "                              \
  "INDEXED BY events_replies_by_time WHERE type = 'reply' AND at >= ?2 AND at < ?1 "                      \
  "GROUP BY report_id) AS replied ON replied.report_id = reports.id WHERE "
#define RK_NEWEST_REPLY_FIRST " <> 'new' ORDER BY replied.replied_at DESC, id DESC LIMIT ?3"
  auto& r = c.prepare(past ? RK_REPLIED_IN_WEEK RK_STATUS_AT_END RK_NEWEST_REPLY_FIRST
                           : RK_REPLIED_IN_WEEK "status" RK_NEWEST_REPLY_FIRST);
#undef RK_NEWEST_REPLY_FIRST
#undef RK_REPLIED_IN_WEEK
#undef RK_STATUS_AT_END
#undef RK_STALE_THEN_FROM
#undef RK_STALE_THEN_WHERE
  r.bind(1, seconds(week.end));
  r.bind(2, seconds(week.begin));
  r.bind(3, lim);
  v.replies = read_reports(r, limit, v.replies_truncated);
  return v;
}

std::vector<decision_record> week_decisions(connection& c, domain::time_range week) {
  auto& d = c.prepare(decisions_sql);
  d.bind(1, seconds(week.begin));
  d.bind(2, seconds(week.end));
  d.bind(3, std::int64_t{-1});
  std::vector<decision_record> out;
  while (d.executeStep()) out.push_back(read_decision(d));
  d.reset();
  return out;
}

}  // namespace rodeknop::store
