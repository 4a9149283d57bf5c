#pragma once
// Randomness and hashing through libsodium.

#include <cstddef>
#include <string>
#include <string_view>

namespace rodeknop::util {

/// Initialises libsodium; throws if it cannot. Safe to call more than once.
void init_crypto();

/// A URL-safe token (base64url, no padding) of `bytes` random bytes from libsodium's CSPRNG.
std::string random_token(std::size_t bytes = 32);

/// BLAKE2b-256 of a token, as 32 raw bytes: what the database stores instead of the token.
std::string token_hash(std::string_view token);

/// True when `token` looks like one of ours (base64url of the right length), checked before
/// any database look-up.
bool plausible_token(std::string_view token, std::size_t bytes = 32);

}  // namespace rodeknop::util
