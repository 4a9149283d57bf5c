#pragma once
// Password hashing with Argon2id through libsodium. The hash string carries its own
// parameters ($argon2id$v=19$m=...,t=...,p=...$salt$hash), so they can be raised later:
// a login with an older hash stores a new one.

#include <optional>
#include <string>
#include <string_view>

namespace rodeknop::auth {

/// Argon2id cost. The defaults follow OWASP's recommendation (19 MiB, 2 passes), which keeps a
/// burst of logins within the server's small memory budget.
struct hash_cost {
  unsigned long long ops = 2;
  std::size_t memory_bytes = 19 * 1024 * 1024;
};

// At least 8 characters, NIST SP 800-63B's floor (and GitLab's and Gitea's default); no rules on
// kinds of characters, long passphrases welcome.
inline constexpr std::size_t min_password_length = 8;    // characters
inline constexpr std::size_t max_password_bytes = 1024;  // hashing cost is bounded

/// Why a new password is not acceptable (English), or nullopt when it is: also one of the
/// passwords every guesser tries first, and one that is little more than the account's name
/// (`username`; with the name taken out, fewer than min_password_length characters remain).
std::optional<std::string> password_problem(std::string_view password, std::string_view username = {});

/// Why a new account name is not acceptable (1 to 64 of letters, digits and . - _ @), or nullopt.
std::optional<std::string> username_problem(std::string_view username);

/// Why an API token's name is not acceptable (1 to 64 printable characters), or nullopt.
std::optional<std::string> token_name_problem(std::string_view name);

/// A new Argon2id hash string; throws std::runtime_error when out of memory.
std::string hash_password(std::string_view password, hash_cost cost = {});

/// Constant-time check against a stored hash string.
bool verify_password(std::string_view hash, std::string_view password);

/// True when `hash` was made with other parameters than `cost` (then it is replaced at login).
bool needs_rehash(std::string_view hash, hash_cost cost = {});

/// A valid hash of a random password, checked against when the user does not exist so that
/// both failures take the same time.
const std::string& decoy_hash();

}  // namespace rodeknop::auth
