#pragma once
// HTTP messages and the one way every response is built: JSON bodies, the contract's JSON
// error shape, HTML pages, and the security headers that go on every response.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include <ctime>
#include <exception>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rodeknop::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;
using status = boost::beast::http::status;
using verb = boost::beast::http::verb;
using field = boost::beast::http::field;

/// An error that a handler reports to the client: thrown by handlers and request decoding,
/// caught once at the request boundary and turned into the contract's JSON error body.
struct api_error : std::exception {
  api_error(status s, std::string c, std::string m, std::map<std::string, std::string> f = {})
      : http_status(s), code(std::move(c)), message(std::move(m)), fields(std::move(f)) {}
  const char* what() const noexcept override { return message.c_str(); }

  api_error&& with_header(field name, std::string value) && {
    headers.emplace_back(name, std::move(value));
    return std::move(*this);
  }

  status http_status;
  std::string code;
  std::string message;
  std::map<std::string, std::string> fields;
  std::vector<std::pair<field, std::string>> headers;
};

/// A response with a JSON body (UTF-8, application/json), not cached.
response json_response(status s, const nlohmann::json& body, unsigned version = 11);

/// {"error": {"code", "message", "fields"}} with the error's status.
response error_response(const api_error& e, unsigned version = 11);

/// A complete HTML page (text/html; charset=utf-8), not cached.
response html_response(status s, std::string body, unsigned version = 11);

/// 303 See Other to a local path.
response redirect_response(std::string location, unsigned version = 11);

/// Whether a GET or HEAD with this request's If-None-Match is answered 304 for a representation
/// with entity tag `etag` (RFC 9110 13.1.2): `*`, or any tag of the list (on one line or
/// several) that matches `etag` in the weak comparison. False without If-None-Match.
bool none_match_fails(const request& req, std::string_view etag);

/// Content-Security-Policy and friends as serialised header lines ("Name: value\r\n"...);
/// the server writes them on every response.
const std::string& security_headers();

/// The `Date` header line ("Date: Tue, 01 Dec 2026 09:15:00 GMT\r\n", RFC 9110 6.6.1) for now,
/// formatted at most once a second per thread; the server writes it on every response.
std::string_view date_header();

/// A time as an IMF-fixdate (RFC 9110 5.6.7): "Tue, 01 Dec 2026 09:15:00 GMT".
std::string imf_fixdate(std::time_t t);

/// The Content-Security-Policy every page is served with.
extern const char* const content_security_policy;

}  // namespace rodeknop::http
