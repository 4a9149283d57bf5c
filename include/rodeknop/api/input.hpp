#pragma once
// Reading untrusted request bodies: media types, strict JSON objects, HTML forms.

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "rodeknop/http/message.hpp"
#include "rodeknop/util/url.hpp"

namespace rodeknop::api {

enum class body_kind { json, form };

/// The kind of body by Content-Type: JSON always, an HTML form where `form_allowed`;
/// anything else is 415.
body_kind require_body_kind(const http::request& req, bool form_allowed);

/// The body as a JSON object: 400 when not valid JSON or not an object.
nlohmann::json parse_json_object(const http::request& req);

/// The body as application/x-www-form-urlencoded: 400 when malformed.
util::param_list parse_form_body(const http::request& req);

/// Strict access to a JSON object's fields: unknown keys are refused (400, no mass
/// assignment); a field of the wrong JSON type is 400.
class json_fields {
 public:
  json_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed);

  /// A string field; "" when absent or null.
  std::string text(std::string_view name) const;
  /// A boolean field; false when absent or null.
  bool flag(std::string_view name) const;
  bool has(std::string_view name) const;

 private:
  const nlohmann::json& object_;
};

/// An API query may hold only the parameters in `known`, each once: anything else is 422
/// `validation_failed` naming it in `fields`, so that a filter the endpoint does not have
/// (`assignee=…`) or a second value (`status=new&status=accepted`) never looks applied.
void require_known_params(const util::param_list& query, std::initializer_list<std::string_view> known);

/// A query parameter's value, or nullptr when it is absent or empty: `limit=&cursor=` asks for
/// the defaults, as a form with empty fields does.
const std::string* given(const util::param_list& query, std::string_view name);

/// A whole number from 1 to `max` in the query (decimal digits only), nullopt when it is absent
/// or empty; anything else is 422 naming the parameter.
std::optional<std::int64_t> query_number(const util::param_list& query, std::string_view name, std::int64_t max);

/// True when the client prefers an HTML page to JSON (browsers' navigation requests).
bool wants_html(const http::request& req);

/// For a page's address: true unless the client asks for JSON and not HTML (curl's and
/// scripts' `*/*` or no Accept at all get the page, or its redirect to the login).
bool takes_page(const http::request& req);

}  // namespace rodeknop::api
