#pragma once
// The administrator's accounts and API tokens over HTTP (PRODUCT.md: the admin manages
// accounts, roles and API tokens "with the CLI and the admin API"); admin only:
//   GET    /api/v1/users               every account (never a password hash)
//   POST   /api/v1/users               add {username, role, password}
//   PATCH  /api/v1/users/{username}    change {role?, disabled?, password?}
//   GET    /api/v1/tokens              every token (never the secret)
//   POST   /api/v1/tokens              create {name, role}: the token is in this answer only
//   DELETE /api/v1/tokens/{name}       revoke (refused from the next request on)
// The same rules as `rodeknop user ...` and `rodeknop token ...`; the last enabled admin
// account cannot be demoted or disabled here.

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::api {

void register_account_routes(http::router& r, services& s);

}  // namespace rodeknop::api
