#pragma once
// The administrator's lists of departments and categories (PRODUCT.md: "the lists of
// departments and categories ... editable by the admin"); admin only:
//   GET   /api/v1/departments          every entry, active or not, in order
//   POST  /api/v1/departments          add {key, label, position?, active?}
//   PATCH /api/v1/departments/{key}    change {label?, position?, active?}; keys never change
// and the same under /api/v1/categories. Entries are never deleted, only deactivated: old
// reports keep their key, and its label stays readable (meta's former_* lists). Changes show in
// /api/v1/meta and the pages at once; changes by the command line within five seconds.

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::api {

void register_list_routes(http::router& r, services& s);

}  // namespace rodeknop::api
