// Query parsing: request targets ("/api/v1/reports?status=new,accepted&q=...") through
// util::parse_target, the decoding every handler's query parameters come from.
#include "fuzz_support.hpp"
#include "rodeknop/util/url.hpp"

namespace util = rodeknop::util;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto raw = fuzz_bytes(data, size);
  const auto target = util::parse_target(raw);
  if (!target) return 0;
  FUZZ_REQUIRE(!raw.empty() && raw.front() == '/');
  FUZZ_REQUIRE(!target->path.empty() && target->path.front() == '/');

  // Encoded again (path segment by segment, query as a form), it decodes to the same target.
  std::string again = "/" + fuzz_percent_encode(std::string_view(target->path).substr(1));
  std::string query;
  for (const auto& [name, value] : target->query) {
    if (!query.empty()) query += '&';
    query += fuzz_percent_encode(name) + "=" + fuzz_percent_encode(value);
  }
  if (!query.empty()) again += "?" + query;
  const auto reparsed = util::parse_target(again);
  FUZZ_REQUIRE(reparsed.has_value());
  FUZZ_REQUIRE(reparsed->path == target->path);
  FUZZ_REQUIRE(reparsed->query == target->query);
  for (const auto& [name, value] : target->query) {
    const auto* first = util::find_param(target->query, name);
    FUZZ_REQUIRE(first != nullptr);
  }
  return 0;
}
