#include "rodeknop/http/message.hpp"

#include <boost/range/iterator_range.hpp>

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

namespace {

/// An entity tag without its weakness: `W/"x"` → `"x"` (the weak comparison of RFC 9110 8.8.3.2).
std::string_view opaque_tag(std::string_view tag) {
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

}  // namespace

bool none_match_fails(const request& req, std::string_view etag) {
  const auto mine = opaque_tag(etag);
  // A list of entity tags, on one line or several (RFC 9110 5.3): `"a", W/"b"` or `*`. A tag may
  // hold a comma, so the list is read tag by tag, not split at commas.
  for (const auto& line : boost::make_iterator_range(req.equal_range(field::if_none_match))) {
    std::string_view rest = line.value();
    for (;;) {
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == ',')) rest.remove_prefix(1);
      if (rest.empty()) break;
      if (rest.front() == '*') return true;
      const std::size_t start = rest.starts_with("W/") ? 2u : 0u;
      if (rest.size() <= start || rest[start] != '"') break;  // not a list of tags: nothing matches
      const auto close = rest.find('"', start + 1);
      if (close == std::string_view::npos) break;
      if (opaque_tag(rest.substr(0, close + 1)) == mine) return true;
      rest.remove_prefix(close + 1);
    }
  }
  return false;
}

response redirect_response(std::string location, unsigned version) {
  response res{status::see_other, version};
  res.set(field::location, std::move(location));
  res.set(field::cache_control, "no-store");
  res.prepare_payload();
  return res;
}

std::string imf_fixdate(std::time_t t) {
  // Written out by hand: strftime's %a and %b follow the locale, HTTP's names do not.
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  const auto two = [](std::string& out, int v) {
    out += static_cast<char>('0' + v / 10 % 10);
    out += static_cast<char>('0' + v % 10);
  };
  std::string out;
  out.reserve(29);
  out += days[tm.tm_wday % 7];
  out += ", ";
  two(out, tm.tm_mday);
  out += ' ';
  out += months[tm.tm_mon % 12];
  out += ' ';
  out += std::to_string(tm.tm_year + 1900);
  out += ' ';
  two(out, tm.tm_hour);
  out += ':';
  two(out, tm.tm_min);
  out += ':';
  two(out, tm.tm_sec);
  out += " GMT";
  return out;
}

std::string_view date_header() {
  // One clock read per response (time() is no system call on Linux); the text is made again once
  // a second.
  thread_local std::time_t made_for = -1;
  thread_local std::string line;
  const auto now = std::time(nullptr);
  if (now != made_for) {
    line = "Date: " + imf_fixdate(now) + "\r\n";
    made_for = now;
  }
  return line;
}

const std::string& security_headers() {
  static const std::string block = std::string("Content-Security-Policy: ") + content_security_policy +
                                   "\r\n"
                                   "X-Content-Type-Options: nosniff\r\n"
                                   "Referrer-Policy: same-origin\r\n"
                                   "X-Frame-Options: DENY\r\n"
                                   "Cross-Origin-Opener-Policy: same-origin\r\n"
                                   "Cross-Origin-Resource-Policy: same-origin\r\n"
                                   "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\n"
                                   "Server: rodeknop\r\n";
  return block;
}

}  // namespace rodeknop::http
