#pragma once
// Content coding for large answers (RFC 9110 §8.4, §12.5.3): the dashboards' JSON compresses
// to a fraction of its size, and a browser always offers gzip. Only cached answers are
// compressed, once when they are made, so a request never pays for it.
//
//   if (http::accepts_gzip(req)) ...          // Accept-Encoding: gzip, deflate, br
//   auto packed = http::gzip(body);           // nullopt when it would not be smaller

#include <optional>
#include <string>
#include <string_view>

#include "rodeknop/http/message.hpp"

namespace rodeknop::http {

/// Bodies smaller than this go out as they are: compression would save a packet at most.
inline constexpr std::size_t compress_from_bytes = 1024;

/// Whether the request's Accept-Encoding lists `gzip` (or `*`) with a quality above zero.
bool accepts_gzip(const request& req);
/// The same for the header's value alone (for tests).
bool accepts_gzip(std::string_view accept_encoding);

/// `data` as a gzip member (zlib, default level); nullopt when the result is not smaller.
std::optional<std::string> gzip(std::string_view data);

}  // namespace rodeknop::http
