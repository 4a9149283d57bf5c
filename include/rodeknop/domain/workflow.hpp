#pragma once
// The team's changes to a report: what a PATCH may ask, the workflow rules of PRODUCT.md
// (from the one transition table in domain/report.hpp), and the history events a change makes.
//
// Rules: a status change must be a step of transitions(); `rejected` and `wont_fix` need a
// note; `duplicate` needs a duplicate_of (given now or already set) that exists, is not the
// report itself and makes no cycle; `resolved` needs an outcome; reopening a closed report
// (→ accepted) needs a note. A note and an outcome come only with a status change (an outcome
// only with → resolved); leaving `resolved` clears the outcome.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rodeknop/domain/report.hpp"

namespace rodeknop::domain {

/// Maximum lengths (characters) of what the team types; /api/v1/meta gives them as "team_limits".
struct team_limits {
  static constexpr std::size_t note = 5000;
  static constexpr std::size_t assignee = 100;
  /// A comment is checked like a reporter's reply (validate_reply).
  static constexpr std::size_t comment = field_limits::reply_body;
};

/// What the workflow needs to know about a report as it is now.
struct report_state {
  std::int64_t id = 0;
  std::string status = "new";
  std::string priority = "normal";
  std::optional<std::string> assignee;
  std::optional<std::string> owner_department;
  std::optional<std::int64_t> duplicate_of;
  std::optional<std::string> outcome;
};

/// A change the team asks for. An absent field stays as it is; for the nullable fields an
/// engaged outer optional holding nullopt clears the value.
struct report_change {
  std::optional<std::string> status;
  std::optional<std::string> priority;
  std::optional<std::optional<std::string>> assignee;
  std::optional<std::optional<std::string>> owner_department;
  std::optional<std::optional<std::int64_t>> duplicate_of;
  std::optional<std::string> outcome;
  std::optional<std::string> note;

  bool empty() const {
    return !status && !priority && !assignee && !owner_department && !duplicate_of && !outcome && !note;
  }
};

/// Checks that need no database: known values, lengths, department keys. Trims the texts in
/// place (an empty assignee or owner_department clears it).
field_errors check_change(report_change& c, const reference_lists& lists);

/// What the store found about the report that duplicate_of names.
struct duplicate_target {
  bool exists = false;
  /// Following duplicate_of from the target leads back to the report being changed.
  bool forms_cycle = false;
  /// The target is a duplicate itself, of this report (its reference): the reporter is pointed
  /// to the original, not to a closed copy of it.
  std::optional<std::string> duplicates_reference;
};

/// One history event of a change (types as in the contract: status, priority, assignee,
/// owner_department, duplicate_of).
struct planned_event {
  std::string type;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> note;     // status events
  std::optional<std::string> outcome;  // status events into resolved
};

struct change_plan {
  report_state after;
  std::vector<planned_event> events;  // empty: nothing changes
  field_errors errors;                // non-empty: refuse the whole change
};

/// Applies the workflow rules to `current`. `target` describes the new duplicate_of when the
/// change sets one (ignored otherwise).
change_plan plan_change(const report_state& current, const report_change& change,
                        const std::optional<duplicate_target>& target);

}  // namespace rodeknop::domain
