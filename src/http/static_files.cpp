#include "rodeknop/http/static_files.hpp"

#include <sodium.h>

#include <fstream>
#include <sstream>

namespace rodeknop::http {

namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string hex_digest(const std::string& data) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

}  // namespace

static_files::static_files(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(root, ec);
  if (ec) root_ = std::move(root);
}

std::string_view static_files::content_type(std::string_view f) {
  if (ends_with(f, ".html")) return "text/html; charset=utf-8";
  if (ends_with(f, ".css")) return "text/css; charset=utf-8";
  if (ends_with(f, ".js") || ends_with(f, ".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(f, ".json") || ends_with(f, ".map")) return "application/json";
  if (ends_with(f, ".svg")) return "image/svg+xml";
  if (ends_with(f, ".png")) return "image/png";
  if (ends_with(f, ".ico")) return "image/x-icon";
  if (ends_with(f, ".woff2")) return "font/woff2";
  if (ends_with(f, ".woff")) return "font/woff";
  if (ends_with(f, ".txt") || ends_with(f, ".md")) return "text/plain; charset=utf-8";
  if (ends_with(f, ".yaml") || ends_with(f, ".yml")) return "application/yaml";
  return "application/octet-stream";
}

std::optional<fs::path> static_files::resolve(std::string_view path) const {
  // The path is already percent-decoded: reject anything that could climb or hide.
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string_view::npos ||
      path.find('\\') != std::string_view::npos)
    return std::nullopt;
  std::string_view rest = path.substr(1);
  fs::path relative;
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    const auto seg = rest.substr(start, end - start);
    if (seg.empty() && end != rest.size()) return std::nullopt;  // "//"
    if (!seg.empty()) {
      if (seg.front() == '.') return std::nullopt;  // "..", ".", dot-files
      relative /= std::string(seg);
    }
    start = end + 1;
  }
  if (relative.empty()) return std::nullopt;
  if (relative.begin()->string() == "templates") return std::nullopt;
  fs::path full = root_ / relative;
  std::error_code ec;
  auto canonical = fs::weakly_canonical(full, ec);
  if (ec) return std::nullopt;
  // Symbolic links must not lead out of the root either.
  const auto root_str = root_.string() + "/";
  if (canonical.string().rfind(root_str, 0) != 0) return std::nullopt;
  if (!fs::is_regular_file(canonical, ec)) return std::nullopt;
  return canonical;
}

std::optional<response> static_files::serve(std::string_view path, const request& req) {
  auto file = resolve(path);
  if (!file) return std::nullopt;
  std::error_code ec;
  const auto mtime = fs::last_write_time(*file, ec);
  if (ec) return std::nullopt;
  const auto size = fs::file_size(*file, ec);
  if (ec) return std::nullopt;

  entry e;
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(file->string());
    if (it != cache_.end() && it->second.mtime == mtime && it->second.size == size) e = it->second;
  }
  if (!e.body) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    auto body = std::make_shared<const std::string>(std::move(ss).str());
    std::string etag = "\"";  // appended, not "\"" + ...: GCC 12 warns (-Wrestrict) on that at -O2
    etag += hex_digest(*body);
    etag += '"';
    e = {mtime, size, body, std::move(etag)};
    std::lock_guard lock(mutex_);
    cache_[file->string()] = e;
  }

  const auto name = file->filename().string();
  const bool is_vendor = path.rfind("/vendor/", 0) == 0;
  response res{status::ok, req.version()};
  res.set(field::content_type, content_type(name));
  res.set(field::etag, e.etag);
  // Vendored packages change only with package-lock.json; our own files are revalidated.
  res.set(field::cache_control, is_vendor ? "public, max-age=86400" : "no-cache");
  if (none_match_fails(req, e.etag)) {
    res.result(status::not_modified);
    return res;
  }
  res.body() = *e.body;
  res.prepare_payload();
  return res;
}

}  // namespace rodeknop::http
