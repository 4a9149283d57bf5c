// The administrator's lists of departments and categories: the rules for keys, labels and
// positions, and the store's adds and changes on a real temporary SQLite file (places in the
// list, deactivation, the last active entry, labels of former entries).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/store/catalog.hpp"
#include "rodeknop/store/database.hpp"
#include "unit_support.hpp"

namespace store = rodeknop::store;
namespace domain = rodeknop::domain;

namespace {

struct lists_db {
  rk_unit::temp_dir dir;
  store::db_options opts;
  lists_db() {
    opts.path = dir.file("rodeknop.db");
    store::initialise_database(opts);
  }
};

std::vector<std::string> keys_in_order(store::connection& c, store::list_kind kind) {
  std::vector<std::string> out;
  for (const auto& i : store::list_items(c, kind)) out.push_back(i.key);
  return out;
}

std::vector<std::int64_t> positions(store::connection& c, store::list_kind kind) {
  std::vector<std::int64_t> out;
  for (const auto& i : store::list_items(c, kind)) out.push_back(i.position);
  return out;
}

domain::list_entry_change adding(std::string key, std::string label, std::optional<std::int64_t> position = {}) {
  return {std::move(key), std::move(label), position, std::nullopt};
}

std::vector<std::string> fields_of(const domain::field_errors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

}  // namespace

TEST_CASE("list keys are 1 to 64 of a-z, 0-9, _ and -", "[lists][validation]") {
  for (const std::string& ok : std::vector<std::string>{"a", "dienst-ict", "ict_2", std::string(64, 'x')}) {
    auto e = adding(ok, "Label");
    INFO(ok);
    REQUIRE(domain::validate_list_entry(e, true).empty());
  }
  for (const std::string& bad : std::vector<std::string>{"", "Dienst", "met spatie", "ä", "a/b", "../x", std::string(65, 'x')}) {
    auto e = adding(bad, "Label");
    INFO(bad);
    const auto errors = domain::validate_list_entry(e, true);
    REQUIRE(errors.size() == 1);
    REQUIRE(errors[0].field == "key");
    REQUIRE(errors[0].problem == domain::field_problem::invalid_key);
  }
}

TEST_CASE("list labels are trimmed, required, at most 200 characters and plain text", "[lists][validation]") {
  auto trimmed = adding("ict", "  Dienst ICT \t");
  REQUIRE(domain::validate_list_entry(trimmed, true).empty());
  REQUIRE(*trimmed.label == "Dienst ICT");

  auto blank = adding("ict", " \u00A0 ");
  REQUIRE(fields_of(domain::validate_list_entry(blank, true)) == std::vector<std::string>{"label"});
  auto multi_line = adding("ict", "een\ntwee");
  REQUIRE(domain::validate_list_entry(multi_line, true)[0].problem == domain::field_problem::invalid_text);

  std::string long_label;
  for (int i = 0; i < 200; ++i) long_label += "é";  // 200 characters, 400 bytes
  auto at_limit = adding("ict", long_label);
  REQUIRE(domain::validate_list_entry(at_limit, true).empty());
  auto over = adding("ict", long_label + "e");
  REQUIRE(domain::validate_list_entry(over, true)[0].problem == domain::field_problem::too_long);
}

TEST_CASE("adding needs key and label, a change needs neither, positions run from 1", "[lists][validation]") {
  domain::list_entry_change nothing;
  REQUIRE(fields_of(domain::validate_list_entry(nothing, true)) == std::vector<std::string>{"key", "label"});
  REQUIRE(domain::validate_list_entry(nothing, false).empty());

  for (const std::int64_t bad : {std::int64_t{0}, std::int64_t{-1}, domain::max_list_position + 1}) {
    domain::list_entry_change move{std::nullopt, std::nullopt, bad, std::nullopt};
    const auto errors = domain::validate_list_entry(move, false);
    REQUIRE(errors.size() == 1);
    REQUIRE(errors[0].problem == domain::field_problem::out_of_range);
    REQUIRE(domain::message_en(errors[0]).find("1 to") != std::string::npos);
  }
}

TEST_CASE("an added entry goes last, or to its place with the rest moving down", "[lists][store]") {
  lists_db db;
  store::connection c(db.opts, true);
  const auto before = keys_in_order(c, store::list_kind::departments);

  auto last = store::add_list_item(c, store::list_kind::departments, adding("ict", "Dienst ICT"));
  REQUIRE(last.errors.empty());
  REQUIRE(last.item->position == static_cast<std::int64_t>(before.size()) + 1);
  REQUIRE(last.item->active);

  auto second = store::add_list_item(c, store::list_kind::departments, adding("hr", "Dienst HR", 2));
  REQUIRE(second.item->position == 2);
  auto order = keys_in_order(c, store::list_kind::departments);
  REQUIRE(order[0] == before[0]);
  REQUIRE(order[1] == "hr");
  REQUIRE(order[2] == before[1]);
  REQUIRE(order.back() == "ict");
  const auto p = positions(c, store::list_kind::departments);
  for (std::size_t i = 0; i < p.size(); ++i) REQUIRE(p[i] == static_cast<std::int64_t>(i) + 1);

  // A position past the end means last.
  auto far = store::add_list_item(c, store::list_kind::categories, adding("wetgeving_eu", "Europese regels", 999));
  REQUIRE(far.item->position == static_cast<std::int64_t>(keys_in_order(c, store::list_kind::categories).size()));
}

TEST_CASE("a key is never taken twice, also not from an inactive entry", "[lists][store]") {
  lists_db db;
  store::connection c(db.opts, true);
  REQUIRE(store::add_list_item(c, store::list_kind::categories, adding("eu", "Europese regels")).item);
  REQUIRE(store::change_list_item(c, store::list_kind::categories, "eu", {{}, {}, {}, false}).item);
  const auto again = store::add_list_item(c, store::list_kind::categories, adding("eu", "Iets anders"));
  REQUIRE_FALSE(again.item);
  REQUIRE(again.errors.at(0).problem == domain::field_problem::already_exists);
  // Department and category keys are separate lists.
  REQUIRE(store::add_list_item(c, store::list_kind::departments, adding("eu", "Dienst Europa")).item);
}

TEST_CASE("moving an entry closes up the places between its old and new one", "[lists][store]") {
  lists_db db;
  store::connection c(db.opts, true);
  const auto start = keys_in_order(c, store::list_kind::departments);
  REQUIRE(start.size() >= 4);

  const auto moved = store::change_list_item(c, store::list_kind::departments, start[3], {{}, {}, 1, {}});
  REQUIRE(moved.item->position == 1);
  std::vector<std::string> expected{start[3], start[0], start[1], start[2]};
  expected.insert(expected.end(), start.begin() + 4, start.end());
  REQUIRE(keys_in_order(c, store::list_kind::departments) == expected);

  // And back down, past the end: it goes last, the others move up.
  const auto down = store::change_list_item(c, store::list_kind::departments, start[3], {{}, {}, 999, {}});
  REQUIRE(down.item->position == static_cast<std::int64_t>(start.size()));
  expected.erase(expected.begin());
  expected.push_back(start[3]);
  REQUIRE(keys_in_order(c, store::list_kind::departments) == expected);
  const auto p = positions(c, store::list_kind::departments);
  for (std::size_t i = 0; i < p.size(); ++i) REQUIRE(p[i] == static_cast<std::int64_t>(i) + 1);
}

TEST_CASE("a change of label keeps the key, an unknown key changes nothing", "[lists][store]") {
  lists_db db;
  store::connection c(db.opts, true);
  const auto changed = store::change_list_item(c, store::list_kind::categories, "anders", {{}, "Overig", {}, {}});
  REQUIRE(changed.item->key == "anders");
  REQUIRE(changed.item->label == "Overig");
  const auto unknown = store::change_list_item(c, store::list_kind::categories, "bestaat_niet", {{}, "X", {}, {}});
  REQUIRE_FALSE(unknown.item);
  REQUIRE(unknown.errors.empty());
}

TEST_CASE("the last active entry of a list cannot be deactivated", "[lists][store]") {
  lists_db db;
  store::connection c(db.opts, true);
  const auto keys = keys_in_order(c, store::list_kind::departments);
  for (std::size_t i = 0; i + 1 < keys.size(); ++i)
    REQUIRE(store::change_list_item(c, store::list_kind::departments, keys[i], {{}, {}, {}, false}).item);
  const auto refused = store::change_list_item(c, store::list_kind::departments, keys.back(), {{}, {}, {}, false});
  REQUIRE_FALSE(refused.item);
  REQUIRE(refused.errors.at(0).field == "active");
  REQUIRE(refused.errors.at(0).problem == domain::field_problem::last_active);
  REQUIRE(store::list_items(c, store::list_kind::departments).back().active);
  // Once another is active again, it can go.
  REQUIRE(store::change_list_item(c, store::list_kind::departments, keys.front(), {{}, {}, {}, true}).item);
  REQUIRE(store::change_list_item(c, store::list_kind::departments, keys.back(), {{}, {}, {}, false}).item);
}

TEST_CASE("the catalog offers active entries and still labels former ones", "[lists][store][catalog]") {
  lists_db db;
  store::connection c(db.opts, true);
  const auto before = store::load_catalog(c);
  REQUIRE(store::change_list_item(c, store::list_kind::departments, "dsb", {{}, {}, {}, false}).item);
  const auto after = store::load_catalog(c);

  REQUIRE_FALSE(after->same_lists(*before));
  REQUIRE(after->same_lists(*store::load_catalog(c)));
  REQUIRE(after->departments.size() + 1 == before->departments.size());
  REQUIRE(after->former_departments.size() == 1);
  REQUIRE(after->former_departments[0].key == "dsb");
  // New reports and changes may not use it; filters and labels still know it.
  REQUIRE_FALSE(after->keys.departments.contains("dsb"));
  REQUIRE(after->known.departments.contains("dsb"));
  REQUIRE(after->department_label("dsb") != nullptr);
  REQUIRE(*after->department_label("dsb") == "Dienst Stadsbeheer");
  REQUIRE(after->department_label("bestaat_niet") == nullptr);
}
