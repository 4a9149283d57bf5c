#include "rodeknop/api/input.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rodeknop::api {

namespace {

std::string_view media_type(const http::request& req) {
  std::string_view ct = req[http::field::content_type];
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  return ct;
}

// The charset parameter of Content-Type, lower case without quotes; "" when there is none.
std::string charset(const http::request& req) {
  std::string_view ct = req[http::field::content_type];
  std::string out;
  for (auto semi = ct.find(';'); semi != std::string_view::npos; semi = ct.find(';')) {
    ct.remove_prefix(semi + 1);
    auto param = ct.substr(0, ct.find(';'));
    while (!param.empty() && (param.front() == ' ' || param.front() == '\t')) param.remove_prefix(1);
    if (param.size() < 8 || !boost::beast::iequals(param.substr(0, 8), "charset=")) continue;
    param.remove_prefix(8);
    while (!param.empty() && (param.back() == ' ' || param.back() == '\t')) param.remove_suffix(1);
    if (param.size() >= 2 && param.front() == '"' && param.back() == '"') param = param.substr(1, param.size() - 2);
    out.assign(param);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  return out;
}

}  // namespace

body_kind require_body_kind(const http::request& req, bool form_allowed) {
  // A compressed body would be read as if it were the text itself.
  if (const auto ce = req[http::field::content_encoding]; !ce.empty() && !boost::beast::iequals(ce, "identity"))
    throw http::api_error(http::status::unsupported_media_type, "unsupported_media_type",
                          "send the body uncompressed (Content-Encoding " + std::string(ce) + " is not supported)");
  // Bodies are read as UTF-8 (CONTRACT.md); another declared charset would be misread.
  if (const auto cs = charset(req); !cs.empty() && cs != "utf-8" && cs != "utf8" && cs != "us-ascii")
    throw http::api_error(http::status::unsupported_media_type, "unsupported_media_type",
                          "send the body as UTF-8 (charset=" + cs + " is not supported)");
  const auto mt = media_type(req);
  if (boost::beast::iequals(mt, "application/json")) return body_kind::json;
  if (form_allowed && boost::beast::iequals(mt, "application/x-www-form-urlencoded")) return body_kind::form;
  throw http::api_error(http::status::unsupported_media_type, "unsupported_media_type",
                        form_allowed ? "send application/json or application/x-www-form-urlencoded"
                                     : "send application/json");
}

nlohmann::json parse_json_object(const http::request& req) {
  // A name given twice in one object ({"status": "a", "status": "b"}) is refused, not read as
  // whichever came last: the sender and the server would disagree on what was asked.
  std::vector<std::set<std::string>> open_objects;
  std::optional<std::string> duplicate;
  const nlohmann::json::parser_callback_t watch = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using ev = nlohmann::json::parse_event_t;
    if (event == ev::object_start) {
      open_objects.emplace_back();
    } else if (event == ev::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == ev::key && !open_objects.empty() && !duplicate) {
      if (!open_objects.back().insert(parsed.get<std::string>()).second) duplicate = parsed.get<std::string>();
    }
    return true;
  };
  auto j = nlohmann::json::parse(req.body(), watch, false);
  if (j.is_discarded()) throw http::api_error(http::status::bad_request, "invalid_json", "the body is not valid JSON");
  if (duplicate)
    throw http::api_error(http::status::bad_request, "duplicate_field", "the body names a field more than once",
                          {{*duplicate, "appears more than once"}});
  if (!j.is_object()) throw http::api_error(http::status::bad_request, "invalid_json", "the body must be a JSON object");
  return j;
}

util::param_list parse_form_body(const http::request& req) {
  auto params = util::parse_form(req.body());
  if (!params) throw http::api_error(http::status::bad_request, "invalid_form", "the form data is malformed");
  return std::move(*params);
}

json_fields::json_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed)
    : object_(object) {
  std::map<std::string, std::string> unknown;
  for (const auto& [key, value] : object.items())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) unknown[key] = "is not a known field";
  if (!unknown.empty())
    throw http::api_error(http::status::bad_request, "unknown_field", "the body has fields this endpoint does not take",
                          std::move(unknown));
}

bool json_fields::has(std::string_view name) const {
  const auto it = object_.find(name);
  return it != object_.end() && !it->is_null();
}

std::string json_fields::text(std::string_view name) const {
  const auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return {};
  if (!it->is_string())
    throw http::api_error(http::status::bad_request, "wrong_type", "a field has the wrong JSON type",
                          {{std::string(name), "must be a string"}});
  return it->get<std::string>();
}

bool json_fields::flag(std::string_view name) const {
  const auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return false;
  if (!it->is_boolean())
    throw http::api_error(http::status::bad_request, "wrong_type", "a field has the wrong JSON type",
                          {{std::string(name), "must be true or false"}});
  return it->get<bool>();
}

bool wants_html(const http::request& req) {
  const std::string_view accept = req[http::field::accept];
  return accept.find("text/html") != std::string_view::npos;
}

bool takes_page(const http::request& req) {
  const std::string_view accept = req[http::field::accept];
  return wants_html(req) || accept.find("application/json") == std::string_view::npos;
}

const std::string* given(const util::param_list& query, std::string_view name) {
  const auto* v = util::find_param(query, name);
  return v && !v->empty() ? v : nullptr;
}

std::optional<std::int64_t> query_number(const util::param_list& query, std::string_view name, std::int64_t max) {
  const auto* v = given(query, name);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  const bool digits = v->size() <= 18 && v->find_first_not_of("0123456789") == std::string::npos;
  if (digits) std::from_chars(v->data(), v->data() + v->size(), n);
  if (!digits || n < 1 || n > max)
    throw http::api_error(http::status::unprocessable_entity, "validation_failed",
                          "one or more parameters are not acceptable",
                          {{std::string(name), "must be a whole number from 1 to " + std::to_string(max)}});
  return n;
}

void require_known_params(const util::param_list& query, std::initializer_list<std::string_view> known) {
  std::map<std::string, std::string> problems;
  std::string names;
  for (const auto k : known) names += (names.empty() ? "" : ", ") + std::string(k);
  const std::string takes = names.empty() ? "it takes none" : "it takes " + names;
  for (std::size_t i = 0; i < query.size(); ++i) {
    const auto& name = query[i].first;
    if (problems.contains(name)) continue;
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      problems.emplace(name, "is not a parameter of this endpoint (" + takes + ")");
      continue;
    }
    for (std::size_t j = i + 1; j < query.size(); ++j)
      if (query[j].first == name) {
        problems.emplace(name, name == "status" ? "may be given once; name several statuses separated by commas"
                                                : "may be given once");
        break;
      }
  }
  if (!problems.empty())
    throw http::api_error(http::status::unprocessable_entity, "validation_failed",
                          "one or more parameters are not acceptable", std::move(problems));
}

}  // namespace rodeknop::api
