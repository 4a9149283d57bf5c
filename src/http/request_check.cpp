#include "rodeknop/http/request_check.hpp"

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/range/iterator_range.hpp>

namespace rodeknop::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

void apply_limits(request_parser& parser, const request_limits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
  parser.body_limit(limits.largest_body());
}

std::optional<std::string> smuggling_problem(const request_parser& parser) {
  const auto& h = parser.get();
  const auto te = h.count(field::transfer_encoding);
  const auto cl = h.count(field::content_length);
  if (te > 0 && cl > 0) return "both Transfer-Encoding and Content-Length";
  if (te > 1) return "more than one Transfer-Encoding header";
  if (te == 1) {
    if (h.version() < 11) return "Transfer-Encoding on HTTP/1.0";
    if (!beast::iequals(h[field::transfer_encoding], "chunked")) return "Transfer-Encoding other than chunked";
  }
  if (cl > 1) return "more than one Content-Length header";
  if (cl == 1) {
    const auto v = h[field::content_length];
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string_view::npos)
      return "malformed Content-Length";
  }
  return std::nullopt;
}

request refused_request(const request_parser& parser) {
  request out;
  // Beast throws on setting verb::unknown: a method it does not know, or no request line.
  if (const auto method = parser.get().method(); method != verb::unknown) out.method(method);
  return out;
}

namespace {

bool too_large(boost::system::error_code ec) {
  return ec == bhttp::error::body_limit || ec == net::error::message_size || ec == bhttp::error::buffer_overflow;
}


}  // namespace

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// RFC 3986 reg-name: unreserved, pct-encoded and sub-delims (an IPv4 address is one too).
bool valid_reg_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '%') {
      if (i + 2 >= name.size() || !is_hex(name[i + 1]) || !is_hex(name[i + 2])) return false;
      i += 2;
    } else if (!is_alpha(c) && !is_digit(c) && std::string_view("-._~!$&'()*+,;=").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) return false;
  unsigned value = 0;
  for (const char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
  return value >= 1 && value <= 65535;
}

}  // namespace

bool valid_host(std::string_view host) {
  std::string_view port;
  bool has_port = false;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const auto literal = host.substr(1, close - 1);
    // Hex digits, colons and dots (an embedded IPv4 address) only: no zone, no IPvFuture.
    if (literal.empty() || !std::all_of(literal.begin(), literal.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; }))
      return false;
    boost::system::error_code ec;
    net::ip::make_address_v6(std::string(literal), ec);
    if (ec) return false;
    const auto rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      has_port = true;
      port = rest.substr(1);
    }
  } else {
    const auto colon = host.find(':');
    if (!valid_reg_name(host.substr(0, colon))) return false;
    if (colon != std::string_view::npos) {
      has_port = true;
      port = host.substr(colon + 1);
    }
  }
  return !has_port || valid_port(port);
}

bool keep_alive(const request& req) {
  // Beast's own keep_alive() reads the first Connection line only.
  bool close = false, keep = false;
  for (const auto& line : boost::make_iterator_range(req.equal_range(field::connection)))
    for (const auto option : bhttp::token_list(line.value())) {
      if (beast::iequals(option, "close")) close = true;
      if (beast::iequals(option, "keep-alive")) keep = true;
    }
  if (close) return false;
  return req.version() >= 11 || keep;
}

std::size_t leading_empty_lines(std::string_view bytes) {
  std::size_t skip = 0;
  for (int lines = 0; lines < 4; ++lines) {
    if (bytes.substr(skip, 2) == "\r\n")
      skip += 2;
    else if (bytes.substr(skip, 1) == "\n")
      skip += 1;
    else
      break;
  }
  return skip;
}

void to_origin_form(request& req) {
  const std::string_view t = req.target();
  const auto separator = t.find("://");
  if (separator == std::string_view::npos || t.front() == '/') return;
  const auto scheme = t.substr(0, separator);
  if (!beast::iequals(scheme, "http") && !beast::iequals(scheme, "https")) return;
  const auto rest = t.substr(separator + 3);
  const auto end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, end);
  // No host, or a user name in it (RFC 9110 4.2.4): left as it is, to be refused as malformed.
  if (authority.empty() || authority.find('@') != std::string_view::npos) return;
  const auto path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  // "http://x" and "http://x?q" ask for "/" (built by appending: GCC 12 warns, wrongly, about
  // std::string::insert at -O2, -Wrestrict).
  std::string origin;
  if (path.empty() || path.front() != '/') origin = "/";
  origin.append(path);
  req.target(origin);
}

api_error body_too_large(std::size_t body_limit) {
  return {status::payload_too_large, "body_too_large", "request body exceeds " + std::to_string(body_limit) + " bytes"};
}

std::optional<api_error> header_problem(const request_parser& parser, boost::system::error_code ec,
                                        const request_limits& limits) {
  if (ec == bhttp::error::header_limit)
    return api_error(status::request_header_fields_too_large, "headers_too_large",
                     "request headers exceed " + std::to_string(limits.header_limit) + " bytes");
  if (too_large(ec)) return body_too_large(limits.body_limit_for(parser.get()));
  if (ec) return api_error(status::bad_request, "bad_request", "malformed HTTP request");
  if (auto problem = smuggling_problem(parser))
    return api_error(status::bad_request, "bad_request", "ambiguous request framing: " + *problem);
  // Beast checked the Content-Length against the largest body any request may send.
  if (const auto length = parser.content_length(); length && *length > limits.body_limit_for(parser.get()))
    return body_too_large(limits.body_limit_for(parser.get()));
  // RFC 9112, 3.2: an HTTP/1.1 request without a Host header, or any request with more than one
  // or with an invalid one, is 400 (HTTP/1.0 may go without).
  const auto hosts = parser.get().count(field::host);
  if ((parser.get().version() >= 11 && hosts != 1) || hosts > 1)
    return api_error(status::bad_request, "bad_request", "an HTTP/1.1 request needs exactly one Host header");
  if (hosts == 1 && !valid_host(parser.get()[field::host]))
    return api_error(status::bad_request, "bad_request", "the Host header is not a valid host name or address with an optional port");
  return std::nullopt;
}

std::optional<api_error> body_problem(const request_parser& parser, boost::system::error_code ec, bool timed_out,
                                      const request_limits& limits) {
  if (too_large(ec)) return body_too_large(limits.body_limit_for(parser.get()));
  if (ec == net::error::operation_aborted && timed_out)
    return api_error(status::request_timeout, "request_timeout", "the request body was not received in time");
  // A body that breaks the framing (a chunk size that is no number or overflows, a bad chunk
  // line) is answered before the connection closes; a peer that just stopped sending is not.
  if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
      ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream)
    return api_error(status::bad_request, "bad_request", "malformed request body framing");
  // A chunked body is only measured once read.
  if (!ec && parser.get().body().size() > limits.body_limit_for(parser.get()))
    return body_too_large(limits.body_limit_for(parser.get()));
  return std::nullopt;
}

namespace {

// Feeds the parser from `bytes` at `used` until `done()` holds, the input ends or an error
// occurs — what Beast's read operations do with a socket whose peer then closed.
template <class Done>
boost::system::error_code feed(request_parser& parser, std::string_view bytes, std::size_t& used,
                               const request_limits& limits, Done done) {
  // The input is over: the peer closed its side.
  const auto closed = [&]() -> boost::system::error_code {
    if (!parser.got_some()) return bhttp::error::end_of_stream;
    boost::system::error_code ec;
    parser.put_eof(ec);
    if (!ec && !done()) ec = bhttp::error::partial_message;
    return ec;
  };
  while (!done()) {
    if (used == bytes.size()) return closed();
    boost::system::error_code ec;
    const auto n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) {
      // What is left does not complete the next element: more would have to come.
      if (bytes.size() - used >= limits.buffer_limit()) return bhttp::error::buffer_overflow;
      if (n == 0) return closed();
    } else if (ec) {
      return ec;
    } else if (n == 0) {
      return closed();
    }
  }
  return {};
}

}  // namespace

parsed_request parse_request(std::string_view bytes, const request_limits& limits) {
  parsed_request out;
  std::optional<request_parser> fresh;
  std::size_t used = 0;
  boost::system::error_code ec;
  // Empty lines before the request line are skipped, and the request read again, once.
  for (bool first = true;; first = false) {
    fresh.emplace();
    apply_limits(*fresh, limits);
    ec = feed(*fresh, bytes, used, limits, [&] { return fresh->is_header_done(); });
    if (!ec || !first) break;
    used = leading_empty_lines(bytes);
    if (used == 0) break;
  }
  auto& parser = *fresh;
  out.consumed = used;
  if (ec == bhttp::error::end_of_stream) return out;
  if (!ec) to_origin_form(parser.get());
  if (auto problem = header_problem(parser, ec, limits)) {
    out.result = parsed_request::outcome::refused;
    out.error = std::move(problem);
    out.req = refused_request(parser);
    return out;
  }
  if (!parser.is_done()) {
    parser.eager(true);
    ec = feed(parser, bytes, used, limits, [&] { return parser.is_done(); });
    out.consumed = used;
    if (auto problem = body_problem(parser, ec, false, limits)) {
      out.result = parsed_request::outcome::refused;
      out.error = std::move(problem);
      out.req = refused_request(parser);
      return out;
    }
    if (ec) return out;
  }
  out.result = parsed_request::outcome::complete;
  out.req = parser.release();
  return out;
}

}  // namespace rodeknop::http
