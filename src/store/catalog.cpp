#include "rodeknop/store/catalog.hpp"

#include <algorithm>

namespace rodeknop::store {

namespace {

void read_list(connection& c, const char* sql, std::vector<list_entry>& active, std::vector<list_entry>& former,
               std::set<std::string, std::less<>>& active_keys, std::set<std::string, std::less<>>& known_keys) {
  auto& st = c.prepare(sql);
  while (st.executeStep()) {
    list_entry e{st.getColumn(0).getString(), st.getColumn(1).getString()};
    known_keys.insert(e.key);
    if (st.getColumn(2).getInt() != 0) {
      active_keys.insert(e.key);
      active.push_back(std::move(e));
    } else {
      former.push_back(std::move(e));
    }
  }
}

const std::string* find_label(const std::vector<list_entry>& active, const std::vector<list_entry>& former,
                              std::string_view key) {
  for (const auto* list : {&active, &former})
    for (const auto& e : *list)
      if (e.key == key) return &e.label;
  return nullptr;
}

// The table names cannot be parameters; each statement exists once per list.
struct list_sql {
  const char* all;
  const char* one;
  const char* insert;
  const char* last_position;
  const char* update;
  const char* other_active;
  const char* shift_up;    // positions in [?1, ?2) one later, except ?3's
  const char* shift_down;  // positions in (?1, ?2] one earlier, except ?3's
  const char* label_owner;  // another entry (not ?2) with label ?1, ignoring ASCII case
};

const list_sql& sql_for(list_kind kind) {
  static const list_sql departments{
      "SELECT key, label, position, active FROM departments ORDER BY position, key",
      "SELECT key, label, position, active FROM departments WHERE key = ?1",
      "INSERT INTO departments (key, label, position, active) VALUES (?1, ?2, ?3, ?4)",
      "SELECT coalesce(max(position), 0) FROM departments",
      "UPDATE departments SET label = coalesce(?2, label), position = coalesce(?3, position), "
      "active = coalesce(?4, active) WHERE key = ?1",
      "SELECT count(*) FROM departments WHERE active = 1 AND key <> ?1",
      "UPDATE departments SET position = position + 1 WHERE position >= ?1 AND position < ?2 AND key <> ?3",
      "UPDATE departments SET position = position - 1 WHERE position > ?1 AND position <= ?2 AND key <> ?3",
      // Labels compare as the search folds them (store/search_text): regardless of case,
      // diacritics and punctuation between words, so no two entries read alike.
      "SELECT key FROM departments WHERE rk_fold(label) = rk_fold(?1) AND key <> ?2 LIMIT 1",
  };
  static const list_sql categories{
      "SELECT key, label, position, active FROM categories ORDER BY position, key",
      "SELECT key, label, position, active FROM categories WHERE key = ?1",
      "INSERT INTO categories (key, label, position, active) VALUES (?1, ?2, ?3, ?4)",
      "SELECT coalesce(max(position), 0) FROM categories",
      "UPDATE categories SET label = coalesce(?2, label), position = coalesce(?3, position), "
      "active = coalesce(?4, active) WHERE key = ?1",
      "SELECT count(*) FROM categories WHERE active = 1 AND key <> ?1",
      "UPDATE categories SET position = position + 1 WHERE position >= ?1 AND position < ?2 AND key <> ?3",
      "UPDATE categories SET position = position - 1 WHERE position > ?1 AND position <= ?2 AND key <> ?3",
      "SELECT key FROM categories WHERE rk_fold(label) = rk_fold(?1) AND key <> ?2 LIMIT 1",
  };
  return kind == list_kind::departments ? departments : categories;
}

list_item read_item(SQLite::Statement& st) {
  return {st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getInt64(),
          st.getColumn(3).getInt() != 0};
}

std::optional<list_item> find_item(connection& c, list_kind kind, std::string_view key) {
  auto& st = c.prepare(sql_for(kind).one);
  st.bind(1, std::string(key));
  std::optional<list_item> out;
  if (st.executeStep()) out = read_item(st);
  st.reset();
  return out;
}

std::int64_t last_position(connection& c, const list_sql& sql) {
  auto& st = c.prepare(sql.last_position);
  st.executeStep();
  const auto n = st.getColumn(0).getInt64();
  st.reset();
  return n;
}

// Two entries with one label cannot be told apart in the form, the filters or the statistics.
std::optional<std::string> label_owner(connection& c, const list_sql& sql, const std::string& label,
                                       std::string_view except) {
  auto& st = c.prepare(sql.label_owner);
  st.bind(1, label);
  st.bind(2, std::string(except));
  std::optional<std::string> out;
  if (st.executeStep()) out = st.getColumn(0).getString();
  st.reset();
  return out;
}

void shift(connection& c, const char* statement, std::int64_t from, std::int64_t to, std::string_view except) {
  auto& st = c.prepare(statement);
  st.bind(1, from);
  st.bind(2, to);
  st.bind(3, std::string(except));
  st.exec();
}

}  // namespace

const std::string* catalog::department_label(std::string_view key) const {
  return find_label(departments, former_departments, key);
}
const std::string* catalog::category_label(std::string_view key) const {
  return find_label(categories, former_categories, key);
}

bool catalog::same_lists(const catalog& o) const {
  return departments == o.departments && categories == o.categories && former_departments == o.former_departments &&
         former_categories == o.former_categories;
}

std::shared_ptr<const catalog> load_catalog(connection& c) {
  auto out = std::make_shared<catalog>();
  read_list(c, "SELECT key, label, active FROM departments ORDER BY position, key", out->departments,
            out->former_departments, out->keys.departments, out->known.departments);
  read_list(c, "SELECT key, label, active FROM categories ORDER BY position, key", out->categories,
            out->former_categories, out->keys.categories, out->known.categories);
  return out;
}

std::optional<list_item> find_list_item(connection& c, list_kind kind, std::string_view key) {
  return find_item(c, kind, key);
}

std::vector<list_item> list_items(connection& c, list_kind kind) {
  auto& st = c.prepare(sql_for(kind).all);
  std::vector<list_item> out;
  while (st.executeStep()) out.push_back(read_item(st));
  return out;
}

domain::field_errors list_conflicts(connection& c, list_kind kind, const domain::list_entry_change& e,
                                    std::string_view own_key) {
  domain::field_errors out;
  const bool adding = own_key.empty();
  if (adding && e.key && find_item(c, kind, *e.key)) out.push_back({"key", domain::field_problem::already_exists});
  // When adding, an entry of the same key is the one that has the label (reported as the key).
  const std::string self = adding ? e.key.value_or("") : std::string(own_key);
  if (e.label)
    if (const auto other = label_owner(c, sql_for(kind), *e.label, self))
      out.push_back({"label", domain::field_problem::label_taken, 0, *other});
  return out;
}

list_change_result add_list_item(connection& c, list_kind kind, const domain::list_entry_change& e) {
  const auto& sql = sql_for(kind);
  list_change_result out;
  out.errors = list_conflicts(c, kind, e, {});
  if (!out.errors.empty()) return out;
  // A position is a place in the list: the entries from there on move one down.
  const auto last = last_position(c, sql);
  const std::int64_t position = std::min(e.position.value_or(last + 1), last + 1);
  shift(c, sql.shift_up, position, last + 1, *e.key);
  auto& insert = c.prepare(sql.insert);
  insert.bind(1, *e.key);
  insert.bind(2, *e.label);
  insert.bind(3, position);
  insert.bind(4, e.active.value_or(true) ? 1 : 0);
  insert.exec();
  out.item = find_item(c, kind, *e.key);
  return out;
}

list_change_result change_list_item(connection& c, list_kind kind, std::string_view key,
                                    const domain::list_entry_change& e) {
  const auto& sql = sql_for(kind);
  list_change_result out;
  const auto before = find_item(c, kind, key);
  if (!before) return out;
  out.errors = list_conflicts(c, kind, e, key);
  if (!out.errors.empty()) return out;
  if (e.active && !*e.active) {
    auto& others = c.prepare(sql.other_active);
    others.bind(1, std::string(key));
    others.executeStep();
    const auto n = others.getColumn(0).getInt64();
    others.reset();
    if (n == 0) {
      out.errors.push_back({"active", domain::field_problem::last_active});
      return out;
    }
  }
  std::optional<std::int64_t> position;
  if (e.position) {
    // Moving an entry: those between its old and new place close up behind it.
    position = std::min(*e.position, last_position(c, sql));
    if (*position < before->position)
      shift(c, sql.shift_up, *position, before->position, key);
    else if (*position > before->position)
      shift(c, sql.shift_down, before->position, *position, key);
  }
  auto& update = c.prepare(sql.update);
  update.bind(1, std::string(key));
  if (e.label)
    update.bind(2, *e.label);
  else
    update.bind(2);
  if (position)
    update.bind(3, *position);
  else
    update.bind(3);
  if (e.active)
    update.bind(4, *e.active ? 1 : 0);
  else
    update.bind(4);
  update.exec();
  out.item = find_item(c, kind, key);
  return out;
}

}  // namespace rodeknop::store
