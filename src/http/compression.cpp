#include "rodeknop/http/compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace rodeknop::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The quality of one list member ("gzip;q=0.5"): 1 without a q parameter, 0 when malformed.
double quality(std::string_view params) {
  while (!params.empty()) {
    const auto semicolon = params.find(';');
    auto param = trim(params.substr(0, semicolon));
    params = semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
    if (param.size() < 2 || std::tolower(static_cast<unsigned char>(param[0])) != 'q' || param[1] != '=') continue;
    const auto value = trim(param.substr(2));
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (value.empty() || value.size() > 5 || (value[0] != '0' && value[0] != '1')) return 0;
    if (value.size() > 1 && value[1] != '.') return 0;
    for (std::size_t i = 2; i < value.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(value[i]))) return 0;
    return std::strtod(std::string(value).c_str(), nullptr);
  }
  return 1;
}

// Calls fn(value, quality) for each member of a comma-separated Accept or Accept-Encoding list.
template <class Fn>
void for_each_member(std::string_view header, Fn fn) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    const auto member = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const auto semicolon = member.find(';');
    fn(trim(member.substr(0, semicolon)), semicolon == std::string_view::npos ? 1.0 : quality(member.substr(semicolon + 1)));
  }
}

}  // namespace

bool accepts_gzip(std::string_view header) {
  bool gzip_listed = false, star = false;
  double gzip_q = 0, star_q = 0;
  for_each_member(header, [&](std::string_view coding, double q) {
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip_listed = true;
      gzip_q = q;
    } else if (coding == "*") {
      star = true;
      star_q = q;
    }
  });
  if (gzip_listed) return gzip_q > 0;
  return star && star_q > 0;
}

bool prefers_csv(std::string_view header) {
  double csv = -1, json = -1, application_any = -1, any = -1;
  for_each_member(header, [&](std::string_view type, double q) {
    if (iequals(type, "text/csv")) csv = std::max(csv, q);
    else if (iequals(type, "application/json")) json = std::max(json, q);
    else if (iequals(type, "application/*")) application_any = std::max(application_any, q);
    else if (type == "*/*") any = std::max(any, q);
  });
  if (csv <= 0) return false;
  // JSON named as well: CSV only when ranked higher (on a tie, JSON is this API's own type).
  if (json >= 0) return csv > json;
  // CSV named, JSON only through a wildcard: the client's named wish wins a tie.
  return csv >= (application_any >= 0 ? application_any : any);
}

bool accepts_gzip(const request& req) {
  const auto it = req.find(boost::beast::http::field::accept_encoding);
  return it != req.end() && accepts_gzip(std::string_view(it->value().data(), it->value().size()));
}

std::optional<std::string> gzip(std::string_view data) {
  if (data.size() < compress_from_bytes) return std::nullopt;
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const auto written = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END || written >= data.size()) return std::nullopt;
  out.resize(written);
  return out;
}

encoded_body::encoded_body(std::string body) : plain(std::make_shared<const std::string>(std::move(body))) {
  if (auto packed = http::gzip(*plain)) gzip = std::make_shared<const std::string>(std::move(*packed));
}

void encoded_body::answer(request_context& ctx, response& res) const {
  // Added to what the handler already varies on (Accept where it negotiates CSV or JSON).
  const std::string before(res[boost::beast::http::field::vary]);
  res.set(boost::beast::http::field::vary, before.empty() ? "Accept-Encoding" : before + ", Accept-Encoding");
  if (gzip && accepts_gzip(ctx.req)) {
    res.set(boost::beast::http::field::content_encoding, "gzip");
    ctx.shared_body = gzip;
  } else {
    ctx.shared_body = plain;
  }
}

}  // namespace rodeknop::http
