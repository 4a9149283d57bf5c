#include "rodeknop/api/reporter.hpp"

#include <SQLiteCpp/Exception.h>

#include "rodeknop/api/input.hpp"
#include "rodeknop/api/submission.hpp"
#include "rodeknop/api/team.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/http/request_check.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/reports.hpp"
#include "rodeknop/util/crypto.hpp"
#include "rodeknop/web/pages.hpp"

namespace rodeknop::api {

namespace net = boost::asio;
using nlohmann::json;

namespace {

http::api_error validation_error(const domain::field_errors& errors) {
  std::map<std::string, std::string> fields;
  for (const auto& e : errors) fields.emplace(e.field, domain::message_en(e));
  return {http::status::unprocessable_entity, "validation_failed", "one or more fields are not acceptable",
          std::move(fields)};
}

// A full disk fails every create: one line a second says so, with how many were left out.
log::repeating unavailable_log;

http::api_error unavailable(const std::exception& e) {
  unavailable_log.event(log::level::err, "storage_unavailable", {{"route", "/api/v1/reports"}, {"error", e.what()}});
  return http::api_error(http::status::service_unavailable, "storage_unavailable",
                         "the report could not be stored; please try again shortly")
      .with_header(http::field::retry_after, "5");
}

/// The no-JS form's page for a tracking token that belongs to no report.
http::response unknown_token_page(services& s) {
  return web::error_page(s, http::status::not_found, "Melding niet gevonden",
                         "Deze volglink hoort niet bij een melding. Controleer of u de hele link hebt gebruikt, "
                         "zoals u die na het versturen kreeg.");
}

/// A page that answers with a refusal's status also carries its headers (Retry-After).
http::response with_refusal_headers(http::response page, const http::api_error& refused) {
  for (const auto& [name, value] : refused.headers) page.set(name, value);
  return page;
}

json message_json(const store::tracking_message& m) {
  return {{"at", domain::format_rfc3339(m.at)},
          {"author", m.from_team ? "team" : "reporter"},
          {"body", m.body},
          // The note of a decision says which: the status the report moved to (else null).
          {"decision", m.decision.empty() ? json(nullptr) : json(m.decision)}};
}

/// Looks up the report behind a tracking token, or nullopt (never distinguishing a
/// malformed token from an unknown one).
std::optional<store::tracking_view> find_view(services& s, std::string_view token) {
  const auto key = util::tracking_key(token);
  if (!key) return std::nullopt;
  auto conn = s.readers.acquire();
  try {
    return store::find_tracking_view(*conn, *key);
  } catch (const SQLite::Exception& e) {
    if (store::is_storage_failure(e.getExtendedErrorCode())) throw store::storage_unavailable(e.what());
    throw;
  }
}

// What a submission holds, as UTF-8 without the escapes of its JSON or form.
std::size_t content_bytes(const domain::report_submission& r) {
  return r.title.size() + r.procedure.size() + r.description.size() + r.impact.size() + r.suggestion.size() +
         r.department.size() + r.category.size() + r.reporter_name.size() + r.reporter_email.size();
}

/// What a report says, hashed: a form sent again with its key counts as the same report only
/// when it says the same (and comes from the same single sign-on user).
std::string content_hash(const domain::report_submission& r) {
  std::string all;
  for (const auto* part : {&r.title, &r.procedure, &r.description, &r.impact, &r.suggestion, &r.department, &r.category,
                           &r.reporter_name, &r.reporter_email, &r.reporter_identity}) {
    all += std::to_string(part->size());
    all += ':';
    all += *part;
  }
  all += r.anonymous ? "1" : "0";
  return util::token_hash(all);
}

constexpr std::string_view not_stored_nl =
    "Uw melding kon nu niet worden opgeslagen door een storing bij ons. Uw tekst staat hieronder nog; "
    "probeer het over een paar minuten opnieuw.";

net::awaitable<http::response> create_report(services& s, http::request_context& ctx) {
  // A body over the limit is let in here (up to 4 times; see app.cpp) for the escapes of JSON
  // and forms (\uD83D\uDE00 and %F0%9F%98%80 are 12 bytes for one character): the limit holds
  // for what the report says, decoded.
  const auto limit = s.cfg.body_limit;
  const bool escaped_beyond_limit = ctx.req.body().size() > limit;
  // The name single sign-on gives the reporter, for the form page's privacy text.
  const std::string known_as = ctx.who && ctx.who->via == auth::method::proxy ? ctx.who->username : std::string();
  body_kind kind{};
  domain::report_submission submission;
  std::string form_key;  // the form page's key: the same form sent twice makes one report
  try {
    kind = require_body_kind(ctx.req, true);
    if (kind == body_kind::json) {
      submission = submission_from_json(parse_json_object(ctx.req));
    } else {
      const auto form = parse_form_body(ctx.req);
      submission = submission_from_form(form);
      if (const auto* k = util::find_param(form, "formulier"); k && web::plausible_form_key(*k)) form_key = *k;
    }
  } catch (const http::api_error&) {
    if (escaped_beyond_limit) throw http::body_too_large(limit);
    throw;
  }
  const auto catalog = s.catalog();
  const auto errors = domain::validate(submission, catalog->keys);
  if (content_bytes(submission) > limit && !errors.empty()) {
    // 413, naming the fields that are too long as well (the form page in Dutch, text kept). A
    // report within every field's limit is taken even beyond 64 KiB: only one written nearly all
    // in 4-byte characters gets there (at most some 83 KB), and the contract's limits allow it.
    if (kind == body_kind::form)
      co_return web::report_form_page(s, http::status::payload_too_large, &submission, &errors, {}, known_as, form_key);
    auto e = http::body_too_large(limit);
    e.message = "the report's text exceeds " + std::to_string(limit) + " bytes";
    for (const auto& f : errors) e.fields.emplace(f.field, domain::message_en(f));
    throw e;
  }
  if (!errors.empty()) {
    if (kind == body_kind::form)
      co_return web::report_form_page(s, http::status::unprocessable_entity, &submission, &errors, {}, known_as, form_key);
    throw validation_error(errors);
  }

  // Through the intranet's single sign-on the reporter is known (pseudonymous reporting) unless
  // they ask to report anonymously: but only from Rode Knop's own page (or a tool), never from a
  // form that another site made the browser send, which would file a report in someone's name.
  if (ctx.who && ctx.who->via == auth::method::proxy && !submission.anonymous) {
    if (const auto why = s.gate.cross_site(ctx.req)) {
      log::event(log::level::warn, "auth.csrf_refused", {{"reason", *why}, {"route", "/api/v1/reports"}});
      if (kind == body_kind::form)
        co_return web::error_page(s, http::status::forbidden, "Melding niet verstuurd",
                                  "Dit formulier kwam niet van een pagina van Rode Knop. Open het meldformulier "
                                  "zelf en verstuur uw melding daar.");
      throw http::api_error(http::status::forbidden, "cross_site_refused",
                            "a report sent through single sign-on must come from Rode Knop's own pages");
    }
    submission.reporter_identity = ctx.who->username;
  }

  const auto token = util::new_tracking_token(std::chrono::system_clock::now());
  const auto now = domain::now();
  store::created_report created;
  // Named, not a temporary: GCC 12 destroys temporaries of a co_await expression twice.
  // The form's reporter gets their text back with any refusal; the API client has it.
  std::optional<domain::report_submission> form_copy;
  if (kind == body_kind::form) form_copy = submission;
  // A form sent before with the same key and text answers with the report it made (sql/0007).
  struct outcome {
    store::created_report report;
    std::optional<std::string> earlier_token;  // the form was sent before: that report's token
  };
  std::string form_key_hash, content, sealed;
  if (!form_key.empty()) {
    form_key_hash = util::token_hash(form_key);
    content = content_hash(submission);
    sealed = util::seal(token, form_key);
  }
  auto job = [submission = std::move(submission), key = *util::tracking_key(token), now, form_key, form_key_hash,
              content, sealed](store::connection& c) {
    outcome out;
    if (!form_key.empty())
      if (auto earlier = store::find_form_submission(c, form_key_hash); earlier && earlier->content_hash == content)
        if (auto earlier_token = util::open_sealed(earlier->sealed_token, form_key)) {
          out.report = earlier->report;
          out.earlier_token = std::move(earlier_token);
          return out;
        }
    out.report = store::insert_report(c, submission, key, now);
    // A key already used with other text (a form page a proxy served twice) keeps its first report.
    if (!form_key.empty()) store::insert_form_submission(c, form_key_hash, content, out.report.id, sealed, now);
    return out;
  };
  std::optional<http::api_error> refused;
  std::optional<std::string> earlier_token;
  try {
    auto done = co_await s.writer.async_run<outcome>(std::move(job));
    created = std::move(done.report);
    earlier_token = std::move(done.earlier_token);
  } catch (const store::storage_unavailable& e) {
    refused = unavailable(e);
  } catch (const SQLite::Exception& e) {
    if (!store::is_constraint_failure(e.getErrorCode())) throw;
    // A department or category was deactivated between validation and commit.
    s.reload_catalog();
    refused = http::api_error(http::status::unprocessable_entity, "validation_failed",
                              "one or more fields are not acceptable",
                              {{"department", "is not a known key (see /api/v1/meta)"},
                               {"category", "is not a known key (see /api/v1/meta)"}});
  }
  if (refused) {
    if (!form_copy) throw *refused;
    if (refused->http_status == http::status::unprocessable_entity) {
      const auto now_errors = domain::validate(*form_copy, s.catalog()->keys);
      co_return web::report_form_page(s, http::status::unprocessable_entity, &*form_copy, &now_errors, {}, known_as, form_key);
    }
    co_return with_refusal_headers(
        web::report_form_page(s, refused->http_status, &*form_copy, nullptr, not_stored_nl, known_as, form_key), *refused);
  }
  if (earlier_token) {
    log::event(log::level::info, "report_form_repeated", {{"id", created.id}, {"reference", created.reference}});
    co_return http::redirect_response("/volg/" + *earlier_token + "?ontvangen=1");
  }
  log::event(log::level::info, "report_created", {{"id", created.id}, {"reference", created.reference}});
  s.search.notify();
  publish_report_event(s, "report.created", created.id, created.reference, created.status, 1);

  if (kind == body_kind::form) co_return http::redirect_response("/volg/" + token + "?ontvangen=1");

  auto res = http::json_response(http::status::created,
                                 {{"id", created.id},
                                  {"reference", created.reference},
                                  {"status", created.status},
                                  {"tracking_token", token},
                                  {"tracking_url", web::tracking_url(s, ctx, token)},
                                  {"created_at", domain::format_rfc3339(created.created_at)}});
  res.set(http::field::location, "/api/v1/reports/" + std::to_string(created.id));
  co_return res;
}

net::awaitable<http::response> track(services& s, http::request_context& ctx) {
  const auto view = find_view(s, ctx.param("tracking_token"));
  if (!view) throw http::api_error(http::status::not_found, "not_found", "no report has this tracking token");
  json messages = json::array();
  for (const auto& m : view->messages) messages.push_back(message_json(m));
  co_return http::json_response(http::status::ok, {{"reference", view->reference},
                                                   {"title", view->title},
                                                   {"status", view->status},
                                                   {"created_at", domain::format_rfc3339(view->created_at)},
                                                   {"updated_at", domain::format_rfc3339(view->updated_at)},
                                                   // What the tracking page shows too: the outcome of a
                                                   // resolved report, the earlier report of a duplicate.
                                                   {"outcome", view->outcome.empty() ? json(nullptr) : json(view->outcome)},
                                                   {"duplicate_of_reference", view->duplicate_reference.empty()
                                                                                  ? json(nullptr)
                                                                                  : json(view->duplicate_reference)},
                                                   {"messages", messages}});
}

net::awaitable<http::response> reply(services& s, http::request_context& ctx) {
  const auto token = std::string(ctx.param("tracking_token"));
  // As for a report, a body over the limit is let in (see app.cpp): the tracking page's form
  // gets its page back with the text; JSON keeps the limit.
  const auto limit = s.cfg.body_limit;
  const bool beyond_limit = ctx.req.body().size() > limit;
  body_kind kind{};
  std::string body;
  try {
    kind = require_body_kind(ctx.req, true);
    if (kind == body_kind::json) {
      if (beyond_limit) throw http::body_too_large(limit);
      const auto obj = parse_json_object(ctx.req);
      body = json_fields(obj, {"body"}).text("body");
    } else {
      const auto form = parse_form_body(ctx.req);
      if (const auto* v = util::find_param(form, "body")) body = *v;
    }
  } catch (const http::api_error& e) {
    if (beyond_limit && e.http_status != http::status::payload_too_large) throw http::body_too_large(limit);
    throw;
  }

  const auto key = util::tracking_key(token);
  if (!key) {
    if (kind == body_kind::form)
      co_return unknown_token_page(s);
    throw http::api_error(http::status::not_found, "not_found", "no report has this tracking token");
  }

  const auto errors = domain::validate_reply(body);
  if (!errors.empty()) {
    if (kind == body_kind::form) {
      const auto view = find_view(s, token);
      if (!view)
        co_return unknown_token_page(s);
      co_return web::tracking_page(s, http::status::unprocessable_entity, *view, token, ctx,
                                   {false, false, domain::message_nl(errors.front()), body});
    }
    throw validation_error(errors);
  }

  const auto now = domain::now();
  std::optional<store::reply_result> result;
  auto job = [key = *key, body, now](store::connection& c) { return store::insert_reply(c, key, body, now); };
  std::optional<http::api_error> refused;
  try {
    result = co_await s.writer.async_run<std::optional<store::reply_result>>(std::move(job));
  } catch (const store::storage_unavailable& e) {
    refused = unavailable(e);
  }
  if (refused) {
    const auto view = kind == body_kind::form ? find_view(s, token) : std::nullopt;
    if (!view) throw *refused;
    co_return with_refusal_headers(
        web::tracking_page(s, refused->http_status, *view, token, ctx,
                           {false, false,
                            "Uw aanvulling kon nu niet worden opgeslagen door een storing bij ons. Probeer het "
                            "over een paar minuten opnieuw; uw tekst staat er nog.",
                            body}),
        *refused);
  }
  if (!result) {
    if (kind == body_kind::form)
      co_return unknown_token_page(s);
    throw http::api_error(http::status::not_found, "not_found", "no report has this tracking token");
  }
  log::event(log::level::info, "reply_added", {{"id", result->id}, {"reference", result->reference}});
  publish_report_event(s, "report.updated", result->id, result->reference, result->status, result->version);

  if (kind == body_kind::form) co_return http::redirect_response("/volg/" + token + "?reactie=verzonden");
  co_return http::json_response(
      http::status::created,
      {{"reference", result->reference},
       {"status", result->status},
       {"message", message_json({false, now, body, {}})}});
}

}  // namespace

void register_reporter_routes(http::router& r, services& s) {
  r.add(http::verb::post, "/api/v1/reports", auth::access::anyone, [&s](http::request_context& c) { return create_report(s, c); });
  r.add(http::verb::get, "/api/v1/track/{tracking_token}", auth::access::anyone, [&s](http::request_context& c) { return track(s, c); });
  r.add(http::verb::post, "/api/v1/track/{tracking_token}/replies", auth::access::anyone,
        [&s](http::request_context& c) { return reply(s, c); });
}

}  // namespace rodeknop::api
