#pragma once
// The checks every request passes before the application sees it: the header and body limits
// (431, 413) and framing that could smuggle a request past a proxy (400; Beast 1.81 lets some
// of it through). The server calls them after each read; they need no socket, so tests and
// the fuzzers (tests/fuzz) run the very same code on raw bytes with `parse_request`.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <algorithm>
#include <functional>

#include "rodeknop/http/message.hpp"

namespace rodeknop::http {

using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

struct request_limits {
  std::size_t header_limit = 8 * 1024;  // → 431
  std::size_t body_limit = 64 * 1024;   // → 413
  /// Requests for which `encoded_body_allowed` holds may send up to this much: room for the
  /// escapes of JSON and forms (up to 12 bytes for one character) around content that itself
  /// keeps to `body_limit`, which their handler checks after decoding. 0: no such requests.
  std::size_t encoded_body_limit = 0;
  std::function<bool(const request&)> encoded_body_allowed;

  /// The most any request may send.
  std::size_t largest_body() const { return std::max(body_limit, encoded_body_limit); }
  /// What this request may send.
  std::size_t body_limit_for(const request& h) const {
    return encoded_body_limit > body_limit && encoded_body_allowed && encoded_body_allowed(h) ? encoded_body_limit
                                                                                              : body_limit;
  }
  /// The read buffer holds at most this much (header, body and a little of what follows).
  std::size_t buffer_limit() const { return header_limit + largest_body() + 4096; }
};

/// Sets a fresh parser's limits (use one parser per request).
void apply_limits(request_parser& parser, const request_limits& limits);

/// Framing that could smuggle a request: both Transfer-Encoding and Content-Length, a
/// Transfer-Encoding other than exactly `chunked` or on HTTP/1.0, repeated or malformed
/// Content-Length. The reason, or nullopt.
std::optional<std::string> smuggling_problem(const request_parser& parser);

/// The 413 for a body over `body_limit` bytes (also what a handler answers when a body let in for
/// its escapes says too much once decoded).
api_error body_too_large(std::size_t body_limit);

/// After reading a request header with result `ec` (not end-of-stream): the error to answer
/// before closing the connection, or nullopt when the request may go on.
std::optional<api_error> header_problem(const request_parser& parser, boost::system::error_code ec,
                                        const request_limits& limits);

/// After reading a body with result `ec`: the error to answer (413, or 408 when the body
/// timed out), or nullopt — then the connection just closes if `ec` is set.
std::optional<api_error> body_problem(const request_parser& parser, boost::system::error_code ec, bool timed_out,
                                      const request_limits& limits);

/// How many bytes of empty lines (CRLF, or a bare LF) lead `bytes` and are skipped before a
/// request line (RFC 9112 2.2: at least one; up to four are, more are the parser's to refuse).
std::size_t leading_empty_lines(std::string_view bytes);

/// An absolute-form target (`http://host/path?query`, RFC 9112 3.2.2) turned into the origin-form
/// the rest of the server reads (`/path?query`); other targets stay as they are.
void to_origin_form(request& req);

/// Whether a Host header value is valid (RFC 9112 3.2, RFC 3986 3.2.2): a reg-name, an IPv4
/// address or a bracketed IPv6 literal, with an optional port 1-65535. Empty is not: every
/// target of this server is an `http` URI, which has a host (RFC 9110 4.2.1).
bool valid_host(std::string_view host);

/// Whether the connection stays open after this request: HTTP/1.1 unless a `close` option, HTTP/1.0
/// only with `keep-alive` — every Connection header line counts (RFC 9112 9.3, 9.6).
bool keep_alive(const request& req);

/// The request line of a refused request as far as it was read, for the access log and the
/// metrics: its method when known (never throws, also when the line was not understood).
request refused_request(const request_parser& parser);

/// One request parsed from the start of `bytes` exactly as the server reads it from a socket
/// whose peer sent `bytes` and then closed its side.
struct parsed_request {
  enum class outcome {
    complete,  // a complete request that passed every check: `req`
    refused,   // answered with `error`, then the connection closes
    closed,    // the peer closed (or sent an incomplete request): no answer
  };
  outcome result = outcome::closed;
  request req;  // for `refused`: refused_request()
  std::optional<api_error> error;
  std::size_t consumed = 0;  // bytes of `bytes` that belong to this request
};
parsed_request parse_request(std::string_view bytes, const request_limits& limits);

}  // namespace rodeknop::http
