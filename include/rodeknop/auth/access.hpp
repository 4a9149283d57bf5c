#pragma once
// Who may do what. Every route of the router declares one `access` level (there is no way to
// add a route without it); the application authenticates the request and checks the level
// before the handler runs. Roles are those of PRODUCT.md.

#include <optional>
#include <string>
#include <string_view>

namespace rodeknop::auth {

enum class role { triager, manager, admin };

std::optional<role> parse_role(std::string_view s);
std::string_view to_string(role r);

/// What a route needs.
enum class access {
  anyone,           // reporters' endpoints, pages that check for themselves, health, meta
  team,             // any logged-in team member (session info, the event stream)
  read_reports,     // triager, manager, admin (managers without reporter identity)
  change_reports,   // triager, admin
  read_statistics,  // manager, admin
  administer,       // admin
};

std::string_view to_string(access a);

/// True when a member with role `r` may use a route that needs `a`.
bool allows(access a, role r);

/// How the request was authenticated.
enum class method { session, token, proxy };

/// The authenticated caller of a request.
struct principal {
  std::string username;          // account, token name ("token:NAME") or SSO user name
  std::optional<role> team_role; // empty: an identified civil servant without a team role (SSO)
  auth::method via = method::session;
  std::string csrf_token;        // what state-changing requests must echo in X-CSRF-Token

  /// Reporter name, e-mail and SSO identity are for triagers and admins only.
  bool sees_reporter_identity() const { return team_role && *team_role != role::manager; }
  bool has(access a) const { return a == access::anyone || (team_role && allows(a, *team_role)); }
};

}  // namespace rodeknop::auth
