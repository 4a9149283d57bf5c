// The workflow of PRODUCT.md: the one transition table and the rules of a team change.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/domain/workflow.hpp"

namespace domain = rodeknop::domain;
using domain::field_problem;

namespace {

domain::reference_lists lists() {
  domain::reference_lists l;
  l.departments = {"bsd", "dpz", "szw"};
  l.categories = {"anders"};
  return l;
}

domain::report_state in(const std::string& status, std::int64_t id = 7) {
  domain::report_state s;
  s.id = id;
  s.status = status;
  return s;
}

domain::report_change to(const std::string& status) {
  domain::report_change c;
  c.status = status;
  return c;
}

bool has_error(const domain::change_plan& p, const std::string& field, field_problem problem) {
  for (const auto& e : p.errors)
    if (e.field == field && e.problem == problem) return true;
  return false;
}

const std::optional<domain::duplicate_target> no_target;

}  // namespace

TEST_CASE("the transition table is PRODUCT.md's diagram, exactly", "[workflow][transitions]") {
  std::set<std::pair<std::string, std::string>> allowed;
  for (const auto& [from, tos] : domain::transitions())
    for (const auto& t : tos) allowed.emplace(from, t);
  const std::set<std::pair<std::string, std::string>> expected{
      {"new", "accepted"},         {"new", "rejected"},       {"new", "duplicate"},     {"new", "needs_info"},
      {"needs_info", "new"},       {"accepted", "in_progress"}, {"accepted", "resolved"}, {"accepted", "wont_fix"},
      {"in_progress", "resolved"}, {"in_progress", "wont_fix"}, {"in_progress", "needs_info"},
      {"resolved", "accepted"},    {"wont_fix", "accepted"},
      {"rejected", "accepted"},    {"duplicate", "accepted"}};
  CHECK(allowed == expected);
  // Every status has an entry, and every target is a status.
  for (auto s : domain::statuses) CHECK(domain::transitions().count(std::string(s)) == 1);
  for (const auto& [from, tos] : allowed) CHECK(domain::is_status(tos));
  CHECK_FALSE(domain::transition_allowed("new", "resolved"));
  CHECK_FALSE(domain::transition_allowed("new", "in_progress"));
  CHECK_FALSE(domain::transition_allowed("resolved", "new"));
  CHECK_FALSE(domain::transition_allowed("needs_info", "accepted"));
  CHECK_FALSE(domain::transition_allowed("bogus", "new"));
}

TEST_CASE("plan_change refuses every step the table does not have", "[workflow][transitions]") {
  for (auto from : domain::statuses) {
    for (auto target : domain::statuses) {
      if (from == target) continue;
      auto c = to(std::string(target));
      c.note = "een toelichting";
      c.outcome = "explained";
      c.duplicate_of = std::optional<std::int64_t>{3};
      const auto p = domain::plan_change(in(std::string(from)), c, domain::duplicate_target{true, false, std::nullopt});
      INFO(from << " -> " << target);
      CHECK(has_error(p, "status", field_problem::transition_not_allowed) ==
            !domain::transition_allowed(from, target));
    }
  }
}

TEST_CASE("rejected and wont_fix need a note", "[workflow][rules]") {
  auto p = domain::plan_change(in("new"), to("rejected"), no_target);
  CHECK(has_error(p, "note", field_problem::required_for_status));
  CHECK(p.events.empty());
  p = domain::plan_change(in("in_progress"), to("wont_fix"), no_target);
  CHECK(has_error(p, "note", field_problem::required_for_status));

  auto c = to("rejected");
  c.note = "Geen belemmering.";
  p = domain::plan_change(in("new"), c, no_target);
  REQUIRE(p.errors.empty());
  REQUIRE(p.events.size() == 1);
  CHECK(p.events[0].type == "status");
  CHECK(p.events[0].from == "new");
  CHECK(p.events[0].to == "rejected");
  CHECK(p.events[0].note == "Geen belemmering.");
  CHECK(p.after.status == "rejected");
}

TEST_CASE("resolved needs an outcome, which is kept and cleared again on reopening", "[workflow][rules]") {
  auto p = domain::plan_change(in("in_progress"), to("resolved"), no_target);
  CHECK(has_error(p, "outcome", field_problem::required_for_status));

  auto c = to("resolved");
  c.outcome = "rule_abolished";
  p = domain::plan_change(in("in_progress"), c, no_target);
  REQUIRE(p.errors.empty());
  CHECK(p.after.outcome == "rule_abolished");
  CHECK(p.events.at(0).outcome == "rule_abolished");

  auto resolved = in("resolved");
  resolved.outcome = "rule_abolished";
  auto reopen = to("accepted");
  reopen.note = "Werkt nog niet overal.";
  p = domain::plan_change(resolved, reopen, no_target);
  REQUIRE(p.errors.empty());
  CHECK(p.after.status == "accepted");
  CHECK_FALSE(p.after.outcome.has_value());

  // An outcome without the step into resolved is refused.
  auto stray = to("in_progress");
  stray.outcome = "explained";
  CHECK(has_error(domain::plan_change(in("accepted"), stray, no_target), "outcome", field_problem::not_applicable));
  domain::report_change only_outcome;
  only_outcome.outcome = "explained";
  CHECK(has_error(domain::plan_change(resolved, only_outcome, no_target), "outcome", field_problem::not_applicable));
}

TEST_CASE("reopening a closed report needs a note", "[workflow][rules]") {
  for (const char* closed : {"resolved", "wont_fix", "rejected", "duplicate"}) {
    INFO(closed);
    auto state = in(closed);
    if (std::string(closed) == "duplicate") state.duplicate_of = 3;
    CHECK(has_error(domain::plan_change(state, to("accepted"), no_target), "note", field_problem::required_for_status));
    auto c = to("accepted");
    c.note = "Heropend.";
    CHECK(domain::plan_change(state, c, no_target).errors.empty());
  }
  // Accepting a new report needs no note.
  CHECK(domain::plan_change(in("new"), to("accepted"), no_target).errors.empty());
}

TEST_CASE("a reopened duplicate loses its link, with both steps in the history", "[workflow][rules][duplicate]") {
  auto state = in("duplicate");
  state.duplicate_of = 3;
  auto c = to("accepted");
  c.note = "Toch een ander probleem.";
  const auto p = domain::plan_change(state, c, no_target);
  REQUIRE(p.errors.empty());
  CHECK(p.after.status == "accepted");
  CHECK_FALSE(p.after.duplicate_of.has_value());
  REQUIRE(p.events.size() == 2);
  CHECK(p.events[0].type == "status");
  CHECK(p.events[1].type == "duplicate_of");
  CHECK(p.events[1].from == "3");
  CHECK_FALSE(p.events[1].to.has_value());
  // Other reports keep theirs: a link without the duplicate status is left alone.
  auto linked = in("rejected");
  linked.duplicate_of = 3;
  CHECK(domain::plan_change(linked, c, no_target).after.duplicate_of == std::optional<std::int64_t>{3});
}

TEST_CASE("duplicate needs a duplicate_of that exists, is not itself and makes no cycle", "[workflow][rules][duplicate]") {
  CHECK(has_error(domain::plan_change(in("new"), to("duplicate"), no_target), "duplicate_of",
                  field_problem::required_for_status));

  auto c = to("duplicate");
  c.duplicate_of = std::optional<std::int64_t>{7};
  CHECK(has_error(domain::plan_change(in("new", 7), c, domain::duplicate_target{true, false, std::nullopt}), "duplicate_of",
                  field_problem::self_reference));
  c.duplicate_of = std::optional<std::int64_t>{99};
  CHECK(has_error(domain::plan_change(in("new", 7), c, domain::duplicate_target{false, false, std::nullopt}), "duplicate_of",
                  field_problem::unknown_report));
  c.duplicate_of = std::optional<std::int64_t>{5};
  CHECK(has_error(domain::plan_change(in("new", 7), c, domain::duplicate_target{true, true, std::nullopt}), "duplicate_of",
                  field_problem::duplicate_cycle));
  CHECK(has_error(domain::plan_change(in("new", 7), c, domain::duplicate_target{true, false, "RK-2026-00004"}),
                  "duplicate_of", field_problem::duplicate_of_duplicate));

  const auto p = domain::plan_change(in("new", 7), c, domain::duplicate_target{true, false, std::nullopt});
  REQUIRE(p.errors.empty());
  REQUIRE(p.events.size() == 2);
  CHECK(p.events[0].type == "duplicate_of");
  CHECK(p.events[0].to == "5");
  CHECK(p.events[1].type == "status");
  CHECK(p.after.duplicate_of == 5);

  // A link that is already there is enough for the status.
  auto linked = in("new", 7);
  linked.duplicate_of = 5;
  CHECK(domain::plan_change(linked, to("duplicate"), no_target).errors.empty());
  // A duplicate cannot lose its link.
  auto dup = in("duplicate", 7);
  dup.duplicate_of = 5;
  domain::report_change unlink;
  unlink.duplicate_of = std::optional<std::int64_t>{};
  CHECK(has_error(domain::plan_change(dup, unlink, no_target), "duplicate_of", field_problem::required_for_status));
}

TEST_CASE("several fields in one change make one event each, equal values make none", "[workflow][events]") {
  auto state = in("new");
  domain::report_change c = to("accepted");
  c.priority = "high";
  c.assignee = std::optional<std::string>{"anna"};
  c.owner_department = std::optional<std::string>{"dpz"};
  auto p = domain::plan_change(state, c, no_target);
  REQUIRE(p.errors.empty());
  REQUIRE(p.events.size() == 4);
  CHECK(p.events[0].type == "status");
  CHECK(p.events[1].type == "priority");
  CHECK(p.events[1].from == "normal");
  CHECK(p.events[1].to == "high");
  CHECK(p.events[2].type == "assignee");
  CHECK_FALSE(p.events[2].from.has_value());
  CHECK(p.events[2].to == "anna");
  CHECK(p.events[3].type == "owner_department");

  domain::report_change same;
  same.status = "new";
  same.priority = "normal";
  same.assignee = std::optional<std::string>{};
  p = domain::plan_change(state, same, no_target);
  CHECK(p.errors.empty());
  CHECK(p.events.empty());

  // A note without a status change belongs in a comment.
  domain::report_change note_only;
  note_only.note = "los";
  CHECK(has_error(domain::plan_change(state, note_only, no_target), "note", field_problem::not_applicable));
}

TEST_CASE("check_change refuses unknown values, long texts and unknown departments", "[workflow][validation]") {
  domain::report_change c;
  c.status = "done";
  c.priority = "asap";
  c.outcome = "fixed";
  c.owner_department = std::optional<std::string>{"nope"};
  c.assignee = std::optional<std::string>{std::string(101, 'a')};
  c.note = std::string(5001, 'n');
  c.duplicate_of = std::optional<std::int64_t>{0};
  const auto errors = domain::check_change(c, lists());
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e.field);
  CHECK(fields == std::set<std::string>{"status", "priority", "outcome", "owner_department", "assignee", "note", "duplicate_of"});
  for (const auto& e : errors) CHECK_FALSE(domain::message_en(e).empty());

  domain::report_change ok;
  ok.assignee = std::optional<std::string>{"  "};
  ok.owner_department = std::optional<std::string>{" szw "};
  ok.note = "  ";
  CHECK(domain::check_change(ok, lists()).empty());
  CHECK(ok.assignee == std::optional<std::optional<std::string>>{std::optional<std::string>{}});
  CHECK(ok.owner_department == std::optional<std::optional<std::string>>{std::optional<std::string>{"szw"}});
  CHECK_FALSE(ok.note.has_value());

  domain::report_change control;
  control.assignee = std::optional<std::string>{"an\x01na"};
  CHECK(domain::check_change(control, lists()).at(0).problem == field_problem::invalid_text);
}
