#pragma once
// Randomness and hashing through libsodium.

#include <chrono>
#include <cstddef>
#include <optional>
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

/// A reporter's tracking token: 30 bytes, base64url (40 characters): the creation time in
/// milliseconds since the epoch (6 bytes, big-endian) followed by 24 random bytes (192 bits).
/// The time is there for the database, not for security: see tracking_key.
std::string new_tracking_token(std::chrono::system_clock::time_point now);

/// `secret` sealed (XSalsa20-Poly1305, libsodium's secretbox, a random nonce in front) under a
/// key derived from `key`; open_sealed gives it back, or nullopt when it was sealed under another
/// key or changed. For a secret kept only for whoever holds `key` (a form's key: its report's
/// tracking token).
std::string seal(std::string_view secret, std::string_view key);
std::optional<std::string> open_sealed(std::string_view sealed, std::string_view key);

/// The key a report is stored and found under for its tracking token, or nullopt for a string
/// that is no tracking token. For a token of new_tracking_token: its 6 time bytes followed by
/// the token's BLAKE2b-256 (38 bytes), so that reports made one after another sit side by side
/// in the index (a key of pure hash lands on a random page of it: with a million reports, one
/// extra 4 KiB page written to the WAL and again to the database for every report).
/// For a token of 43 characters (32 random bytes, issued before 2026-11-29): its hash alone.
/// The token itself is never stored.
std::optional<std::string> tracking_key(std::string_view token);

}  // namespace rodeknop::util
