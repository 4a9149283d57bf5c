#pragma once
// The login page (/login, with a plain HTML form that needs no script), the logout form
// target (/logout), and what a browser sees when the gate refuses a page.

#include <nlohmann/json.hpp>

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::web {

void register_login_routes(http::router& r, services& s);

/// For a page request the gate refused: 401 → 303 to /login?next=<this page>, 403 → a Dutch page.
http::response refused_page(services& s, const http::api_error& e, const http::request_context& ctx);

/// The `user` object the page header shows (name, role, links, logout form with CSRF token).
nlohmann::json user_json(const auth::principal& who);

/// Where to go after login: `next` when it is a local path, else the role's start page.
std::string landing_path(std::string_view next, const auth::principal& who);

}  // namespace rodeknop::web
