#include "rodeknop/util/crypto.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace rodeknop::util {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string token_hash(std::string_view token) {
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  return out;
}

bool plausible_token(std::string_view token, std::size_t bytes) {
  if (token.size() != sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1) return false;
  for (char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

namespace {

// The secretbox key for `key`: BLAKE2b-256 keyed with a context of its own, so that it differs
// from token_hash(key), the form key's look-up value that is stored.
std::array<unsigned char, crypto_secretbox_KEYBYTES> sealing_key(std::string_view key) {
  static constexpr std::string_view context = "rodeknop seal v1";
  std::array<unsigned char, crypto_secretbox_KEYBYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>(context.data()), context.size());
  return out;
}

}  // namespace

std::string seal(std::string_view secret, std::string_view key) {
  auto k = sealing_key(key);
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(secret.data()),
                        secret.size(), nonce, k.data());
  sodium_memzero(k.data(), k.size());
  return out;
}

std::optional<std::string> open_sealed(std::string_view sealed, std::string_view key) {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
  auto k = sealing_key(key);
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const bool opened = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                                 nonce + crypto_secretbox_NONCEBYTES,
                                                 sealed.size() - crypto_secretbox_NONCEBYTES, nonce, k.data()) == 0;
  sodium_memzero(k.data(), k.size());
  if (!opened) return std::nullopt;
  return out;
}

namespace {

constexpr std::size_t tracking_time_bytes = 6;     // milliseconds since 1970: good until the year 10889
constexpr std::size_t tracking_random_bytes = 24;  // 192 bits
constexpr std::size_t tracking_bytes = tracking_time_bytes + tracking_random_bytes;
constexpr std::size_t legacy_tracking_bytes = 32;

}  // namespace

std::string new_tracking_token(std::chrono::system_clock::time_point now) {
  std::array<unsigned char, tracking_bytes> raw{};
  auto ms = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()));
  for (std::size_t i = tracking_time_bytes; i-- > 0; ms >>= 8) raw[i] = static_cast<unsigned char>(ms & 0xff);
  randombytes_buf(raw.data() + tracking_time_bytes, tracking_random_bytes);
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::optional<std::string> tracking_key(std::string_view token) {
  if (plausible_token(token, legacy_tracking_bytes)) return token_hash(token);
  if (!plausible_token(token, tracking_bytes)) return std::nullopt;
  // 6 bytes are exactly the first 8 base64 characters.
  std::array<unsigned char, tracking_time_bytes> time{};
  std::size_t decoded = 0;
  if (sodium_base642bin(time.data(), time.size(), token.data(), 8, nullptr, &decoded, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      decoded != time.size())
    return std::nullopt;
  std::string key(reinterpret_cast<const char*>(time.data()), time.size());
  key += token_hash(token);
  return key;
}

}  // namespace rodeknop::util
