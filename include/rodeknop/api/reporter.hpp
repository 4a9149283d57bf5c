#pragma once
// The reporter's endpoints (no login): submit a report, follow it, add information.
//   POST /api/v1/reports                   JSON → 201; HTML form → 303 to the confirmation
//   GET  /api/v1/track/{tracking_token}    the reporter's view
//   POST /api/v1/track/{tracking_token}/replies

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::api {

void register_reporter_routes(http::router& r, services& s);

}  // namespace rodeknop::api
