#pragma once
// The report repository: every SQL statement about reports, their history and messages.
// Functions take a connection (the writer's for changes, a pooled reader's for queries).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/report.hpp"
#include "rodeknop/store/database.hpp"

namespace rodeknop::store {

struct created_report {
  std::int64_t id = 0;
  std::string reference;
  std::string status;
  domain::sys_seconds created_at{};
};

/// Inserts a validated submission with its `created` event and the next reference number of
/// its year (Europe/Amsterdam). Runs inside the writer's transaction. `tracking_key` is
/// util::tracking_key of the reporter's token (stored in the column `tracking_hash`).
created_report insert_report(connection& c, const domain::report_submission& s, std::string_view tracking_key,
                             domain::sys_seconds now);

/// A report form sent before (sql/0007): the report it made, what that report said (a hash) and
/// its tracking token, sealed under the form's key.
struct form_submission {
  created_report report;
  std::string content_hash;
  std::string sealed_token;
};

/// The report made with the form key whose hash is `key_hash`, if any.
std::optional<form_submission> find_form_submission(connection& c, std::string_view key_hash);

/// Notes that the form key hashed to `key_hash` made report `report_id`, and forgets the notes
/// of a day ago. In the writer's transaction, with the report.
void insert_form_submission(connection& c, std::string_view key_hash, std::string_view content_hash,
                            std::int64_t report_id, std::string_view sealed_token, domain::sys_seconds now);

/// "RK-2026-00042".
std::string format_reference(int year, std::int64_t number);
/// The reference a text names, written as format_reference writes it ("rk-2026-12 " →
/// "RK-2026-00012"), or nullopt when the text is not a reference.
std::optional<std::string> parse_reference(std::string_view text);

struct tracking_message {
  bool from_team = false;
  domain::sys_seconds at{};
  std::string body;
  /// For the note of a team's decision: the status it moved the report to; else empty.
  std::string decision;
};

/// What the reporter may see of their own report, and nothing more.
struct tracking_view {
  std::int64_t id = 0;
  std::string reference;
  std::string title;
  std::string status;
  domain::sys_seconds created_at{};
  domain::sys_seconds updated_at{};
  std::string outcome;                // of a resolved report, else empty
  std::string duplicate_reference;    // of the earlier report a duplicate belongs to, else empty
  std::vector<tracking_message> messages;  // oldest first
};

std::optional<tracking_view> find_tracking_view(connection& c, std::string_view tracking_key);

struct reply_result {
  std::int64_t id = 0;
  std::string reference;
  std::string status;  // after the reply
  std::int64_t version = 0;  // the report's version after the reply
};

/// Stores a reporter's reply with its `reply` event; a report in needs_info goes back to new
/// (with a `status` event by the reporter). nullopt for an unknown tracking token.
std::optional<reply_result> insert_reply(connection& c, std::string_view tracking_key, std::string_view body,
                                         domain::sys_seconds now);

/// Number of reports in each status (for /metrics).
std::vector<std::pair<std::string, std::int64_t>> count_by_status(connection& c);

/// A trivial query: true when the database answers.
bool ping(connection& c);

}  // namespace rodeknop::store
