#include "rodeknop/store/catalog.hpp"

namespace rodeknop::store {

namespace {

std::vector<list_entry> active_list(connection& c, const char* sql) {
  auto& st = c.prepare(sql);
  std::vector<list_entry> out;
  while (st.executeStep()) out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString()});
  return out;
}

const std::string* find_label(const std::vector<list_entry>& list, std::string_view key) {
  for (const auto& e : list)
    if (e.key == key) return &e.label;
  return nullptr;
}

}  // namespace

const std::string* catalog::department_label(std::string_view key) const { return find_label(departments, key); }
const std::string* catalog::category_label(std::string_view key) const { return find_label(categories, key); }

std::shared_ptr<const catalog> load_catalog(connection& c) {
  auto out = std::make_shared<catalog>();
  out->departments = active_list(c, "SELECT key, label FROM departments WHERE active = 1 ORDER BY position, key");
  out->categories = active_list(c, "SELECT key, label FROM categories WHERE active = 1 ORDER BY position, key");
  for (const auto& d : out->departments) out->keys.departments.insert(d.key);
  for (const auto& k : out->categories) out->keys.categories.insert(k.key);
  return out;
}

}  // namespace rodeknop::store
