#pragma once
// Decoding of request targets, query strings and HTML form bodies.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rodeknop::util {

using param_list = std::vector<std::pair<std::string, std::string>>;

/// Percent-decoding; `plus_is_space` for application/x-www-form-urlencoded. nullopt on a
/// malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

/// "a=1&b=two" → pairs, in order. nullopt when any part is malformed.
std::optional<param_list> parse_form(std::string_view body);

/// The first value of `name`, if present.
const std::string* find_param(const param_list& params, std::string_view name);

/// A request target split into its decoded path and its query parameters.
struct target {
  std::string path;   // percent-decoded
  param_list query;
};

/// nullopt for a target that is not origin-form or is malformed.
std::optional<target> parse_target(std::string_view raw);

}  // namespace rodeknop::util
