#include "rodeknop/auth/passwords.hpp"

#include <array>
#include <cctype>

#include <boost/beast/core/string.hpp>

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/util/crypto.hpp"

namespace rodeknop::auth {

namespace {

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The first guesses of every password list (and their Dutch counterparts), of 8 characters or more.
constexpr std::array<std::string_view, 24> common_passwords = {
    "password", "password1", "password123", "12345678", "123456789", "1234567890", "87654321", "qwertyui",
    "qwerty123", "iloveyou", "11111111", "00000000", "abcd1234", "abcdefgh", "welcome1", "welkom01",
    "welkom123", "wachtwoord", "wachtwoord1", "wachtwoord123", "gemeente", "denhaag1", "zomer2026", "winter2026"};

}  // namespace

std::optional<std::string> password_problem(std::string_view password, std::string_view username) {
  if (!domain::valid_utf8(password)) return "the password must be valid UTF-8 text";
  if (domain::utf8_length(password) < min_password_length)
    return "the password must have at least " + std::to_string(min_password_length) + " characters";
  if (password.size() > max_password_bytes)
    return "the password must have at most " + std::to_string(max_password_bytes) + " bytes";
  // Nobody can type a line break, a NUL or another control character into the login form
  // (C0, DEL, C1 as C2 80..C2 9F, and the line and paragraph separators E2 80 A8/A9).
  for (std::size_t i = 0; i < password.size(); ++i) {
    const auto c = static_cast<unsigned char>(password[i]);
    const auto next = i + 1 < password.size() ? static_cast<unsigned char>(password[i + 1]) : 0;
    const auto third = i + 2 < password.size() ? static_cast<unsigned char>(password[i + 2]) : 0;
    if (c < 0x20 || c == 0x7f || (c == 0xC2 && next >= 0x80 && next <= 0x9F) ||
        (c == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9)))
      return "the password must not hold control characters or line breaks";
  }
  const auto lower = ascii_lower(password);
  if (std::find(common_passwords.begin(), common_passwords.end(), lower) != common_passwords.end())
    return "the password is one of the first that anyone guessing tries; choose another";
  if (!username.empty()) {
    std::string rest = lower;
    const auto name = ascii_lower(username);
    for (auto at = rest.find(name); at != std::string::npos; at = rest.find(name)) rest.erase(at, name.size());
    if (domain::utf8_length(rest) < min_password_length)
      return "the password must have at least " + std::to_string(min_password_length) +
             " characters besides the account's name";
  }
  return std::nullopt;
}

std::string hash_password(std::string_view password, hash_cost cost) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > max_password_bytes) return false;
  const std::string h(hash);  // NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view hash, hash_cost cost) {
  const std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), cost.ops, cost.memory_bytes) != 0;
}

const std::string& decoy_hash() {
  static const std::string hash = [] {
    util::init_crypto();
    return hash_password(util::random_token(24));
  }();
  return hash;
}

std::optional<std::string> username_problem(std::string_view u) {
  if (u.empty() || u.size() > 64) return "must have 1 to 64 characters";
  for (const char c : u)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
          c == '_' || c == '@'))
      return "may only hold letters, digits and . - _ @";
  if (std::none_of(u.begin(), u.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      }))
    return "must hold at least one letter or digit";
  // The history names the reporter `reporter` (CONTRACT.md): no account may look like them.
  if (boost::beast::iequals(u, "reporter")) return "is reserved: the history names the reporter so";
  return std::nullopt;
}

std::optional<std::string> token_name_problem(std::string_view name) {
  if (name.empty() || name.size() > 64) return "must have 1 to 64 characters";
  for (const char c : name)
    // A slash could never be named in DELETE /api/v1/tokens/{name}.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/') return "must not hold control characters or /";
  if (!domain::valid_utf8(name)) return "must be valid UTF-8 text";
  if (domain::shows_nothing(name)) return "must show something (not only spaces or invisible characters)";
  if (name.front() == ' ' || name.back() == ' ') return "must not begin or end with a space";
  if (domain::has_direction_controls(name)) return "must not hold direction overrides (U+202A..U+202E, U+2066..U+2069)";
  return std::nullopt;
}

}  // namespace rodeknop::auth
