#pragma once
// Serving files from the static directory: never outside it (encoded or not), with the
// right content type, an ETag and Cache-Control. Files are cached in memory and re-read
// when they change on disk.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rodeknop/http/message.hpp"

namespace rodeknop::http {

class static_files {
 public:
  explicit static_files(std::filesystem::path root);

  /// The response for a decoded URL path, or nullopt when there is no such public file.
  /// Honours If-None-Match (304). `templates/` and dot-files are never served.
  std::optional<response> serve(std::string_view path, const request& req);

  const std::filesystem::path& root() const { return root_; }

  /// The content type for a file name.
  static std::string_view content_type(std::string_view filename);

 private:
  struct entry {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::shared_ptr<const std::string> body;
    std::string etag;
  };

  std::optional<std::filesystem::path> resolve(std::string_view path) const;

  std::filesystem::path root_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> cache_;
};

}  // namespace rodeknop::http
