#pragma once
// The identity repository: team accounts, sessions and API tokens. Secrets never reach the
// database: passwords as Argon2id hashes, session ids and tokens as BLAKE2b hashes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

struct user_record {
  std::string username;
  std::string role;
  std::string password_hash;
  bool disabled = false;
  domain::sys_seconds created_at{};
  domain::sys_seconds updated_at{};
};

/// Adds an account; false when the username is taken.
bool insert_user(connection& c, const user_record& u);
std::optional<user_record> find_user(connection& c, std::string_view username);
/// The account a login names: its exact name, else the one that differs only in case (A–Z, as
/// names are unique without case).
std::optional<user_record> find_user_for_login(connection& c, std::string_view username);
std::vector<user_record> list_users(connection& c);
/// Each returns false when there is no such user.
bool set_user_role(connection& c, std::string_view username, std::string_view role, domain::sys_seconds now);
/// A new password also ends the user's open sessions (a reset after a stolen password counts at once).
bool set_user_password(connection& c, std::string_view username, std::string_view hash, domain::sys_seconds now);
/// Enabled accounts with the admin role other than `except`: an admin who is the last one may
/// not be demoted or disabled through the API (nobody could administer the lists after).
std::int64_t other_enabled_admins(connection& c, std::string_view except);
/// Disabling also ends the user's open sessions.
bool set_user_disabled(connection& c, std::string_view username, bool disabled, domain::sys_seconds now);

struct session_record {
  std::string username;
  std::string role;
  std::string csrf_token;
  domain::sys_seconds created_at{};
  domain::sys_seconds last_seen_at{};
};

void insert_session(connection& c, std::string_view id_hash, std::string_view username, std::string_view csrf_token,
                    domain::sys_seconds now);
/// An open session of an enabled user, or nullopt.
std::optional<session_record> find_session(connection& c, std::string_view id_hash);
void touch_session(connection& c, std::string_view id_hash, domain::sys_seconds now);
void end_session(connection& c, std::string_view id_hash, domain::sys_seconds now);
/// Ends sessions that are past their absolute or idle lifetime and forgets long-ended ones.
std::int64_t expire_sessions(connection& c, domain::sys_seconds idle_before, domain::sys_seconds created_before);

struct token_record {
  std::int64_t id = 0;
  std::string name;
  std::string role;
  domain::sys_seconds created_at{};
  std::optional<domain::sys_seconds> last_used_at;
  std::optional<domain::sys_seconds> revoked_at;
  /// The actor that made it, as the history names it; nullopt for tokens older than the log.
  std::optional<std::string> created_by;
  /// The local account it depends on (see token_maker); nullopt: none.
  std::optional<std::string> owner;
  /// The owner is not an enabled administrator (any more): the token is refused meanwhile.
  bool suspended = false;
};

/// Who makes a token, for its owner. A local account's session makes the token depend on that
/// account (`user`); another token passes on its own owner (`via_token`, its name); the command
/// line and single sign-on make tokens without an owner (the default).
struct token_maker {
  std::optional<std::string> user;
  std::optional<std::string> via_token;
};

/// Adds a token, made by the connection's actor (actor_scope; created_by); nullopt when the
/// name is taken.
std::optional<std::int64_t> insert_token(connection& c, std::string_view name, std::string_view role,
                                         std::string_view token_hash, domain::sys_seconds now,
                                         const token_maker& maker = {});
/// A token that is neither revoked nor suspended, or nullopt.
std::optional<token_record> find_token(connection& c, std::string_view token_hash);
std::vector<token_record> list_tokens(connection& c);
void touch_token(connection& c, std::int64_t id, domain::sys_seconds now);
/// false when no unrevoked token has this name.
bool revoke_token(connection& c, std::string_view name, domain::sys_seconds now);

/// A named random server key, created (from `fresh`) on first use.
std::string server_key(connection& c, std::string_view name, std::string_view fresh);

}  // namespace rodeknop::store
