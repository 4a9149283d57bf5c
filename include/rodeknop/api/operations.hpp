#pragma once
// Reference data and operations: GET /api/v1/meta, GET /healthz, GET /metrics.

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"
#include "rodeknop/http/server.hpp"

namespace rodeknop::api {

void register_operations_routes(http::router& r, services& s);

}  // namespace rodeknop::api
