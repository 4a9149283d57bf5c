#include "rodeknop/http/router.hpp"

#include <algorithm>

namespace rodeknop::http {

namespace {

template <class S = std::string>
std::vector<S> split_path(std::string_view path) {
  std::vector<S> out;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const router::route& r, const std::vector<std::string_view>& segments) {
  if (r.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (is_param(r.segments[i])) {
      if (segments[i].empty()) return false;
    } else if (r.segments[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

std::map<std::string, std::string, std::less<>> params_of(const router::route& r,
                                                          const std::vector<std::string_view>& segments) {
  std::map<std::string, std::string, std::less<>> params;
  for (std::size_t i = 0; i < segments.size(); ++i)
    if (is_param(r.segments[i])) params[r.segments[i].substr(1, r.segments[i].size() - 2)] = std::string(segments[i]);
  return params;
}

}  // namespace

bool recognised_method(verb method) {
  switch (method) {
    case verb::get:
    case verb::head:
    case verb::post:
    case verb::put:
    case verb::delete_:
    case verb::connect:
    case verb::options:
    case verb::trace:
    case verb::patch:
      return true;
    default:
      return false;  // an unknown token (also `get` in lower case: methods are case-sensitive), WebDAV, ...
  }
}

std::string_view request_context::param(std::string_view name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string_view{} : std::string_view{it->second};
}

void router::add(verb method, std::string pattern, auth::access needs, handler fn) {
  auto segments = split_path(pattern);
  routes_.push_back({method, std::move(pattern), std::move(segments), needs, std::move(fn)});
}

router::match router::find(verb method, std::string_view path) const {
  match m;
  if (path.empty() || path.front() != '/') return m;
  const auto segments = split_path<std::string_view>(path);
  const verb wanted = method == verb::head ? verb::get : method;
  for (const auto& r : routes_) {
    if (!matches(r, segments)) continue;
    if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) m.allowed.push_back(r.method);
    if (r.method == wanted && !m.found) {
      m.found = &r;
      m.params = params_of(r, segments);
    }
  }
  if (std::find(m.allowed.begin(), m.allowed.end(), verb::get) != m.allowed.end()) m.allowed.push_back(verb::head);
  return m;
}

}  // namespace rodeknop::http
