#include "rodeknop/http/message.hpp"

namespace rodeknop::http {

const char* const content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

response json_response(status s, const nlohmann::json& body, unsigned version) {
  response res{s, version};
  res.set(field::content_type, "application/json");
  res.set(field::cache_control, "no-store");
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

response error_response(const api_error& e, unsigned version) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [k, v] : e.fields) fields[k] = v;
  auto res = json_response(e.http_status, {{"error", {{"code", e.code}, {"message", e.message}, {"fields", fields}}}},
                           version);
  for (const auto& [name, value] : e.headers) res.set(name, value);
  return res;
}

response html_response(status s, std::string body, unsigned version) {
  response res{s, version};
  res.set(field::content_type, "text/html; charset=utf-8");
  res.set(field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response redirect_response(std::string location, unsigned version) {
  response res{status::see_other, version};
  res.set(field::location, std::move(location));
  res.set(field::cache_control, "no-store");
  res.prepare_payload();
  return res;
}

const std::string& security_headers() {
  static const std::string block = std::string("Content-Security-Policy: ") + content_security_policy +
                                   "\r\n"
                                   "X-Content-Type-Options: nosniff\r\n"
                                   "Referrer-Policy: no-referrer\r\n"
                                   "X-Frame-Options: DENY\r\n"
                                   "Cross-Origin-Opener-Policy: same-origin\r\n"
                                   "Cross-Origin-Resource-Policy: same-origin\r\n"
                                   "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\n"
                                   "Server: rodeknop\r\n";
  return block;
}

}  // namespace rodeknop::http
