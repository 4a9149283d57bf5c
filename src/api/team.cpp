#include "rodeknop/api/team.hpp"

#include <SQLiteCpp/Exception.h>

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "rodeknop/api/input.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/report.hpp"
#include "rodeknop/domain/stats.hpp"
#include "rodeknop/domain/workflow.hpp"
#include "rodeknop/http/compression.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/reports.hpp"
#include "rodeknop/store/triage.hpp"
#include "rodeknop/util/csv.hpp"

namespace rodeknop::api {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::int64_t max_list_limit = 200;
constexpr std::int64_t default_list_limit = 50;
constexpr std::int64_t max_week_limit = 1000;
// The week's lists are whole for any real week unless asked for fewer (the dashboard asks for 500).
constexpr std::int64_t default_week_limit = 500;

// --- input ---------------------------------------------------------------------------------------

http::api_error validation_error(const domain::field_errors& errors) {
  std::map<std::string, std::string> fields;
  for (const auto& e : errors) fields.emplace(e.field, domain::message_en(e));
  return {http::status::unprocessable_entity, "validation_failed", "one or more fields are not acceptable",
          std::move(fields)};
}

http::api_error not_found() { return {http::status::not_found, "not_found", "no report has this id"}; }

std::optional<std::int64_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v <= 0) return std::nullopt;
  return v;
}

/// A report id in a path: its canonical digits only (`/api/v1/reports/0201` names no report, as
/// `/team/reports/0201` does not).
std::optional<std::int64_t> parse_path_id(std::string_view s) {
  if (!s.empty() && s.front() == '0') return std::nullopt;
  return parse_id(s);
}

/// Before a search: adds the reports the full-text index does not hold yet (new ones are
/// indexed in batches, see store::search_indexer), so that a search never misses one. In jobs
/// of a few thousand, so that reports sent meanwhile are not held up behind one long job.
/// When the database takes no writes (a full disk), the index cannot be added to: the search and
/// the report view go on with the index as it is (reads must keep working), and the newest
/// reports may be missing from a search until the writes work again.
log::repeating index_behind_log;

net::awaitable<void> catch_up_search(services& s) {
  if (!s.search.behind()) co_return;
  const auto g = s.search.generation();
  constexpr std::int64_t chunk = 2000;
  try {
    for (;;) {
      auto job = [](store::connection& c) { return store::index_pending_reports(c, chunk); };
      const auto added = co_await s.writer.async_run<std::int64_t>(std::move(job));
      if (added < chunk) break;
    }
  } catch (const store::storage_unavailable& e) {
    index_behind_log.event(log::level::warn, "search_index_behind",
                           {{"error", e.what()}, {"effect", "searches may miss the newest reports until writes work"}});
    co_return;
  }
  s.search.caught_up(g);
}


// --- a short-lived cache for the dashboards' read paths ----------------------------------------

/// Answers to the list and the week view, kept until the writer next commits a change (any change
/// to the database) and at most one second (ages count in days; other processes may write).
/// When a change goes out on the event stream, every dashboard reloads the same views at once:
/// the first computes, the others get the copy.
/// The body is shared with the requests that are answered from it, plain or gzipped
/// (http::encoded_body): a hit copies the status and headers, never the body.
class response_cache {
 public:
  /// The cached answer for `key`, its body handed to the server through `ctx`.
  std::optional<http::response> find(const std::string& key, std::uint64_t generation, http::request_context& ctx) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.generation != generation) return std::nullopt;
    const auto age = std::chrono::steady_clock::now() - it->second.at;
    if (age > std::chrono::seconds(1)) {
      // Only the clock moved on: one request computes afresh, the others keep getting the copy
      // meanwhile (no stampede of identical queries), for a few seconds at most.
      if (!it->second.refreshing || age >= std::chrono::seconds(5)) {
        it->second.refreshing = true;
        return std::nullopt;
      }
    }
    return it->second.answer(ctx);
  }
  /// Keeps `res` and answers with it: its body moves into the cache and goes out through `ctx`.
  http::response store(std::string key, std::uint64_t generation, http::response res, http::request_context& ctx) {
    http::encoded_body body(std::move(res.body()));
    res.body().clear();
    entry e{generation, std::chrono::steady_clock::now(), std::move(res), std::move(body), false};
    auto answer = e.answer(ctx);
    const auto size = e.body.size();
    std::lock_guard lock(mutex_);
    if (bytes_ + size > max_bytes) {
      entries_.clear();
      bytes_ = 0;
    }
    if (size > max_bytes / 4) return answer;
    bytes_ += size;
    entries_.insert_or_assign(std::move(key), std::move(e));
    return answer;
  }

 private:
  static constexpr std::size_t max_bytes = 8 * 1024 * 1024;
  struct entry {
    std::uint64_t generation;
    std::chrono::steady_clock::time_point at;
    http::response head;  // status and headers; the body is apart
    http::encoded_body body;
    bool refreshing;

    http::response answer(http::request_context& ctx) const {
      auto res = head;
      body.answer(ctx, res);
      return res;
    }
  };
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  std::size_t bytes_ = 0;
};

response_cache& cache() {
  static response_cache c;
  return c;
}

/// Every commit of the writer that changed something changes this.
std::uint64_t data_generation(services& s) { return s.writer.stats().changing_commits.load(std::memory_order_acquire); }

// --- output --------------------------------------------------------------------------------------

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

json report_json(const store::report_record& r, bool identity) {
  json j = {{"id", r.id},
            {"reference", r.reference},
            {"title", r.title},
            {"procedure", r.procedure},
            {"description", r.description},
            {"impact", r.impact},
            {"suggestion", r.suggestion},
            {"department", r.department},
            {"category", r.category}};
  if (identity) {
    j["reporter_name"] = opt(r.reporter_name);
    j["reporter_email"] = opt(r.reporter_email);
    j["reporter_identity"] = opt(r.reporter_identity);
  }
  j["status"] = r.status;
  j["priority"] = r.priority;
  j["assignee"] = opt(r.assignee);
  j["owner_department"] = opt(r.owner_department);
  j["duplicate_of"] = opt(r.duplicate_of);
  j["outcome"] = opt(r.outcome);
  j["created_at"] = domain::format_rfc3339(r.created_at);
  j["updated_at"] = domain::format_rfc3339(r.updated_at);
  j["version"] = r.version;
  return j;
}

json history_json(const store::history_event& e) {
  json j = {{"id", e.id}, {"at", domain::format_rfc3339(e.at)}, {"actor", e.actor}, {"type", e.type}};
  if (e.type == "status") {
    j["from"] = opt(e.from);
    j["to"] = opt(e.to);
    j["note"] = opt(e.note);
    if (e.to && *e.to == "resolved") j["outcome"] = opt(e.outcome);
  } else if (e.type == "duplicate_of") {
    const auto as_id = [](const std::optional<std::string>& v) -> json {
      if (!v) return nullptr;
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
      return ec == std::errc{} && p == v->data() + v->size() ? json(n) : json(*v);
    };
    j["from"] = as_id(e.from);
    j["to"] = as_id(e.to);
  } else if (e.type == "priority" || e.type == "assignee" || e.type == "owner_department") {
    j["from"] = opt(e.from);
    j["to"] = opt(e.to);
  } else if (e.type == "comment" || e.type == "reply") {
    j["comment_id"] = opt(e.comment_id);
    j["visibility"] = opt(e.visibility);
    j["body"] = opt(e.body);
  } else if (e.type == "created") {
    j["status"] = opt(e.to);
  }
  return j;
}

json comment_json(const store::comment_record& c) {
  return {{"id", c.id},
          {"at", domain::format_rfc3339(c.at)},
          {"author", c.author},
          {"visibility", c.visibility},
          {"body", c.body}};
}

json summary_json(const store::report_summary& s) {
  return {{"id", s.id},
          {"reference", s.reference},
          {"title", s.title},
          {"status", s.status},
          {"created_at", domain::format_rfc3339(s.created_at)}};
}

json detail_json(const store::report_detail& d, bool identity) {
  json j = report_json(d.report, identity);
  json history = json::array();
  for (const auto& e : d.history) history.push_back(history_json(e));
  json comments = json::array();
  for (const auto& c : d.comments) comments.push_back(comment_json(c));
  json similar = json::array();
  for (const auto& s : d.similar) similar.push_back(summary_json(s));
  j["history"] = std::move(history);
  j["comments"] = std::move(comments);
  j["similar"] = std::move(similar);
  return j;
}

// Appended, not `"\"" + …`: GCC 12 at -O2 warns falsely (-Wrestrict) on the inlined insert.
std::string etag(std::int64_t version) {
  std::string tag(1, '"');
  tag.append(std::to_string(version)).push_back('"');
  return tag;
}

bool sees_identity(const http::request_context& ctx) { return ctx.who && ctx.who->sees_reporter_identity(); }

std::string actor_of(const http::request_context& ctx) { return ctx.who ? ctx.who->username : "unknown"; }

/// The storage errors of a query become 503 at the request boundary (app.cpp).
net::awaitable<http::response> detail_response(services& s, const http::request_context& ctx, std::int64_t id,
                                               http::status code) {
  auto job = [id](store::connection& c) { return store::find_report_detail(c, id); };
  auto detail = co_await s.query(std::move(job));
  if (!detail) throw not_found();
  auto res = http::json_response(code, detail_json(*detail, sees_identity(ctx)));
  res.set(http::field::etag, etag(detail->report.version));
  co_return res;
}

// --- GET /api/v1/reports ---------------------------------------------------------------------

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = s.find(',');
    auto part = s.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

net::awaitable<http::response> list_reports(services& s, http::request_context& ctx) {
  require_known_params(ctx.target.query, {"status", "department", "category", "q", "week", "sort", "limit", "cursor"});
  const auto generation = data_generation(s);
  std::string key = std::string(sees_identity(ctx) ? "L1" : "L0") + std::string(ctx.req.target());
  if (auto hit = cache().find(key, generation, ctx)) co_return std::move(*hit);
  store::list_query q;
  std::map<std::string, std::string> problems;
  const auto catalog = s.catalog();

  if (const auto* v = ctx.query("status")) {
    for (auto& st : split_commas(*v)) {
      if (!domain::is_status(st)) {
        problems["status"] = "must be statuses from /api/v1/meta, separated by commas";
        break;
      }
      if (std::find(q.statuses.begin(), q.statuses.end(), st) == q.statuses.end()) q.statuses.push_back(st);
    }
  }
  if (const auto* v = ctx.query("department"); v && !v->empty()) {
    if (!catalog->known.departments.contains(*v))
      problems["department"] = "is not a known key (see /api/v1/meta)";
    else
      q.department = *v;
  }
  if (const auto* v = ctx.query("category"); v && !v->empty()) {
    if (!catalog->known.categories.contains(*v))
      problems["category"] = "is not a known key (see /api/v1/meta)";
    else
      q.category = *v;
  }
  bool nothing_to_find = false;
  // A search of only spaces is no search (as an empty q), not a search that finds nothing.
  if (const auto* v = ctx.query("q"); v && v->find_first_not_of(" \t\r\n") != std::string::npos) {
    if (!domain::valid_utf8(*v) || domain::utf8_length(*v) > 200)
      problems["q"] = "must be valid text of at most 200 characters";
    else if (auto r = store::parse_reference(*v))
      q.reference = std::move(*r);  // a reference finds its report (references are not in the text index)
    else if (store::has_search_words(*v))
      q.search = *v;
    else
      nothing_to_find = true;  // only punctuation: no report can match
  }
  if (const auto* v = ctx.query("week"); v && !v->empty()) {
    if (const auto w = domain::parse_iso_week(*v))
      q.created = domain::week_range(*w);
    else
      problems["week"] = "must be an ISO week YYYY-Www that exists, from 1970-W01 to 9998-W53 (e.g. 2026-W05)";
  }
  if (const auto* v = ctx.query("sort"); v && !v->empty()) {
    if (*v == "oldest")
      q.oldest_first = true;
    else if (*v != "newest")
      problems["sort"] = "must be newest or oldest";
  }
  try {
    q.limit = static_cast<std::size_t>(query_number(ctx.target.query, "limit", max_list_limit).value_or(default_list_limit));
  } catch (const http::api_error& e) {
    problems.insert(e.fields.begin(), e.fields.end());
  }
  if (const auto* v = ctx.query("cursor"); v && !v->empty()) {
    const auto c = store::decode_cursor(*v);
    if (!c || c->oldest_first != q.oldest_first)
      problems["cursor"] = "is not a cursor of this list (use next_cursor as given, with the same sort)";
    else
      q.after = c;
  }
  if (!problems.empty())
    throw http::api_error(http::status::unprocessable_entity, "validation_failed", "one or more parameters are not acceptable",
                          std::move(problems));

  if (q.search) co_await catch_up_search(s);
  store::list_page page;
  if (!nothing_to_find) {
    auto job = [&q](store::connection& c) { return store::list_reports(c, q); };
    page = co_await s.query(std::move(job));
  }
  const bool identity = sees_identity(ctx);
  json items = json::array();
  for (const auto& r : page.items) items.push_back(report_json(r, identity));
  auto res = http::json_response(http::status::ok,
                                 {{"items", std::move(items)},
                                  {"next_cursor", page.next ? json(store::encode_cursor(*page.next)) : json(nullptr)}});
  co_return cache().store(std::move(key), generation, std::move(res), ctx);
}

// --- GET /api/v1/reports/{id} ----------------------------------------------------------------

net::awaitable<http::response> get_report(services& s, http::request_context& ctx) {
  require_known_params(ctx.target.query, {});
  const auto id = parse_path_id(ctx.param("id"));
  if (!id) throw not_found();
  co_await catch_up_search(s);  // for the similar reports
  co_return co_await detail_response(s, ctx, *id, http::status::ok);
}

// --- PATCH /api/v1/reports/{id} --------------------------------------------------------------

/// The versions an If-Match header names; nullopt when there is none (or only "*").
std::optional<std::vector<std::int64_t>> if_match_versions(const http::request& req) {
  const auto it = req.find(http::field::if_match);
  if (it == req.end()) return std::nullopt;
  std::string_view v = it->value();
  std::vector<std::int64_t> out;
  bool any = false;
  for (const auto& tag : split_commas(v)) {
    if (tag == "*") return std::nullopt;  // "any version" would defeat the check
    std::string_view t = tag;
    const bool weak = t.starts_with("W/");
    if (weak) t.remove_prefix(2);
    // Only entity-tags count ("3", W/"3"); a bare 3 is no precondition (428 says how to send one).
    if (t.size() < 2 || t.front() != '"' || t.back() != '"') continue;
    any = true;
    t = t.substr(1, t.size() - 2);
    // Strong comparison, character by character: W/"…" and "01" never match version 1.
    if (const auto n = parse_id(t); !weak && n && std::to_string(*n) == t) out.push_back(*n);
  }
  if (!any) return std::nullopt;
  return out;
}

/// A text field of a change. `null` is a wrong type for a field that cannot be cleared (status,
/// priority, outcome); for the note it is the same as no note.
std::optional<std::string> text_field(const json& body, const char* name, bool null_is_absent = false) {
  const auto it = body.find(name);
  if (it == body.end() || (null_is_absent && it->is_null())) return std::nullopt;
  if (!it->is_string())
    throw http::api_error(http::status::bad_request, "wrong_type", "a field has the wrong JSON type",
                          {{name, it->is_null() ? "must be a string (it cannot be cleared)" : "must be a string"}});
  return it->get<std::string>();
}

std::optional<std::optional<std::string>> nullable_text_field(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (it->is_null()) return std::optional<std::string>{};
  if (!it->is_string())
    throw http::api_error(http::status::bad_request, "wrong_type", "a field has the wrong JSON type",
                          {{name, "must be a string or null"}});
  return std::optional<std::string>{it->get<std::string>()};
}

domain::report_change change_from_json(const json& body) {
  const json_fields check(body, {"status", "priority", "assignee", "owner_department", "duplicate_of", "outcome", "note"});
  domain::report_change c;
  c.status = text_field(body, "status");
  c.priority = text_field(body, "priority");
  c.assignee = nullable_text_field(body, "assignee");
  c.owner_department = nullable_text_field(body, "owner_department");
  c.outcome = text_field(body, "outcome");
  c.note = text_field(body, "note", true);
  if (const auto it = body.find("duplicate_of"); it != body.end()) {
    if (it->is_null()) {
      c.duplicate_of = std::optional<std::int64_t>{};
    } else if (it->is_number_integer()) {
      // is_number_integer covers unsigned too; anything out of range names no report.
      const auto n = it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)
                         ? std::int64_t{-1}
                         : it->get<std::int64_t>();
      c.duplicate_of = std::optional<std::int64_t>{n};
    } else {
      throw http::api_error(http::status::bad_request, "wrong_type", "a field has the wrong JSON type",
                            {{"duplicate_of", "must be an integer report id or null"}});
    }
  }
  return c;
}

net::awaitable<http::response> patch_report(services& s, http::request_context& ctx) {
  const auto id = parse_path_id(ctx.param("id"));
  if (!id) throw not_found();
  auto versions = if_match_versions(ctx.req);
  if (!versions) {
    // An unknown report is 404 whatever the request's preconditions (RFC 9110, 13.2.1).
    auto job = [&](store::connection& c) { return store::find_report(c, *id).has_value(); };
    if (!co_await s.query(std::move(job))) throw not_found();
    throw http::api_error(http::status::precondition_required, "precondition_required",
                          "send If-Match with the ETag of the report you changed (e.g. If-Match: \"3\")");
  }
  require_body_kind(ctx.req, false);
  auto change = change_from_json(parse_json_object(ctx.req));
  if (change.empty())
    throw http::api_error(http::status::unprocessable_entity, "nothing_to_change",
                          "send at least one of status, priority, assignee, owner_department, duplicate_of, outcome, note");
  const auto catalog = s.catalog();
  auto errors = domain::check_change(change, catalog->keys);
  // A department no longer in use stays on the reports it owns: sending it back unchanged (a tool
  // that PATCHes the whole report) changes nothing, as for any other field.
  if (const auto retired = std::find_if(errors.begin(), errors.end(),
                                        [](const auto& e) { return e.field == "owner_department"; });
      retired != errors.end() && change.owner_department && *change.owner_department &&
      catalog->known.departments.contains(**change.owner_department)) {
    auto job = [&](store::connection& c) { return store::find_report(c, *id); };
    const auto current = co_await s.query(std::move(job));
    if (!current) throw not_found();
    if (current->owner_department == **change.owner_department &&
        std::find(versions->begin(), versions->end(), current->version) != versions->end())
      errors.erase(retired);
  }
  if (!errors.empty()) {
    // Name every offending field at once: also what the workflow refuses (the report as it is now).
    auto job = [&](store::connection& c) { return store::workflow_errors(c, *id, change); };
    const auto workflow = co_await s.query(std::move(job));
    if (!workflow) throw not_found();
    for (const auto& e : *workflow)
      if (std::none_of(errors.begin(), errors.end(), [&](const auto& known) { return known.field == e.field; }))
        errors.push_back(e);
    throw validation_error(errors);
  }

  const auto now = domain::now();
  auto job = [id = *id, versions = std::move(*versions), change = std::move(change), actor = actor_of(ctx),
              now](store::connection& c) { return store::apply_change(c, id, versions, change, actor, now); };
  auto result = co_await s.writer.async_run<store::change_result>(std::move(job));

  using o = store::change_result::outcome;
  switch (result.result) {
    case o::not_found: throw not_found();
    case o::stale:
      throw http::api_error(http::status::precondition_failed, "version_conflict",
                            "someone else changed this report first (now version " +
                                std::to_string(result.report->version) + "); reload it and apply your change again")
          .with_header(http::field::etag, etag(result.report->version));
    case o::invalid: throw validation_error(result.errors);
    case o::changed:
      log::event(log::level::info, "report_changed", {{"id", *id}, {"actor", actor_of(ctx)}, {"version", result.report->version}});
      publish_report_event(s, "report.updated", result.report->id, result.report->reference, result.report->status,
                           result.report->version, actor_of(ctx));
      for (const auto& r : result.repointed)
        publish_report_event(s, "report.updated", r.id, r.reference, r.status, r.version, actor_of(ctx));
      break;
    case o::unchanged: break;
  }
  co_return co_await detail_response(s, ctx, *id, http::status::ok);
}

// --- POST /api/v1/reports/{id}/comments -------------------------------------------------------

net::awaitable<http::response> add_comment(services& s, http::request_context& ctx) {
  const auto id = parse_path_id(ctx.param("id"));
  if (!id) throw not_found();
  require_body_kind(ctx.req, false);
  const auto body_json = parse_json_object(ctx.req);
  const json_fields f(body_json, {"body", "visibility"});
  auto body = f.text("body");
  auto visibility = f.has("visibility") ? f.text("visibility") : std::string("internal");
  domain::field_errors errors = domain::validate_reply(body);  // required, ≤ 5000, no control characters
  if (visibility != "internal" && visibility != "reporter")
    errors.push_back({"visibility", domain::field_problem::invalid_value, 0, "internal, reporter"});
  if (!errors.empty()) throw validation_error(errors);

  const auto now = domain::now();
  auto job = [id = *id, actor = actor_of(ctx), visibility, body, now](store::connection& c) {
    return store::insert_comment(c, id, actor, visibility, body, now);
  };
  auto result = co_await s.writer.async_run<std::optional<store::comment_result>>(std::move(job));
  if (!result) throw not_found();
  log::event(log::level::info, "comment_added", {{"id", *id}, {"actor", actor_of(ctx)}, {"visibility", visibility}});
  publish_report_event(s, "report.updated", result->report.id, result->report.reference, result->report.status,
                       result->version, actor_of(ctx));
  json out = comment_json(result->comment);
  out["report"] = {{"id", result->report.id}, {"reference", result->report.reference}, {"version", result->version}};
  auto res = http::json_response(http::status::created, out);
  res.set(http::field::location, "/api/v1/reports/" + std::to_string(*id));
  res.set(http::field::etag, etag(result->version));
  co_return res;
}

// --- GET /api/v1/triage/{week} ------------------------------------------------------------------

json decision_json(const store::decision_record& d) {
  json j = {{"at", domain::format_rfc3339(d.at)},
            {"actor", d.actor},
            {"id", d.report_id},
            {"reference", d.reference},
            {"title", d.title},
            {"from", opt(d.from)},
            {"to", d.to},
            {"note", opt(d.note)}};
  j["outcome"] = d.to == "resolved" ? opt(d.outcome) : json(nullptr);
  j["duplicate_of"] = opt(d.duplicate_of);
  j["duplicate_of_reference"] = opt(d.duplicate_reference);
  return j;
}

std::string local_time_text(domain::sys_seconds t) {
  const auto l = domain::to_amsterdam(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld", static_cast<int>(l.date.year()),
                static_cast<unsigned>(l.date.month()), static_cast<unsigned>(l.date.day()),
                static_cast<long>(l.time_of_day.hours().count()), static_cast<long>(l.time_of_day.minutes().count()));
  return buf;
}

struct week_request {
  domain::iso_week week;
  bool csv = false;
  util::csv_options csv_options;
  bool dutch = false;  // labels=nl: Dutch column names and labels, for people (Excel), not tools
  std::size_t limit = static_cast<std::size_t>(default_week_limit);
};

/// The week and the parameters of GET /api/v1/triage/{week}; a 422 names every one that is not
/// acceptable. The format is `format`, else the Accept header.
week_request read_week_request(const http::request_context& ctx) {
  std::map<std::string, std::string> problems;
  week_request r;
  const auto merge = [&problems](const http::api_error& e) { problems.insert(e.fields.begin(), e.fields.end()); };
  if (const auto w = domain::parse_iso_week(ctx.param("week")))
    r.week = *w;
  else
    problems["week"] = "must be an ISO week YYYY-Www that exists, from 1970-W01 to 9998-W53 (e.g. 2026-W05)";
  try {
    require_known_params(ctx.target.query, {"format", "delimiter", "labels", "limit"});
  } catch (const http::api_error& e) {
    merge(e);
  }
  if (const auto* f = given(ctx.target.query, "format")) {
    if (*f == "csv")
      r.csv = true;
    else if (*f != "json")
      problems.emplace("format", "must be json or csv");
  } else {
    r.csv = http::prefers_csv(ctx.req[http::field::accept]);
  }
  if (const auto* d = given(ctx.target.query, "delimiter")) {
    if (const auto delimiter = util::parse_csv_delimiter(*d))
      r.csv_options.delimiter = *delimiter;
    else
      problems.emplace("delimiter", "must be comma or semicolon");
  }
  if (const auto* l = given(ctx.target.query, "labels")) {
    if (*l == "nl")
      r.dutch = true;
    else if (*l != "keys")
      problems.emplace("labels", "must be keys or nl");
  }
  try {
    r.limit = static_cast<std::size_t>(query_number(ctx.target.query, "limit", max_week_limit).value_or(default_week_limit));
  } catch (const http::api_error& e) {
    merge(e);
  }
  if (!problems.empty())
    throw http::api_error(http::status::unprocessable_entity, "validation_failed",
                          "one or more parameters are not acceptable", std::move(problems));
  return r;
}

/// The week view answers JSON or CSV by the Accept header: caches must keep them apart.
http::response varies_on_accept(http::response res) {
  res.set(http::field::vary, "Accept");
  return res;
}

net::awaitable<http::response> week_view(services& s, http::request_context& ctx) {
  const auto request = read_week_request(ctx);
  const auto week = &request.week;
  const auto range = domain::week_range(*week);
  const auto name = domain::format_iso_week(*week);
  const bool csv = request.csv;
  const auto generation = data_generation(s);
  std::string key = std::string(csv ? "C" : "J") + (sees_identity(ctx) ? "1" : "0") + std::string(ctx.req.target());
  if (auto hit = cache().find(key, generation, ctx)) co_return std::move(*hit);

  if (csv) {
    const auto options = request.csv_options;
    auto job = [range](store::connection& c) { return store::week_decisions(c, range); };
    const auto decisions = co_await s.query(std::move(job));
    util::csv_writer out(options);
    const bool dutch = request.dutch;
    if (dutch)
      out.row({"week", "tijdstip (UTC)", "tijd (Nederland)", "id", "kenmerk", "titel", "van", "naar", "uitkomst",
               "toelichting", "door", "dubbel van"});
    else
      out.row({"week", "at", "local_time", "id", "reference", "title", "from", "to", "outcome", "note", "actor",
               "duplicate_of_reference"});
    const auto status = [dutch](std::string_view value) {
      return std::string(dutch && !value.empty() ? domain::status_label_nl(value) : value);
    };
    for (const auto& d : decisions) {
      const std::string outcome = d.to == "resolved" ? d.outcome.value_or("") : "";
      out.cell(name)
          .cell(domain::format_rfc3339(d.at))
          .cell(local_time_text(d.at))
          .cell(d.report_id)
          .cell(d.reference)
          .cell(d.title)
          .cell(status(d.from.value_or("")))
          .cell(status(d.to))
          .cell(dutch && !outcome.empty() ? std::string(domain::outcome_label_nl(outcome)) : outcome)
          .cell(d.note.value_or(""))
          .cell(d.actor)
          .cell(d.duplicate_reference.value_or(""))
          .end_row();
    }
    http::response res{http::status::ok, 11};
    res.set(http::field::content_type, util::csv_writer::content_type);
    res.set(http::field::cache_control, "no-store");
    res.set(http::field::content_disposition, std::string("attachment; filename=\"rodeknop-") +
                                                  (dutch ? "besluiten-" : "decisions-") + name + ".csv\"");
    res.body() = out.take();
    res.prepare_payload();
    co_return cache().store(std::move(key), generation, varies_on_accept(std::move(res)), ctx);
  }

  const auto limit = request.limit;
  const auto now = domain::now();
  auto job = [range, now, limit](store::connection& c) { return store::load_week(c, range, now, limit); };
  const auto view = co_await s.query(std::move(job));
  const bool identity = sees_identity(ctx);
  json queue = json::array();
  for (const auto& r : view.queue) {
    auto j = report_json(r, identity);
    j["age_days"] = domain::whole_days_between(r.created_at, view.as_of);
    const auto answered = view.queue_answered.find(r.id);
    j["answered_at"] = answered == view.queue_answered.end() ? json(nullptr) : json(domain::format_rfc3339(answered->second));
    queue.push_back(std::move(j));
  }
  json decisions = json::array();
  for (const auto& d : view.decisions) decisions.push_back(decision_json(d));
  json stale = json::array();
  for (const auto& r : view.stale) {
    auto j = report_json(r, identity);
    j["last_event_at"] = domain::format_rfc3339(r.last_event_at);
    j["days_since_event"] = domain::whole_days_between(r.last_event_at, view.as_of);
    stale.push_back(std::move(j));
  }
  json replies = json::array();
  for (const auto& r : view.replies) replies.push_back(report_json(r, identity));
  auto res = http::json_response(
      http::status::ok,
      {{"week", name},
       {"starts_at", domain::format_rfc3339(range.begin)},
       {"ends_at", domain::format_rfc3339(range.end)},
       // null beyond the weeks the program takes (before 1970-W01, after 9998-W53)
       {"previous_week", domain::week_supported(domain::previous_week(*week))
                             ? json(domain::format_iso_week(domain::previous_week(*week)))
                             : json(nullptr)},
       {"next_week", domain::week_supported(domain::next_week(*week)) ? json(domain::format_iso_week(domain::next_week(*week)))
                                                                      : json(nullptr)},
       {"as_of", domain::format_rfc3339(view.as_of)},
       {"queue", std::move(queue)},
       {"decisions", std::move(decisions)},
       {"stale", std::move(stale)},
       {"replies", std::move(replies)},
       {"truncated",
        {{"queue", view.queue_truncated},
         {"decisions", view.decisions_truncated},
         {"stale", view.stale_truncated},
         {"replies", view.replies_truncated}}}});
  co_return cache().store(std::move(key), generation, varies_on_accept(std::move(res)), ctx);
}

// --- GET /api/v1/events -------------------------------------------------------------------------

/// Forwards the hub's wake-ups to the stream once it exists (the subscription comes first, so
/// that nothing published in between is missed).
struct wake_slot {
  std::mutex mutex;
  std::function<void()> wake, close;
  bool overflowed = false;
  void operator()(bool overflow) {
    std::lock_guard lock(mutex);
    overflowed = overflowed || overflow;
    if (overflowed && close)
      close();  // too slow to keep up: end it now, even in the middle of a blocked write
    else if (wake)
      wake();
  }
  void set(std::function<void()> w, std::function<void()> c) {
    std::lock_guard lock(mutex);
    wake = std::move(w);
    close = std::move(c);
    if (overflowed) close();
  }
};

std::string sse_frame(const live::event& e) {
  return "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
}

/// How long an event stream goes on trusting the credential it was opened with before it
/// checks it again: a revoked token, an ended session or a changed role gets no event later.
constexpr auto stream_recheck_interval = std::chrono::seconds(2);

net::awaitable<void> run_stream(http::stream& out, std::shared_ptr<live::hub::subscription> sub,
                                std::shared_ptr<wake_slot> slot, std::vector<live::event> backlog, bool gap,
                                std::chrono::seconds heartbeat, std::function<bool()> still_admitted) {
  slot->set(out.waker(), out.closer());
  auto checked = std::chrono::steady_clock::now();
  const auto admitted = [&] {
    const auto now = std::chrono::steady_clock::now();
    if (now - checked < stream_recheck_interval) return true;
    checked = now;
    if (still_admitted()) return true;
    log::event(log::level::info, "stream_closed", {{"reason", "credential no longer valid"}});
    return false;
  };
  std::string first = "retry: 3000\n\n";
  // Some events after the client's Last-Event-ID are gone: it must reload what it shows.
  if (gap) first += "event: resync\ndata: {}\n\n";
  for (const auto& e : backlog) first += sse_frame(e);
  if (!co_await out.write(first)) co_return;
  auto last_write = std::chrono::steady_clock::now();
  for (;;) {
    bool overflowed = false;
    auto events = sub->take(overflowed);
    if (overflowed) {
      // Too slow to keep up: end the stream; the client reconnects with Last-Event-ID.
      log::event(log::level::warn, "stream_dropped", {{"reason", "reader too slow"}});
      co_return;
    }
    if (!events.empty()) {
      if (!admitted()) co_return;
      std::string frames;
      for (const auto& e : events) frames += sse_frame(e);
      if (!co_await out.write(frames)) co_return;
      last_write = std::chrono::steady_clock::now();
      continue;
    }
    // Also an idle stream ends within the recheck interval once its credential is gone.
    if (!admitted()) co_return;
    const auto idle = std::chrono::steady_clock::now() - last_write;
    if (idle >= heartbeat) {
      if (!co_await out.write(": heartbeat\n\n")) co_return;
      last_write = std::chrono::steady_clock::now();
      continue;
    }
    const auto remaining = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(heartbeat - idle) +
                                        std::chrono::milliseconds(1),
                                    std::chrono::duration_cast<std::chrono::milliseconds>(stream_recheck_interval));
    if (!co_await out.wait(remaining)) co_return;
  }
}

net::awaitable<http::response> events(services& s, http::request_context& ctx) {
  require_known_params(ctx.target.query, {"last_event_id"});
  std::optional<std::uint64_t> last_id;
  std::string_view header = ctx.req["Last-Event-ID"];
  if (header.empty())
    if (const auto* q = ctx.query("last_event_id")) header = *q;
  if (!header.empty()) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), v);
    // An id that is not ours cannot be resumed from: the hub reports a gap.
    last_id = ec == std::errc{} && p == header.data() + header.size() ? v : ~std::uint64_t{0};
  }
  auto slot = std::make_shared<wake_slot>();
  auto opened = s.events.subscribe(last_id, [slot](bool overflowed) { (*slot)(overflowed); });
  if (!opened.sub)
    throw http::api_error(http::status::service_unavailable, "too_many_streams",
                          "too many live-update streams are open; try again shortly")
        .with_header(http::field::retry_after, "10");
  http::response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/event-stream; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.set("X-Accel-Buffering", "no");
  std::shared_ptr<live::hub::subscription> sub = std::move(opened.sub);
  ctx.streamer = [sub, slot, backlog = std::move(opened.backlog), gap = opened.gap, heartbeat = s.cfg.sse_heartbeat,
                  still_admitted = s.gate.recheck(ctx, auth::access::team)](http::stream& out) {
    return run_stream(out, sub, slot, backlog, gap, heartbeat, still_admitted);
  };
  co_return res;
}

}  // namespace

void publish_report_event(services& s, std::string_view type, std::int64_t id, std::string_view reference,
                          std::string_view status, std::int64_t version, std::string_view actor) {
  const json data = {{"id", id},
                     {"reference", reference},
                     {"status", status},
                     {"version", version},
                     {"actor", actor.empty() ? json(nullptr) : json(actor)}};
  s.events.publish(std::string(type), data.dump());
}

void register_team_routes(http::router& r, services& s) {
  using auth::access;
  r.add(http::verb::get, "/api/v1/reports", access::read_reports, [&s](http::request_context& c) { return list_reports(s, c); });
  r.add(http::verb::get, "/api/v1/reports/{id}", access::read_reports, [&s](http::request_context& c) { return get_report(s, c); });
  r.add(http::verb::patch, "/api/v1/reports/{id}", access::change_reports,
        [&s](http::request_context& c) { return patch_report(s, c); });
  r.add(http::verb::post, "/api/v1/reports/{id}/comments", access::change_reports,
        [&s](http::request_context& c) { return add_comment(s, c); });
  r.add(http::verb::get, "/api/v1/triage/{week}", access::read_reports, [&s](http::request_context& c) { return week_view(s, c); });
  r.add(http::verb::get, "/api/v1/events", access::team, [&s](http::request_context& c) { return events(s, c); });
}

}  // namespace rodeknop::api
