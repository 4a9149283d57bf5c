#pragma once
// Server-side HTML from templates in static/templates/: a subset of Mustache over JSON data.
//   {{name}} {{a.b}} {{.}}   the value, always HTML-escaped (there is no unescaped form)
//   {{#name}}…{{/name}}      block if truthy; repeated for each element of an array
//   {{^name}}…{{/name}}      block if falsy, missing or an empty array
//   {{> partial}}            static/templates/partial.html
//   {{! comment }}
// Output is escaped by construction: templates carry all markup, data only text.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rodeknop::web {

struct template_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// HTML-escapes text for element content and quoted attribute values.
std::string escape_html(std::string_view text);

/// Renders `source` with `data`; partials are looked up through `load_partial`.
std::string render(std::string_view source, const nlohmann::json& data,
                   const std::function<std::string(std::string_view)>& load_partial = {});

/// Loads templates from a directory, re-reading a file when it changed.
class template_set {
 public:
  explicit template_set(std::filesystem::path dir) : dir_(std::move(dir)) {}

  /// Renders "name" (static/templates/name.html). Throws template_error when missing.
  std::string render(std::string_view name, const nlohmann::json& data);

 private:
  std::string load(std::string_view name);

  std::filesystem::path dir_;
  std::mutex mutex_;
  struct cached {
    std::filesystem::file_time_type mtime;
    std::shared_ptr<const std::string> text;
  };
  std::map<std::string, cached, std::less<>> cache_;
};

}  // namespace rodeknop::web
