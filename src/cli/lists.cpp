#include "rodeknop/cli/lists.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <stdexcept>

#include "rodeknop/cli/common.hpp"
#include "rodeknop/store/catalog.hpp"

namespace rodeknop::cli {

namespace {

struct list_options {
  std::string key;
  std::optional<std::string> label;
  std::optional<std::int64_t> position;
};

/// "label: must be at most 200 characters; key: ..."
std::string describe(const domain::field_errors& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    // `active` is no option here: the commands are enable and disable.
    out += e.field == "active" ? "disable: the list must keep at least one active entry"
                               : "--" + e.field + ": " + domain::message_en(e);
  }
  return out;
}

void print(const store::list_item& i) {
  std::cout << i.key << '\t' << i.position << '\t' << (i.active ? "active" : "inactive") << '\t' << i.label << '\n';
}

/// Validates, applies in one transaction and prints the entry; throws with the problems.
void apply(const std::string& db, store::list_kind kind, const char* noun, domain::list_entry_change change,
           bool adding, const std::string& key) {
  if (const auto errors = domain::validate_list_entry(change, adding); !errors.empty())
    throw std::runtime_error(describe(errors));
  auto c = adding ? open(db) : open_existing(db);
  const auto result = in_transaction(*c, [&] {
    return adding ? store::add_list_item(*c, kind, change) : store::change_list_item(*c, kind, key, change);
  });
  if (!result.errors.empty()) throw std::runtime_error(describe(result.errors));
  if (!result.item) throw std::runtime_error(std::string("no ") + noun + " has the key \"" + key + "\"");
  std::cout << "key\tposition\tstatus\tlabel\n";
  print(*result.item);
}

void add_list(CLI::App& app, store::list_kind kind, const char* noun, const char* help, list_options& o,
              std::function<int()>& action) {
  auto* cmd = app.add_subcommand(noun, help);
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand("list", "List every entry, active or not, in order");
  auto& list_db = add_db_option(*list);
  list->callback([&o, &action, db = &list_db, kind] {
    action = [&o, db, kind] {
      auto c = open_existing(*db);
      std::cout << "key\tposition\tstatus\tlabel\n";
      for (const auto& i : store::list_items(*c, kind)) print(i);
      return 0;
    };
  });

  auto* add = cmd->add_subcommand("add", "Add an entry (keys: a-z, 0-9, _ and -; they never change)");
  auto& add_db = add_db_option(*add);
  add->add_option("--key", o.key, "Key, stored with every report")->required();
  add->add_option("--label", o.label, "What people read")->required();
  add->add_option("--position", o.position, "Place in the lists (default: last)");
  add->callback([&o, &action, db = &add_db, kind, noun] {
    action = [&o, db, kind, noun] {
      apply(*db, kind, noun, {o.key, o.label, o.position, true}, true, o.key);
      return 0;
    };
  });

  auto* change = cmd->add_subcommand("change", "Change an entry's label or position");
  auto& change_db = add_db_option(*change);
  change->add_option("--key", o.key, "Key of the entry")->required();
  change->add_option("--label", o.label, "New label");
  change->add_option("--position", o.position, "New place in the lists");
  change->callback([&o, &action, db = &change_db, kind, noun] {
    action = [&o, db, kind, noun] {
      if (!o.label && !o.position) throw std::runtime_error("give --label, --position or both");
      apply(*db, kind, noun, {std::nullopt, o.label, o.position, std::nullopt}, false, o.key);
      return 0;
    };
  });

  for (const bool disable : {true, false}) {
    auto* sub = cmd->add_subcommand(
        disable ? "disable" : "enable",
        disable ? "Deactivate an entry: no longer offered for new reports; old reports keep it"
                : "Activate an entry again");
    auto& sub_db = add_db_option(*sub);
    sub->add_option("--key", o.key, "Key of the entry")->required();
    sub->callback([&o, &action, db = &sub_db, kind, noun, disable] {
      action = [&o, db, kind, noun, disable] {
        apply(*db, kind, noun, {std::nullopt, std::nullopt, std::nullopt, !disable}, false, o.key);
        return 0;
      };
    });
  }
}

}  // namespace

void add_list_commands(CLI::App& app, std::function<int()>& action) {
  static list_options departments, categories;
  add_list(app, store::list_kind::departments, "department", "The list of departments (diensten) reporters choose from",
           departments, action);
  add_list(app, store::list_kind::categories, "category", "The list of categories reporters choose from", categories,
           action);
}

}  // namespace rodeknop::cli
