#pragma once
// Content coding for large answers (RFC 9110 §8.4, §12.5.3): the dashboards' JSON compresses
// to a fraction of its size, and a browser always offers gzip. Only cached answers are
// compressed, once when they are made, so a request never pays for it.
//
//   http::encoded_body body(json.dump());     // once, when the answer is made and cached
//   body.answer(ctx, res);                    // per request: plain or gzip, never copied

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rodeknop/http/message.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::http {

/// Bodies smaller than this go out as they are: compression would save a packet at most.
inline constexpr std::size_t compress_from_bytes = 1024;

/// Whether the request's Accept-Encoding lists `gzip` (or `*`) with a quality above zero.
bool accepts_gzip(const request& req);
/// The same for the header's value alone (for tests).
bool accepts_gzip(std::string_view accept_encoding);

/// Whether an Accept header asks for CSV rather than JSON: `text/csv` listed with a quality above
/// zero and above that of `application/json` when that is named too (a tie gives JSON), else at
/// least that of `application/*` or `*/*`. `text/csv;q=0` gives JSON. (Shares the q-value parser.)
bool prefers_csv(std::string_view accept);

/// `data` as a gzip member (zlib, default level); nullopt when the result is not smaller.
std::optional<std::string> gzip(std::string_view data);

/// A finished body kept as it is and gzip-compressed (when that makes it smaller), to be sent
/// to many requests without a copy (http::request_context::shared_body).
struct encoded_body {
  std::shared_ptr<const std::string> plain;
  std::shared_ptr<const std::string> gzip;  // null when compression would not make it smaller

  explicit encoded_body(std::string body);
  /// Bytes held, both versions together.
  std::size_t size() const { return plain->size() + (gzip ? gzip->size() : 0); }
  /// Answers `ctx` with the version its client accepts; `res` gets `Vary: Accept-Encoding`,
  /// and `Content-Encoding: gzip` when that is the one sent.
  void answer(request_context& ctx, response& res) const;
};

}  // namespace rodeknop::http
