#pragma once
// Logging in and out: POST, GET and DELETE /api/v1/session.

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::api {

void register_session_routes(http::router& r, services& s);

/// {"username", "role", "csrf_token"} for a principal.
nlohmann::json session_json(const auth::principal& who);

}  // namespace rodeknop::api
