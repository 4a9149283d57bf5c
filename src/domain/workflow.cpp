#include "rodeknop/domain/workflow.hpp"

#include <algorithm>

namespace rodeknop::domain {

namespace {

template <std::size_t N>
std::string one_of(const std::string_view (&list)[N]) {
  std::string out;
  for (auto s : list) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

void trim(std::string& s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  s = s.substr(b, e - b);
}

bool has_controls(std::string_view s, bool allow_newlines) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' || c == '\r') {
      if (!allow_newlines) return true;
    } else if (c == '\t') {
      continue;
    } else if (c < 0x20 || c == 0x7f) {
      return true;
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      return true;
    }
  }
  return false;
}

// Checks a free text; false when it is not acceptable (the error is added).
bool check_text(field_errors& errors, const char* field, std::string& value, std::size_t limit, bool multiline) {
  trim(value);
  if (!valid_utf8(value) || has_controls(value, multiline)) {
    errors.push_back({field, field_problem::invalid_text, 0, {}});
    return false;
  }
  if (utf8_length(value) > limit) {
    errors.push_back({field, field_problem::too_long, limit, {}});
    return false;
  }
  return true;
}

std::optional<std::string> text_of(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

}  // namespace

field_errors check_change(report_change& c, const reference_lists& lists) {
  field_errors errors;
  if (c.status && !is_status(*c.status))
    errors.push_back({"status", field_problem::invalid_value, 0, one_of(statuses)});
  if (c.priority && !is_priority(*c.priority))
    errors.push_back({"priority", field_problem::invalid_value, 0, one_of(priorities)});
  if (c.assignee && *c.assignee) {
    auto& a = **c.assignee;
    if (check_text(errors, "assignee", a, team_limits::assignee, false) && a.empty()) c.assignee->reset();
  }
  if (c.owner_department && *c.owner_department) {
    auto& d = **c.owner_department;
    trim(d);
    if (d.empty())
      c.owner_department->reset();
    else if (!lists.departments.contains(d))
      errors.push_back({"owner_department", field_problem::unknown_key, 0, {}});
  }
  if (c.duplicate_of && *c.duplicate_of && **c.duplicate_of <= 0)
    errors.push_back({"duplicate_of", field_problem::unknown_report, 0, {}});
  if (c.outcome && !is_outcome(*c.outcome))
    errors.push_back({"outcome", field_problem::invalid_value, 0, one_of(outcomes)});
  if (c.note) {
    if (check_text(errors, "note", *c.note, team_limits::note, true) && c.note->empty()) c.note.reset();
  }
  return errors;
}

change_plan plan_change(const report_state& current, const report_change& change,
                        const std::optional<duplicate_target>& target) {
  change_plan plan;
  plan.after = current;
  auto& errors = plan.errors;

  // The duplicate link first, so that the history reads "linked, then marked duplicate".
  if (change.duplicate_of && *change.duplicate_of != current.duplicate_of) {
    if (const auto& to = *change.duplicate_of) {
      if (*to == current.id)
        errors.push_back({"duplicate_of", field_problem::self_reference, 0, {}});
      else if (!target || !target->exists)
        errors.push_back({"duplicate_of", field_problem::unknown_report, 0, {}});
      else if (target->forms_cycle)
        errors.push_back({"duplicate_of", field_problem::duplicate_cycle, 0,
                          "report " + std::to_string(*to) + " leads back to report " + std::to_string(current.id)});
      else if (target->duplicates_reference)
        errors.push_back({"duplicate_of", field_problem::duplicate_of_duplicate, 0, *target->duplicates_reference});
    }
    plan.after.duplicate_of = *change.duplicate_of;
    plan.events.push_back({"duplicate_of", text_of(current.duplicate_of), text_of(*change.duplicate_of), {}, {}});
  }

  const bool status_changes = change.status && *change.status != current.status;
  if (status_changes) {
    const std::string& from = current.status;
    const std::string& to = *change.status;
    const std::string step = from + " → " + to;
    if (!transition_allowed(from, to)) {
      errors.push_back({"status", field_problem::transition_not_allowed, 0, step});
    } else {
      const bool reopening = is_closed_status(from) && to == "accepted";
      if ((to == "rejected" || to == "wont_fix" || reopening) && !change.note)
        errors.push_back({"note", field_problem::required_for_status, 0, "for " + step});
      if (to == "resolved" && !change.outcome)
        errors.push_back({"outcome", field_problem::required_for_status, 0, "for " + step});
      if (to == "duplicate" && !plan.after.duplicate_of)
        errors.push_back({"duplicate_of", field_problem::required_for_status, 0, "for " + step});
    }
    plan.after.status = to;
    plan.after.outcome = to == "resolved" ? change.outcome : std::nullopt;
    plan.events.push_back({"status", from, to, change.note, to == "resolved" ? change.outcome : std::nullopt});
    // A reopened duplicate is no longer one: its link goes too (the history keeps both steps),
    // unless the change sets the link itself.
    if (from == "duplicate" && !change.duplicate_of && plan.after.duplicate_of) {
      plan.events.push_back({"duplicate_of", text_of(plan.after.duplicate_of), std::nullopt, {}, {}});
      plan.after.duplicate_of.reset();
    }
  } else {
    if (change.note)
      errors.push_back({"note", field_problem::not_applicable, 0, "with a status change (use a comment otherwise)"});
    if (change.outcome) errors.push_back({"outcome", field_problem::not_applicable, 0, "with the status change to resolved"});
    if (plan.after.status == "duplicate" && !plan.after.duplicate_of)
      errors.push_back({"duplicate_of", field_problem::required_for_status, 0, "while the status is duplicate"});
  }
  if (status_changes && change.outcome && *change.status != "resolved")
    errors.push_back({"outcome", field_problem::not_applicable, 0, "with the status change to resolved"});
  // A link is what a duplicate is: set on a report that is not (or no longer) one, it would show
  // on an accepted report and stand in the way of marking the other report a duplicate of it.
  if (change.duplicate_of && *change.duplicate_of && plan.after.status != "duplicate")
    errors.push_back({"duplicate_of", field_problem::not_applicable, 0,
                      "with the status duplicate (or while the report is a duplicate)"});

  if (change.priority && *change.priority != current.priority) {
    plan.after.priority = *change.priority;
    plan.events.push_back({"priority", current.priority, *change.priority, {}, {}});
  }
  if (change.assignee && *change.assignee != current.assignee) {
    plan.after.assignee = *change.assignee;
    plan.events.push_back({"assignee", current.assignee, *change.assignee, {}, {}});
  }
  if (change.owner_department && *change.owner_department != current.owner_department) {
    plan.after.owner_department = *change.owner_department;
    plan.events.push_back({"owner_department", current.owner_department, *change.owner_department, {}, {}});
  }
  if (!errors.empty()) plan.events.clear();
  return plan;
}

}  // namespace rodeknop::domain
