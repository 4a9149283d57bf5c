#pragma once
// What a report is: its statuses, priorities and outcomes, the workflow between statuses,
// and the rules for what a reporter may submit.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rodeknop::domain {

inline constexpr std::string_view statuses[] = {"new",      "needs_info", "accepted", "in_progress",
                                                "resolved", "wont_fix",   "rejected", "duplicate"};
inline constexpr std::string_view closed_statuses[] = {"resolved", "wont_fix", "rejected", "duplicate"};
inline constexpr std::string_view priorities[] = {"low", "normal", "high", "urgent"};
inline constexpr std::string_view outcomes[] = {"rule_abolished",    "rule_changed",      "procedure_changed",
                                                "room_within_rules", "tailored_solution", "explained"};

bool is_status(std::string_view s);
bool is_closed_status(std::string_view s);
bool is_priority(std::string_view s);
bool is_outcome(std::string_view s);

/// The workflow of PRODUCT.md as one table: from → allowed targets. The server enforces it
/// and /api/v1/meta publishes it.
const std::map<std::string, std::vector<std::string>>& transitions();
bool transition_allowed(std::string_view from, std::string_view to);

/// Dutch labels for pages.
std::string_view status_label_nl(std::string_view status);

/// Field limits in characters (Unicode code points) as the contract sets them.
struct field_limits {
  static constexpr std::size_t title = 200;
  static constexpr std::size_t procedure = 200;
  static constexpr std::size_t description = 10000;
  static constexpr std::size_t impact = 5000;
  static constexpr std::size_t suggestion = 5000;
  static constexpr std::size_t reporter_name = 200;
  static constexpr std::size_t reporter_email = 254;
  static constexpr std::size_t reply_body = 5000;
};

/// The submission's limits by field name, for `/api/v1/meta` and the form page.
inline constexpr std::array<std::pair<std::string_view, std::size_t>, 7> submission_limits{{
    {"title", field_limits::title},
    {"procedure", field_limits::procedure},
    {"description", field_limits::description},
    {"impact", field_limits::impact},
    {"suggestion", field_limits::suggestion},
    {"reporter_name", field_limits::reporter_name},
    {"reporter_email", field_limits::reporter_email},
}};

/// What a reporter submits, after decoding from JSON or an HTML form.
struct report_submission {
  std::string title;
  std::string procedure;
  std::string description;
  std::string impact;
  std::string suggestion;
  std::string department;
  std::string category;
  std::string reporter_name;
  std::string reporter_email;
  /// Set by the server, never from the form: the user name the intranet's single sign-on
  /// gave (pseudonymous reporting). Empty for anonymous reports.
  std::string reporter_identity;
  /// The reporter asked that the single sign-on user name not be kept with the report (anonymous
  /// reports are allowed also behind single sign-on).
  bool anonymous = false;
};

/// Why a field is not acceptable; the API turns it into English, the pages into Dutch.
enum class field_problem {
  required,
  too_long,
  invalid_email,
  unknown_key,
  invalid_text,
  // The team's changes (domain/workflow.hpp):
  invalid_value,           // not one of the allowed values
  transition_not_allowed,  // the workflow has no such step from the current status
  required_for_status,     // needed for this status change (note, outcome, duplicate_of)
  not_applicable,          // only taken together with a certain status change
  unknown_report,          // duplicate_of names no report
  self_reference,          // duplicate_of names the report itself
  duplicate_cycle,         // duplicate_of would make a cycle of duplicates
  duplicate_of_duplicate,  // duplicate_of names a report that is a duplicate itself (detail: the one it duplicates)
  // The administrator's lists of departments and categories:
  invalid_key,             // not 1..64 of a-z, 0-9, _ and -
  already_exists,          // the key is taken (also by an inactive entry)
  label_taken,             // another entry of the list has this label (detail: its key)
  last_active,             // deactivating it would leave the list without an active entry
  out_of_range,            // a number outside its range (detail: the range)
};

struct field_error {
  std::string field;
  field_problem problem;
  std::size_t limit = 0;  // for too_long
  std::string detail{};   // context for the message (e.g. "accepted → resolved")
};

using field_errors = std::vector<field_error>;

/// The keys a submission may use for department and category (the active ones).
struct reference_lists {
  std::set<std::string, std::less<>> departments;
  std::set<std::string, std::less<>> categories;
};

/// An entry of the administrator's lists of departments and categories. Keys are stored with
/// every report and appear in links, filters and CSV, so they are short lower-case ASCII and
/// never change; labels are what people read and may change. Entries are never deleted (old
/// reports keep theirs), only deactivated.
struct list_entry_change {
  std::optional<std::string> key;  // only when adding
  std::optional<std::string> label;
  std::optional<std::int64_t> position;  // order in the lists; 1 ..= max_list_position
  std::optional<bool> active;
};
inline constexpr std::size_t max_list_key = 64;
inline constexpr std::size_t max_list_label = 200;
inline constexpr std::int64_t max_list_position = 1000000;

/// Checks the fields given (the label is trimmed in place). `adding`: key and label are required.
field_errors validate_list_entry(list_entry_change& e, bool adding);

/// Trims surrounding white space, normalises line endings, and checks every rule of the
/// contract. Returns the problems in form order; empty when acceptable.
field_errors validate(report_submission& s, const reference_lists& lists);

/// Validation of a reporter's reply text (trimmed in place).
field_errors validate_reply(std::string& body);

/// English message for the API, Dutch message for the pages.
std::string message_en(const field_error& e);
std::string message_nl(const field_error& e);

/// Number of Unicode code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);
bool valid_utf8(std::string_view s);
/// True when `s` holds a direction embedding, override or isolate (U+202A..U+202E,
/// U+2066..U+2069): refused in names the pages show inside their own sentences.
bool has_direction_controls(std::string_view s);
/// True when valid UTF-8 `s` shows nothing: white space, the Unicode spaces and the invisible
/// format characters (zero-width space and joiners, direction marks, byte order mark, ...).
bool shows_nothing(std::string_view s);
bool valid_email(std::string_view s);

}  // namespace rodeknop::domain
