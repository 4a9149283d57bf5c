#include "rodeknop/api/submission.hpp"

#include "rodeknop/api/input.hpp"

namespace rodeknop::api {

domain::report_submission submission_from_json(const nlohmann::json& body) {
  const json_fields f(body, {"title", "procedure", "description", "impact", "suggestion", "department", "category",
                             "reporter_name", "reporter_email", "anonymous"});
  return {f.text("title"),      f.text("procedure"),  f.text("description"),
          f.text("impact"),     f.text("suggestion"), f.text("department"),
          f.text("category"),   f.text("reporter_name"), f.text("reporter_email"), {}, f.flag("anonymous")};
}

domain::report_submission submission_from_form(const util::param_list& form) {
  domain::report_submission s;
  const auto get = [&](const char* name) {
    const auto* v = util::find_param(form, name);
    return v ? *v : std::string{};
  };
  s.title = get("title");
  s.procedure = get("procedure");
  s.description = get("description");
  s.impact = get("impact");
  s.suggestion = get("suggestion");
  s.department = get("department");
  s.category = get("category");
  s.reporter_name = get("reporter_name");
  s.reporter_email = get("reporter_email");
  s.anonymous = !get("anonymous").empty();  // a checkbox: present when ticked
  return s;
}

}  // namespace rodeknop::api
