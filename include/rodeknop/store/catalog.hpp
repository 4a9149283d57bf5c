#pragma once
// The reference lists (departments and categories) as the rest of the program sees them.

#include <memory>
#include <string>
#include <vector>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

struct list_entry {
  std::string key;
  std::string label;
};

struct catalog {
  std::vector<list_entry> departments;  // active, in order
  std::vector<list_entry> categories;
  domain::reference_lists keys;         // the same, for validation

  const std::string* department_label(std::string_view key) const;
  const std::string* category_label(std::string_view key) const;
};

/// Reads the active departments and categories.
std::shared_ptr<const catalog> load_catalog(connection& c);

}  // namespace rodeknop::store
