// Form decoding: an application/x-www-form-urlencoded body (the report form without
// JavaScript) through util::parse_form, util::percent_decode and the submission decoding and
// validation the server runs on it. Decoding and encoding must be inverse.
#include "fuzz_support.hpp"
#include "rodeknop/api/submission.hpp"
#include "rodeknop/domain/report.hpp"
#include "rodeknop/util/url.hpp"

namespace api = rodeknop::api;
namespace domain = rodeknop::domain;
namespace util = rodeknop::util;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const domain::reference_lists lists{{"szw", "publiekszaken"}, {"formulier_brief", "regel_beleid"}};
  const auto bytes = fuzz_bytes(data, size);

  for (const bool plus_is_space : {false, true}) {
    if (const auto decoded = util::percent_decode(bytes, plus_is_space)) {
      FUZZ_REQUIRE(decoded->size() <= bytes.size());
      const auto again = util::percent_decode(fuzz_percent_encode(*decoded), plus_is_space);
      FUZZ_REQUIRE(again && *again == *decoded);
    } else {
      FUZZ_REQUIRE(bytes.find('%') != std::string_view::npos);  // only a bad escape is refused
    }
  }

  const auto form = util::parse_form(bytes);
  if (!form) return 0;
  // Encoding the pairs again gives the same pairs.
  std::string encoded;
  for (const auto& [name, value] : *form) {
    if (!encoded.empty()) encoded += '&';
    encoded += fuzz_percent_encode(name) + "=" + fuzz_percent_encode(value);
  }
  const auto reparsed = util::parse_form(encoded);
  FUZZ_REQUIRE(reparsed.has_value());
  FUZZ_REQUIRE(reparsed->size() == form->size());
  for (std::size_t i = 0; i < form->size(); ++i) {
    // An empty name with an empty value ("=") is kept as a pair; encoded it is "=" again.
    FUZZ_REQUIRE((*reparsed)[i] == (*form)[i]);
  }
  for (const auto& [name, value] : *form) FUZZ_REQUIRE(util::find_param(*form, name) != nullptr);

  auto submission = api::submission_from_form(*form);
  const auto errors = domain::validate(submission, lists);
  for (const auto& e : errors) FUZZ_REQUIRE(!domain::message_nl(e).empty());
  return 0;
}
