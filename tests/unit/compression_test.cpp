// Content coding: which clients get gzip (Accept-Encoding with quality values), and that what
// is sent inflates back to exactly the answer.
#include <catch2/catch.hpp>

#include <string>

#include "../gunzip.hpp"
#include "rodeknop/http/compression.hpp"

namespace http = rodeknop::http;

using rk_test_support::gunzip;

TEST_CASE("gzip is sent only to clients that accept it", "[http][compression]") {
  CHECK(http::accepts_gzip("gzip, deflate, br"));        // Chromium, Firefox
  CHECK(http::accepts_gzip("GZIP"));
  CHECK(http::accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
  CHECK(http::accepts_gzip("x-gzip"));
  CHECK(http::accepts_gzip("*"));
  CHECK(http::accepts_gzip("identity, gzip ; q=0.5"));
  CHECK_FALSE(http::accepts_gzip(""));
  CHECK_FALSE(http::accepts_gzip("identity"));
  CHECK_FALSE(http::accepts_gzip("br, deflate"));
  CHECK_FALSE(http::accepts_gzip("gzip;q=0"));
  CHECK_FALSE(http::accepts_gzip("gzip;q=0.000"));
  CHECK_FALSE(http::accepts_gzip("*;q=0"));
  CHECK_FALSE(http::accepts_gzip("*, gzip;q=0"));      // named coding wins over the wildcard
  CHECK_FALSE(http::accepts_gzip("gzip;q=banana"));     // a malformed quality is no consent
  CHECK_FALSE(http::accepts_gzip("gzip;q=2"));
  CHECK_FALSE(http::accepts_gzip("gzipped"));
}

TEST_CASE("gzip output inflates to the input, and small or incompressible bodies stay as they are",
          "[http][compression]") {
  std::string json = "{\"queue\":[";
  for (int i = 0; i < 400; ++i) json += "{\"title\":\"Drie keer dezelfde gegevens invullen\",\"id\":" + std::to_string(i) + "},";
  json += "{}]}";
  const auto packed = http::gzip(json);
  REQUIRE(packed);
  CHECK(packed->size() * 5 < json.size());
  CHECK(static_cast<unsigned char>((*packed)[0]) == 0x1f);  // gzip magic
  CHECK(static_cast<unsigned char>((*packed)[1]) == 0x8b);
  CHECK(gunzip(*packed) == json);

  CHECK_FALSE(http::gzip("{\"status\":\"ok\"}"));  // below compress_from_bytes
  std::string noise(4096, '\0');
  std::uint32_t x = 2463534242u;
  for (auto& ch : noise) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    ch = static_cast<char>(x & 0xff);
  }
  CHECK_FALSE(http::gzip(noise));  // would not be smaller
}

TEST_CASE("Accept chooses CSV only when text/csv ranks at least as high as JSON", "[http][negotiation]") {
  CHECK(http::prefers_csv("text/csv"));
  CHECK(http::prefers_csv("text/csv, application/json;q=0.9"));
  CHECK(http::prefers_csv("TEXT/CSV;charset=utf-8"));
  CHECK(http::prefers_csv("text/csv, */*"));  // listed by name: the client's wish
  CHECK(http::prefers_csv("application/json;q=0.5, text/csv;q=0.8"));
  CHECK_FALSE(http::prefers_csv(""));
  CHECK_FALSE(http::prefers_csv("*/*"));
  CHECK_FALSE(http::prefers_csv("application/json"));
  CHECK_FALSE(http::prefers_csv("application/json;q=1, text/csv;q=0"));
  CHECK_FALSE(http::prefers_csv("text/csv;q=0.1, application/json"));
  // Both named with the same quality: JSON, the API's own type, whatever the order.
  CHECK_FALSE(http::prefers_csv("application/json, text/csv"));
  CHECK_FALSE(http::prefers_csv("text/csv, application/json"));
  CHECK(http::prefers_csv("text/csv, application/*"));
  CHECK_FALSE(http::prefers_csv("text/csv;q=0.1, application/*"));
  CHECK_FALSE(http::prefers_csv("text/csv;q=bogus"));
}
