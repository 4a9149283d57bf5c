// Tracking tokens (CONTRACT.md: at least 128 bits of randomness) and their hashes, which are
// what the database stores instead of the token.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "rodeknop/util/crypto.hpp"

namespace util = rodeknop::util;

namespace {

bool is_base64url(const std::string& s) {
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

// Decodes base64url without padding; the number of bytes, or -1 when it does not decode.
long decoded_size(const std::string& token) {
  std::vector<unsigned char> bin(token.size());
  std::size_t len = 0;
  if (sodium_base642bin(bin.data(), bin.size(), token.data(), token.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return -1;
  return static_cast<long>(len);
}

}  // namespace

TEST_CASE("init_crypto can be called more than once", "[crypto]") {
  REQUIRE_NOTHROW(util::init_crypto());
  REQUIRE_NOTHROW(util::init_crypto());
}

TEST_CASE("random tokens are 43 base64url characters carrying 32 random bytes", "[crypto][token]") {
  util::init_crypto();
  const auto token = util::random_token();
  CHECK(token.size() == 43);
  CHECK(is_base64url(token));
  CHECK(decoded_size(token) == 32);  // 256 bits, well over the 128 the contract asks
  CHECK(util::plausible_token(token));

  const auto small = util::random_token(16);
  CHECK(small.size() == 22);
  CHECK(decoded_size(small) == 16);
  CHECK(util::plausible_token(small, 16));
  CHECK_FALSE(util::plausible_token(small));
  CHECK_FALSE(util::plausible_token(token, 16));
}

TEST_CASE("tokens do not repeat over 1000 draws", "[crypto][token]") {
  util::init_crypto();
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto t = util::random_token();
    if (t.size() != 43 || !is_base64url(t) || !util::plausible_token(t)) FAIL_CHECK("bad token " << t);
    seen.insert(t);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("plausible_token rejects wrong lengths and characters", "[crypto][token]") {
  util::init_crypto();
  const auto token = util::random_token();
  REQUIRE(util::plausible_token(token));
  CHECK_FALSE(util::plausible_token(""));
  CHECK_FALSE(util::plausible_token(token.substr(0, 42)));
  CHECK_FALSE(util::plausible_token(token + "A"));
  CHECK_FALSE(util::plausible_token(token + "="));  // padded
  for (const char bad : {'+', '/', '=', '.', ' ', '%', '\0', '~'}) {
    std::string t = token;
    t[20] = bad;
    INFO("character " << static_cast<int>(bad));
    CHECK_FALSE(util::plausible_token(t));
  }
  // Non-ASCII of the right byte length.
  std::string utf8 = token.substr(0, 41) + "\xC3\xAB";
  REQUIRE(utf8.size() == 43);
  CHECK_FALSE(util::plausible_token(utf8));
  // A path traversal attempt of the right length.
  CHECK_FALSE(util::plausible_token(std::string("../../../../../../../../../../../etc/passwd")));
}

TEST_CASE("tracking tokens: 40 base64url characters, the time in milliseconds then 192 random bits",
          "[crypto][token][tracking]") {
  util::init_crypto();
  using namespace std::chrono;
  const auto at = system_clock::time_point{milliseconds{1795000000123}};  // 2026-11-18
  const auto token = util::new_tracking_token(at);
  REQUIRE(token.size() == 40);
  CHECK(is_base64url(token));
  CHECK(decoded_size(token) == 30);
  std::array<unsigned char, 30> raw{};
  std::size_t len = 0;
  REQUIRE(sodium_base642bin(raw.data(), raw.size(), token.data(), token.size(), nullptr, &len, nullptr,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
  std::uint64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | raw[static_cast<std::size_t>(i)];
  CHECK(ms == 1795000000123);

  // The random part differs between tokens of the same millisecond, over 1000 draws.
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(util::new_tracking_token(at));
  CHECK(seen.size() == 1000);
  for (const auto& t : seen) CHECK(t.substr(0, 8) == token.substr(0, 8));
}

TEST_CASE("tracking_key: time prefix and hash for new tokens, the hash alone for old ones", "[crypto][token][tracking]") {
  util::init_crypto();
  using namespace std::chrono;
  const auto t0 = system_clock::time_point{milliseconds{1795000000123}};
  const auto token = util::new_tracking_token(t0);
  const auto key = util::tracking_key(token);
  REQUIRE(key.has_value());
  REQUIRE(key->size() == 38);
  CHECK(hex(key->substr(0, 6)) == "01a1ee565e7b");  // 1795000000123 big-endian
  CHECK(key->substr(6) == util::token_hash(token));
  CHECK(util::tracking_key(token) == key);

  // Keys of tokens made later sort later: new reports append to the index.
  const auto later = util::tracking_key(util::new_tracking_token(t0 + milliseconds{1}));
  const auto much_later = util::tracking_key(util::new_tracking_token(t0 + hours{24 * 365}));
  CHECK(*key < *later);
  CHECK(*later < *much_later);

  // Tracking links handed out before (43 characters, 32 random bytes) keep working: their key is
  // the hash they were stored under.
  const auto legacy = util::random_token();
  CHECK(util::tracking_key(legacy) == util::token_hash(legacy));

  // Anything else is no token.
  CHECK_FALSE(util::tracking_key(""));
  CHECK_FALSE(util::tracking_key(token.substr(0, 39)));
  CHECK_FALSE(util::tracking_key(token + "A"));
  CHECK_FALSE(util::tracking_key(token.substr(0, 39) + "="));
  CHECK_FALSE(util::tracking_key(token.substr(0, 20) + "/" + token.substr(21)));
  CHECK_FALSE(util::tracking_key("../../../../../../../../../../../etc/pas"));
}

TEST_CASE("token_hash is BLAKE2b-256: 32 bytes, deterministic, different per token", "[crypto][hash]") {
  util::init_crypto();
  const auto a = util::random_token();
  const auto b = util::random_token();
  REQUIRE(a != b);
  const auto ha = util::token_hash(a);
  CHECK(ha.size() == 32);
  CHECK(util::token_hash(a) == ha);
  CHECK(util::token_hash(b) != ha);
  CHECK(util::token_hash(b).size() == 32);
  CHECK(ha.find(a) == std::string::npos);
  // One character different gives a different hash.
  std::string a2 = a;
  a2[0] = a2[0] == 'A' ? 'B' : 'A';
  CHECK(util::token_hash(a2) != ha);
  // Known answers: the stored hashes must stay the same across versions, or every tracking link
  // already handed out would stop working.
  CHECK(hex(util::token_hash("")) == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  CHECK(hex(util::token_hash("abc")) == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST_CASE("seal and open_sealed: only the same key opens, and a changed seal opens for nobody", "[crypto][seal]") {
  util::init_crypto();
  const std::string secret = util::new_tracking_token(std::chrono::system_clock::now());
  const auto key = util::random_token(16);
  const auto sealed = util::seal(secret, key);
  CHECK(sealed.find(secret) == std::string::npos);  // the secret is not in the seal
  CHECK(util::open_sealed(sealed, key) == secret);
  CHECK(util::seal(secret, key) != sealed);  // a fresh nonce every time
  CHECK_FALSE(util::open_sealed(sealed, util::random_token(16)));
  auto changed = sealed;
  changed.back() = static_cast<char>(changed.back() ^ 1);
  CHECK_FALSE(util::open_sealed(changed, key));
  CHECK_FALSE(util::open_sealed(sealed.substr(0, 20), key));
  CHECK_FALSE(util::open_sealed("", key));
}
