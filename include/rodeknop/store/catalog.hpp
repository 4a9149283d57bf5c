#pragma once
// The reference lists (departments and categories): as the rest of the program sees them, and
// the administrator's changes to them.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

struct list_entry {
  std::string key;
  std::string label;
  bool operator==(const list_entry&) const = default;
};

struct catalog {
  std::vector<list_entry> departments;  // active, in order: what forms offer and meta lists
  std::vector<list_entry> categories;
  std::vector<list_entry> former_departments;  // deactivated: old reports still carry them
  std::vector<list_entry> former_categories;
  domain::reference_lists keys;   // the active keys, for new reports and changes
  domain::reference_lists known;  // every key ever listed, for filters and statistics

  /// The label of any key, active or former; nullptr when unknown.
  const std::string* department_label(std::string_view key) const;
  const std::string* category_label(std::string_view key) const;

  bool same_lists(const catalog& other) const;
};

/// Reads the departments and categories.
std::shared_ptr<const catalog> load_catalog(connection& c);

// --- the administrator's changes ------------------------------------------------------------------

enum class list_kind { departments, categories };

struct list_item {
  std::string key;
  std::string label;
  std::int64_t position = 0;
  bool active = true;
};

/// What an add or change came to: the entry, or why not (the fields at fault), or neither
/// when a change names no entry.
struct list_change_result {
  std::optional<list_item> item;
  domain::field_errors errors;
};

/// Every entry of a list, active or not, in order.
std::vector<list_item> list_items(connection& c, list_kind kind);
/// One entry, active or not; nullopt when no entry has the key.
std::optional<list_item> find_list_item(connection& c, list_kind kind, std::string_view key);

/// What another entry already has of an add (`own_key` empty) or a change of entry `own_key`:
/// the key (when adding) or the label. Also for an entry that fails validation, so that one
/// answer names every field at fault.
domain::field_errors list_conflicts(connection& c, list_kind kind, const domain::list_entry_change& e,
                                    std::string_view own_key);

/// Adds an entry (validated by domain::validate_list_entry); without a position it goes last.
list_change_result add_list_item(connection& c, list_kind kind, const domain::list_entry_change& e);

/// Changes the label, position or active flag of an entry. Refuses to deactivate the last
/// active entry of a list (reporters could send nothing).
list_change_result change_list_item(connection& c, list_kind kind, std::string_view key,
                                    const domain::list_entry_change& e);

}  // namespace rodeknop::store
