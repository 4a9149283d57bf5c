#pragma once
// Decoding a reporter's submission (POST /api/v1/reports) from a JSON object or an HTML form
// into the domain struct, before domain::validate checks its values. Strict: unknown JSON
// fields and fields of the wrong type are 400 (api_error).

#include <nlohmann/json.hpp>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/util/url.hpp"

namespace rodeknop::api {

domain::report_submission submission_from_json(const nlohmann::json& body);
domain::report_submission submission_from_form(const util::param_list& form);

}  // namespace rodeknop::api
