#include "rodeknop/web/pages.hpp"

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/stats.hpp"
#include "rodeknop/util/crypto.hpp"
#include "rodeknop/web/login_pages.hpp"

namespace rodeknop::web {

namespace net = boost::asio;
using nlohmann::json;

namespace {

// A Host for links: letters, digits and the unreserved `-._~` of a name (`_` is common in
// intranet names), an IP literal, a port. The request check (http/request_check) also lets
// through RFC 3986's sub-delimiters (`!$&'()*+,;=`, percent escapes); with such a Host, or
// none (HTTP/1.0), the tracking link is a path on this site.
bool valid_host(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  for (char c : h) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_' || c == '~' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

http::response page(services& s, http::status status, std::string_view name, const json& data) {
  return http::html_response(status, s.templates.render(name, data));
}

json submission_limits() {
  json out = json::object();
  for (const auto& [field, limit] : domain::submission_limits) out[std::string(field)] = limit;
  return out;
}

// The labels of the report form (static/templates/index.html), for the error summary.
std::string_view form_label(std::string_view field) {
  if (field == "title") return "Titel";
  if (field == "procedure") return "Welke procedure, regel, formulier of systeem?";
  if (field == "description") return "Wat gaat er mis? Beschrijf een voorbeeld";
  if (field == "impact") return "Wat merken inwoners of ondernemers hiervan?";
  if (field == "suggestion") return "Heeft u een idee voor een oplossing?";
  if (field == "department") return "Uw dienst";
  if (field == "category") return "Categorie";
  if (field == "reporter_name") return "Uw naam";
  if (field == "reporter_email") return "Uw e-mailadres";
  return {};
}

std::string summary_text(std::string_view field, const std::string& message) {
  const auto label = form_label(field);
  if (label.empty() || !(message.starts_with("Dit veld") || message.starts_with("Vul dit veld"))) return message;
  return std::string(label) + ": " + message;
}

}  // namespace

json list_options(const std::vector<store::list_entry>& active, std::string_view selected,
                  const std::vector<store::list_entry>* former) {
  json out = json::array();
  for (const auto& e : active) out.push_back({{"key", e.key}, {"label", e.label}, {"selected", e.key == selected}});
  if (former)
    for (const auto& e : *former)
      out.push_back({{"key", e.key}, {"label", e.label + " (niet meer in gebruik)"}, {"selected", e.key == selected}});
  return out;
}

std::string tracking_url(const services& s, const http::request_context& ctx, std::string_view token) {
  std::string base = s.cfg.base_url;
  if (base.empty()) {
    const std::string_view host = ctx.req[http::field::host];
    // Behind a trusted proxy that ends TLS, the link is https like the address the reporter used.
    if (valid_host(host)) base.append(s.gate.forwarded_https(ctx) ? "https://" : "http://").append(host);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/volg/" + std::string(token);
}

std::string new_form_key() { return util::random_token(16); }

bool plausible_form_key(std::string_view key) { return util::plausible_token(key, 16); }

http::response report_form_page(services& s, http::status status, const domain::report_submission* values,
                                const domain::field_errors* errors, std::string_view problem,
                                std::string_view known_as, std::string_view form_key) {
  const auto catalog = s.catalog();
  const domain::report_submission empty;
  const auto& v = values ? *values : empty;
  json data = {
      {"departments", list_options(catalog->departments, v.department)},
      {"categories", list_options(catalog->categories, v.category)},
      {"values",
       {{"title", v.title},
        {"procedure", v.procedure},
        {"description", v.description},
        {"impact", v.impact},
        {"suggestion", v.suggestion},
        {"reporter_name", v.reporter_name},
        {"reporter_email", v.reporter_email},
        {"anonymous", v.anonymous}}},
      {"has_errors", (errors && !errors->empty()) || !problem.empty()},
      {"problem", problem},
      {"known_as", known_as},
      {"errors", json::array()},
      {"error", json::object()},
      {"limits", submission_limits()},
      // The form sent again after a refusal keeps its key: then a double click on the corrected
      // form still makes one report.
      {"form_key", plausible_form_key(form_key) ? std::string(form_key) : new_form_key()},
  };
  if (errors) {
    for (const auto& e : *errors) {
      const auto msg = domain::message_nl(e);
      data["errors"].push_back({{"field", e.field}, {"message", msg}, {"summary", summary_text(e.field, msg)}});
      if (!data["error"].contains(e.field)) data["error"][e.field] = msg;
    }
  }
  return page(s, status, "index", data);
}

http::response tracking_page(services& s, http::status status, const store::tracking_view& view,
                             std::string_view token, const http::request_context& ctx, const tracking_page_state& state) {
  json messages = json::array();
  bool team_wrote = false;
  for (const auto& m : view.messages) team_wrote = team_wrote || m.from_team;
  for (const auto& m : view.messages)
    messages.push_back({{"from_team", m.from_team},
                        {"author_label", m.from_team ? "Ontregelteam" : "U"},
                        {"decision_label", m.decision.empty() ? std::string() : std::string(domain::status_label_nl(m.decision))},
                        {"at", domain::format_rfc3339(m.at)},
                        {"at_local", domain::format_dutch_datetime(m.at)},
                        {"body", m.body}});
  const json data = {{"reference", view.reference},
                     {"title", view.title},
                     {"status", view.status},
                     {"status_label", domain::status_label_nl(view.status)},
                     {"created_at", domain::format_rfc3339(view.created_at)},
                     {"created_local", domain::format_dutch_datetime(view.created_at)},
                     {"updated_at", domain::format_rfc3339(view.updated_at)},
                     {"updated_local", domain::format_dutch_datetime(view.updated_at)},
                     {"just_submitted", state.just_submitted},
                     {"tracking_url", tracking_url(s, ctx, token)},
                     {"token", token},
                     {"needs_info", view.status == "needs_info"},
                     {"team_wrote", team_wrote},
                     {"outcome_label", view.outcome.empty() ? std::string() : std::string(domain::outcome_label_nl(view.outcome))},
                     {"duplicate_reference", view.duplicate_reference},
                     {"waiting_for_meeting", view.status == "new"},
                     {"messages", messages},
                     {"reply_sent", state.reply_sent},
                     {"reply_error", state.reply_error},
                     {"reply_body", state.reply_body}};
  auto res = page(s, status, "volg", data);
  // The page holds the tracking token: never cache it, never send it on as a referrer.
  res.set(http::field::cache_control, "no-store");
  return res;
}

http::response error_page(services& s, http::status status, std::string title, std::string message,
                          const auth::principal* who) {
  json data = {{"status", static_cast<unsigned>(status)}, {"title", std::move(title)}, {"message", std::move(message)}};
  if (who && who->team_role) {
    data["user"] = user_json(*who);
    data["back"] = who->has(auth::access::read_reports) ? json{{"href", "/team"}, {"label", "Naar het weekoverleg"}}
                                                        : json{{"href", "/stats"}, {"label", "Naar de statistiek"}};
  }
  return page(s, status, "error", data);
}

void register_page_routes(http::router& r, services& s) {
  r.add(http::verb::get, "/", auth::access::anyone, [&s](http::request_context& ctx) -> net::awaitable<http::response> {
    const bool sso = ctx.who && ctx.who->via == auth::method::proxy;
    co_return report_form_page(s, http::status::ok, nullptr, nullptr, {}, sso ? ctx.who->username : std::string_view{});
  });
  r.add(http::verb::get, "/volg/{tracking_token}", auth::access::anyone,
        [&s](http::request_context& ctx) -> net::awaitable<http::response> {
          const auto token = ctx.param("tracking_token");
          std::optional<store::tracking_view> view;
          if (const auto key = util::tracking_key(token)) {
            auto conn = s.readers.acquire();
            view = store::find_tracking_view(*conn, *key);
          }
          if (!view) {
            // Mail programs and chat windows often take the full stop or bracket after a link
            // into it; a token never ends in one, so lead to the link as it was given.
            auto trimmed = token;
            while (!trimmed.empty() && std::string_view(".,;:!?)]}>'\" ").find(trimmed.back()) != std::string_view::npos)
              trimmed.remove_suffix(1);
            if (trimmed.size() != token.size())
              if (const auto key = util::tracking_key(trimmed)) {
                auto conn = s.readers.acquire();
                if (store::find_tracking_view(*conn, *key)) {
                  auto res = http::redirect_response("/volg/" + std::string(trimmed), ctx.req.version());
                  res.result(http::status::moved_permanently);
                  co_return res;
                }
              }
          }
          if (!view)
            co_return error_page(s, http::status::not_found, "Melding niet gevonden",
                                 "Deze volglink hoort niet bij een melding. Controleer of u de hele link hebt "
                                 "gebruikt, zoals u die na het versturen kreeg.");
          // The confirmations belong to the moment itself: a bookmarked or shared address that
          // still has `?ontvangen=1` must not say "ontvangen" above a decision weeks later.
          tracking_page_state state;
          const auto now = domain::now();
          const auto recent = [now](domain::sys_seconds at) { return now - at <= std::chrono::hours(1); };
          if (const auto* v = ctx.query("ontvangen"))
            state.just_submitted = *v == "1" && view->status == "new" && recent(view->created_at);
          if (const auto* v = ctx.query("reactie"))
            state.reply_sent = *v == "verzonden" && !view->messages.empty() && !view->messages.back().from_team &&
                               recent(view->messages.back().at);
          co_return tracking_page(s, http::status::ok, *view, token, ctx, state);
        });
}

}  // namespace rodeknop::web
