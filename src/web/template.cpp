#include "rodeknop/web/template.hpp"

#include <fstream>
#include <sstream>
#include <vector>

namespace rodeknop::web {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {

constexpr int max_depth = 32;

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool truthy(const json* v) {
  if (!v || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) return !v->get_ref<const std::string&>().empty();
  if (v->is_number()) return v->get<double>() != 0.0;
  if (v->is_array() || v->is_object()) return !v->empty();
  return false;
}

std::string to_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

class renderer {
 public:
  renderer(const std::function<std::string(std::string_view)>& partials) : partials_(partials) {}

  void run(std::string_view src, std::vector<const json*>& stack, std::string& out, int depth) {
    if (depth > max_depth) throw template_error("templates nest too deeply");
    std::size_t pos = 0;
    while (pos < src.size()) {
      const auto open = src.find("{{", pos);
      if (open == std::string_view::npos) {
        out.append(src.substr(pos));
        return;
      }
      out.append(src.substr(pos, open - pos));
      const auto close = src.find("}}", open + 2);
      if (close == std::string_view::npos) throw template_error("unclosed tag");
      const auto tag = src.substr(open + 2, close - open - 2);
      pos = close + 2;
      if (tag.empty()) throw template_error("empty tag");
      const char kind = tag.front();
      if (kind == '!') continue;
      if (kind == '{' || kind == '&') throw template_error("unescaped output is not supported");
      if (kind == '>') {
        if (!partials_) throw template_error("partials are not available");
        const auto text = partials_(trim(tag.substr(1)));
        run(text, stack, out, depth + 1);
        continue;
      }
      if (kind == '#' || kind == '^') {
        const auto name = trim(tag.substr(1));
        const auto [body, after] = section_body(src, pos, name);
        pos = after;
        const json* value = lookup(stack, name);
        if (kind == '^') {
          if (!truthy(value)) run(body, stack, out, depth + 1);
        } else if (value && value->is_array()) {
          for (const auto& item : *value) {
            stack.push_back(&item);
            run(body, stack, out, depth + 1);
            stack.pop_back();
          }
        } else if (truthy(value)) {
          stack.push_back(value);
          run(body, stack, out, depth + 1);
          stack.pop_back();
        }
        continue;
      }
      if (kind == '/') throw template_error("unexpected closing tag " + std::string(tag));
      if (const json* value = lookup(stack, trim(tag))) out += escape_html(to_text(*value));
    }
  }

 private:
  // Finds the matching {{/name}}, allowing nested sections of the same name.
  static std::pair<std::string_view, std::size_t> section_body(std::string_view src, std::size_t from,
                                                               std::string_view name) {
    int level = 1;
    std::size_t pos = from;
    while (true) {
      const auto open = src.find("{{", pos);
      if (open == std::string_view::npos) throw template_error("section " + std::string(name) + " is not closed");
      const auto close = src.find("}}", open + 2);
      if (close == std::string_view::npos) throw template_error("unclosed tag");
      const auto tag = src.substr(open + 2, close - open - 2);
      if (!tag.empty() && (tag.front() == '#' || tag.front() == '^') && trim(tag.substr(1)) == name) ++level;
      if (!tag.empty() && tag.front() == '/' && trim(tag.substr(1)) == name && --level == 0)
        return {src.substr(from, open - from), close + 2};
      pos = close + 2;
    }
  }

  static const json* lookup(const std::vector<const json*>& stack, std::string_view name) {
    if (name == ".") return stack.back();
    std::string_view first = name.substr(0, name.find('.'));
    const json* found = nullptr;
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      if ((*it)->is_object()) {
        auto f = (*it)->find(std::string(first));
        if (f != (*it)->end()) {
          found = &*f;
          break;
        }
      }
    }
    if (!found || first.size() == name.size()) return found;
    std::string_view rest = name.substr(first.size() + 1);
    while (found && !rest.empty()) {
      const auto part = rest.substr(0, rest.find('.'));
      if (!found->is_object()) return nullptr;
      auto f = found->find(std::string(part));
      found = f == found->end() ? nullptr : &*f;
      rest = part.size() == rest.size() ? std::string_view{} : rest.substr(part.size() + 1);
    }
    return found;
  }

  const std::function<std::string(std::string_view)>& partials_;
};

}  // namespace

std::string render(std::string_view source, const json& data,
                   const std::function<std::string(std::string_view)>& load_partial) {
  std::string out;
  out.reserve(source.size() * 2);
  std::vector<const json*> stack{&data};
  renderer(load_partial).run(source, stack, out, 0);
  return out;
}

std::string template_set::load(std::string_view name) {
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) throw template_error("bad template name");
  }
  const auto file = dir_ / (std::string(name) + ".html");
  std::error_code ec;
  const auto mtime = fs::last_write_time(file, ec);
  if (ec) throw template_error("template " + std::string(name) + " not found in " + dir_.string());
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(name);
    if (it != cache_.end() && it->second.mtime == mtime) return *it->second.text;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw template_error("template " + std::string(name) + " cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  auto text = std::make_shared<const std::string>(std::move(ss).str());
  std::lock_guard lock(mutex_);
  cache_[std::string(name)] = {mtime, text};
  return *text;
}

std::string template_set::render(std::string_view name, const json& data) {
  const std::function<std::string(std::string_view)> partials = [this](std::string_view p) { return load(p); };
  return web::render(load(name), data, partials);
}

}  // namespace rodeknop::web
