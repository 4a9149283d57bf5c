// JSON request validation: a POST /api/v1/reports (and a reply) body through the strict JSON
// decoding (api::parse_json_object, api::json_fields) and domain::validate. Every input must
// end in a submission, a 400 or a list of field errors — never another exception or a crash —
// and a submission that validates keeps every rule of the contract.
#include "fuzz_support.hpp"
#include "rodeknop/api/input.hpp"
#include "rodeknop/api/submission.hpp"
#include "rodeknop/domain/report.hpp"

namespace api = rodeknop::api;
namespace domain = rodeknop::domain;
namespace http = rodeknop::http;

namespace {

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

void check_valid(const domain::report_submission& s, const domain::reference_lists& lists) {
  using limits = domain::field_limits;
  FUZZ_REQUIRE(!s.title.empty() && code_points(s.title) <= limits::title);
  FUZZ_REQUIRE(!s.procedure.empty() && code_points(s.procedure) <= limits::procedure);
  FUZZ_REQUIRE(!s.description.empty() && code_points(s.description) <= limits::description);
  FUZZ_REQUIRE(code_points(s.impact) <= limits::impact);
  FUZZ_REQUIRE(code_points(s.suggestion) <= limits::suggestion);
  FUZZ_REQUIRE(code_points(s.reporter_name) <= limits::reporter_name);
  FUZZ_REQUIRE(code_points(s.reporter_email) <= limits::reporter_email);
  FUZZ_REQUIRE(lists.departments.count(s.department) == 1);
  FUZZ_REQUIRE(lists.categories.count(s.category) == 1);
  // Single-line fields carry no line breaks once valid.
  for (const auto* f : {&s.title, &s.procedure, &s.reporter_name, &s.reporter_email})
    FUZZ_REQUIRE(f->find_first_of("\r\n") == std::string::npos);
  // Valid text is valid JSON text again (the API sends it back).
  FUZZ_REQUIRE(!nlohmann::json(s.description).dump().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const domain::reference_lists lists{{"szw", "publiekszaken", "belastingen"},
                                             {"formulier_brief", "regel_beleid", "ict_systeem"}};
  http::request req{http::verb::post, "/api/v1/reports", 11};
  req.set(http::field::content_type, "application/json");
  req.body() = std::string(fuzz_bytes(data, size));
  try {
    const auto body = api::parse_json_object(req);
    try {
      auto submission = api::submission_from_json(body);
      const auto errors = domain::validate(submission, lists);
      for (const auto& e : errors) {
        FUZZ_REQUIRE(!e.field.empty());
        FUZZ_REQUIRE(!domain::message_en(e).empty());
        FUZZ_REQUIRE(!domain::message_nl(e).empty());
      }
      if (errors.empty()) check_valid(submission, lists);
    } catch (const http::api_error& e) {
      FUZZ_REQUIRE(e.http_status == http::status::bad_request);
      FUZZ_REQUIRE(!e.fields.empty());  // names the unknown or mistyped field
    }
    // The same object as a reply to a report.
    try {
      auto reply = api::json_fields(body, {"body"}).text("body");
      const auto errors = domain::validate_reply(reply);
      if (errors.empty()) FUZZ_REQUIRE(!reply.empty() && code_points(reply) <= domain::field_limits::reply_body);
    } catch (const http::api_error& e) {
      FUZZ_REQUIRE(e.http_status == http::status::bad_request);
    }
  } catch (const http::api_error& e) {
    FUZZ_REQUIRE(e.http_status == http::status::bad_request);
    // Not JSON, not an object, or an object that names a field twice (that field named).
    FUZZ_REQUIRE(e.code == "invalid_json" || (e.code == "duplicate_field" && e.fields.size() == 1));
  }
  return 0;
}
