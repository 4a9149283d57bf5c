#include "rodeknop/store/reports.hpp"

#include <charconv>
#include <cstdio>

namespace rodeknop::store {

namespace {

std::int64_t seconds(domain::sys_seconds t) { return t.time_since_epoch().count(); }
domain::sys_seconds from_seconds(std::int64_t s) { return domain::sys_seconds{std::chrono::seconds{s}}; }

void bind_text_or_null(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty())
    st.bind(index);
  else
    st.bind(index, value);
}

void bind_blob(SQLite::Statement& st, int index, std::string_view bytes) {
  st.bind(index, static_cast<const void*>(bytes.data()), static_cast<int>(bytes.size()));
}

}  // namespace

std::string format_reference(int year, std::int64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "RK-%04d-%05lld", year, static_cast<long long>(number));
  return buf;
}

std::optional<std::string> parse_reference(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  const auto digits = [](std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; };
  if (text.size() < 9 || text.size() > 18 || (text[0] != 'R' && text[0] != 'r') || (text[1] != 'K' && text[1] != 'k') ||
      text[2] != '-' || text[7] != '-' || !digits(text.substr(3, 4)) || !digits(text.substr(8)))
    return std::nullopt;
  int year = 0;
  std::int64_t number = 0;
  std::from_chars(text.data() + 3, text.data() + 7, year);
  std::from_chars(text.data() + 8, text.data() + text.size(), number);
  if (number <= 0) return std::nullopt;
  return format_reference(year, number);
}

created_report insert_report(connection& c, const domain::report_submission& s, std::string_view tracking_key,
                             domain::sys_seconds now) {
  const int year = domain::amsterdam_year(now);
  // Two statements rather than one with RETURNING: SQLite buffers RETURNING rows in a temporary
  // b-tree that it opens and closes on every call, which cost about a tenth of the writer's time
  // per create (measured).
  auto& bump = c.prepare(
      "INSERT INTO reference_counters (year, last_number) VALUES (?1, 1) "
      "ON CONFLICT (year) DO UPDATE SET last_number = last_number + 1");
  bump.bind(1, year);
  bump.exec();
  auto& counter = c.prepare("SELECT last_number FROM reference_counters WHERE year = ?1");
  counter.bind(1, year);
  counter.executeStep();
  const std::int64_t number = counter.getColumn(0).getInt64();
  counter.reset();

  created_report out{0, format_reference(year, number), "new", now};

  auto& insert = c.prepare(
      "INSERT INTO reports (reference, tracking_hash, title, procedure, description, impact, suggestion, "
      "department, category, reporter_name, reporter_email, created_at, updated_at, reporter_identity, last_event_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?12)");
  insert.bind(1, out.reference);
  bind_blob(insert, 2, tracking_key);
  insert.bind(3, s.title);
  insert.bind(4, s.procedure);
  insert.bind(5, s.description);
  insert.bind(6, s.impact);
  insert.bind(7, s.suggestion);
  insert.bind(8, s.department);
  insert.bind(9, s.category);
  bind_text_or_null(insert, 10, s.reporter_name);
  bind_text_or_null(insert, 11, s.reporter_email);
  insert.bind(12, seconds(now));
  bind_text_or_null(insert, 13, s.reporter_identity);
  insert.exec();
  out.id = c.db().getLastInsertRowid();

  auto& event = c.prepare(
      "INSERT INTO events (report_id, at, actor, type, to_value) VALUES (?1, ?2, 'reporter', 'created', 'new')");
  event.bind(1, out.id);
  event.bind(2, seconds(now));
  event.exec();
  return out;
}

std::optional<form_submission> find_form_submission(connection& c, std::string_view key_hash) {
  auto& st = c.prepare(
      "SELECT r.id, r.reference, r.status, r.created_at, f.content_hash, f.sealed_token "
      "FROM form_submissions f JOIN reports r ON r.id = f.report_id WHERE f.key_hash = ?1");
  bind_blob(st, 1, key_hash);
  std::optional<form_submission> out;
  if (st.executeStep()) {
    const auto blob = [&](int i) {
      const auto col = st.getColumn(i);
      return std::string(static_cast<const char*>(col.getBlob()), static_cast<std::size_t>(col.getBytes()));
    };
    out = form_submission{{st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                           from_seconds(st.getColumn(3).getInt64())},
                          blob(4),
                          blob(5)};
  }
  st.reset();
  return out;
}

void insert_form_submission(connection& c, std::string_view key_hash, std::string_view content_hash,
                            std::int64_t report_id, std::string_view sealed_token, domain::sys_seconds now) {
  auto& forget = c.prepare("DELETE FROM form_submissions WHERE created_at < ?1");
  forget.bind(1, seconds(now) - 86400);
  forget.exec();
  auto& insert = c.prepare(
      "INSERT OR IGNORE INTO form_submissions (key_hash, content_hash, report_id, sealed_token, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  bind_blob(insert, 1, key_hash);
  bind_blob(insert, 2, content_hash);
  insert.bind(3, report_id);
  bind_blob(insert, 4, sealed_token);
  insert.bind(5, seconds(now));
  insert.exec();
}

std::optional<tracking_view> find_tracking_view(connection& c, std::string_view tracking_key) {
  auto& st = c.prepare(
      // The reporter's "last updated" is the last change they can see: the team's internal
      // notes and assignments would tell them only that someone worked on it, and when.
      "SELECT r.id, r.reference, r.title, r.status, r.created_at, "
      "coalesce((SELECT max(e.at) FROM events e LEFT JOIN comments cm ON cm.id = e.comment_id "
      "WHERE e.report_id = r.id AND (e.type IN ('created', 'status') "
      "OR (e.type IN ('comment', 'reply') AND cm.visibility = 'reporter'))), r.created_at), "
      "CASE WHEN r.status = 'resolved' THEN coalesce(r.outcome, '') ELSE '' END, "
      "CASE WHEN r.status = 'duplicate' THEN coalesce(o.reference, '') ELSE '' END "
      "FROM reports r LEFT JOIN reports o ON o.id = r.duplicate_of WHERE r.tracking_hash = ?1");
  bind_blob(st, 1, tracking_key);
  if (!st.executeStep()) return std::nullopt;
  tracking_view v;
  v.id = st.getColumn(0).getInt64();
  v.reference = st.getColumn(1).getString();
  v.title = st.getColumn(2).getString();
  v.status = st.getColumn(3).getString();
  v.created_at = from_seconds(st.getColumn(4).getInt64());
  v.updated_at = from_seconds(st.getColumn(5).getInt64());
  v.outcome = st.getColumn(6).getString();
  v.duplicate_reference = st.getColumn(7).getString();
  st.reset();

  // Comments meant for the reporter, the reporter's own replies, and the notes of the team's
  // status decisions (the answer to the report), in the order of the history (every comment
  // and reply has its event), so a question always comes before its answer.
  auto& msgs = c.prepare(
      "SELECT e.at, coalesce(cm.author, e.actor) <> 'reporter', coalesce(cm.body, e.note), "
      "CASE WHEN e.type = 'status' THEN e.to_value ELSE '' END "
      "FROM events e LEFT JOIN comments cm ON cm.id = e.comment_id AND e.type IN ('comment', 'reply') "
      "WHERE e.report_id = ?1 AND ((e.type IN ('comment', 'reply') AND cm.visibility = 'reporter') "
      "OR (e.type = 'status' AND e.actor <> 'reporter' AND e.note IS NOT NULL AND e.note <> '')) "
      "ORDER BY e.id");
  msgs.bind(1, v.id);
  while (msgs.executeStep())
    v.messages.push_back(
        {msgs.getColumn(1).getInt() != 0, from_seconds(msgs.getColumn(0).getInt64()), msgs.getColumn(2).getString(),
         msgs.getColumn(3).getString()});
  return v;
}

std::optional<reply_result> insert_reply(connection& c, std::string_view tracking_key, std::string_view body,
                                         domain::sys_seconds now) {
  auto& find = c.prepare("SELECT id, reference, status FROM reports WHERE tracking_hash = ?1");
  bind_blob(find, 1, tracking_key);
  if (!find.executeStep()) return std::nullopt;
  reply_result r{find.getColumn(0).getInt64(), find.getColumn(1).getString(), find.getColumn(2).getString()};
  find.reset();

  auto& comment = c.prepare(
      "INSERT INTO comments (report_id, at, author, visibility, body) VALUES (?1, ?2, 'reporter', 'reporter', ?3)");
  comment.bind(1, r.id);
  comment.bind(2, seconds(now));
  comment.bind(3, std::string(body));
  comment.exec();
  const auto comment_id = c.db().getLastInsertRowid();

  auto& event = c.prepare(
      "INSERT INTO events (report_id, at, actor, type, comment_id) VALUES (?1, ?2, 'reporter', 'reply', ?3)");
  event.bind(1, r.id);
  event.bind(2, seconds(now));
  event.bind(3, comment_id);
  event.exec();

  if (r.status == "needs_info") {
    auto& status = c.prepare(
        "INSERT INTO events (report_id, at, actor, type, from_value, to_value) "
        "VALUES (?1, ?2, 'reporter', 'status', 'needs_info', 'new')");
    status.bind(1, r.id);
    status.bind(2, seconds(now));
    status.exec();
    r.status = "new";
  }
  auto& update = c.prepare(
      "UPDATE reports SET status = ?2, updated_at = ?3, last_event_at = ?3, version = version + 1 WHERE id = ?1 "
      "RETURNING version");
  update.bind(1, r.id);
  update.bind(2, r.status);
  update.bind(3, seconds(now));
  if (update.executeStep()) r.version = update.getColumn(0).getInt64();
  while (update.executeStep()) {
  }
  update.reset();
  return r;
}

std::vector<std::pair<std::string, std::int64_t>> count_by_status(connection& c) {
  auto& st = c.prepare("SELECT status, count(*) FROM reports GROUP BY status ORDER BY status");
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (st.executeStep()) out.emplace_back(st.getColumn(0).getString(), st.getColumn(1).getInt64());
  return out;
}

bool ping(connection& c) {
  auto& st = c.prepare("SELECT 1 FROM departments LIMIT 1");
  const bool answered = st.executeStep();
  st.reset();
  return answered;
}

}  // namespace rodeknop::store
