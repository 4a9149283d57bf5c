#include "rodeknop/domain/report.hpp"

#include <algorithm>

namespace rodeknop::domain {

namespace {

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

// Trims ASCII and Unicode-agnostic white space at both ends and turns CRLF/CR into LF.
void normalise(std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'; };
  std::size_t b = 0, e = out.size();
  while (b < e && is_space(out[b])) ++b;
  while (e > b && is_space(out[e - 1])) --e;
  s = out.substr(b, e - b);
}

// Control characters other than tab and newline (C0, DEL and the C1 range U+0080..U+009F,
// encoded as C2 80..C2 9F) have no place in a report.
bool has_forbidden_controls(std::string_view s, bool allow_newlines) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') {
      if (!allow_newlines) return true;
    } else if (c == '\t') {
      continue;
    } else if (c < 0x20 || c == 0x7f) {
      return true;
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
               static_cast<unsigned char>(s[i + 1]) >= 0x80) {
      return true;
    } else if (!allow_newlines && c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      return true;  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: line breaks too
    }
  }
  return false;
}

void check_text(field_errors& errors, const char* field, std::string& value, std::size_t limit, bool required,
                bool multiline) {
  normalise(value);
  if (!valid_utf8(value) || has_forbidden_controls(value, multiline)) {
    errors.push_back({field, field_problem::invalid_text, 0});
  } else if (shows_nothing(value)) {
    value.clear();
    if (required) errors.push_back({field, field_problem::required, 0});
  } else if (utf8_length(value) > limit) {
    errors.push_back({field, field_problem::too_long, limit});
  }
}

void check_key(field_errors& errors, const char* field, std::string& value,
               const std::set<std::string, std::less<>>& allowed) {
  normalise(value);
  if (value.empty())
    errors.push_back({field, field_problem::required, 0});
  else if (!allowed.contains(value))
    errors.push_back({field, field_problem::unknown_key, 0});
}

}  // namespace

// True when valid UTF-8 `s` shows nothing: only white space, the Unicode spaces (no-break,
// en/em, ideographic, ...) and the invisible format characters (zero-width space and joiners,
// direction marks, word joiner, byte order mark, soft hyphen).
bool shows_nothing(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    std::size_t n;
    if (c < 0x80) {
      cp = c, n = 1;
    } else if (c < 0xE0) {
      cp = c & 0x1F, n = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0F, n = 3;
    } else {
      cp = c & 0x07, n = 4;
    }
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    const bool blank = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f' || cp == 0x00A0 ||
                       cp == 0x00AD || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) ||
                       cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 ||
                       cp == 0x3000 || cp == 0xFEFF;
    if (!blank) return false;
  }
  return true;
}

// The direction embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069). A report's
// text may hold them (pages isolate what a reporter typed); a list's label is shown inside
// the pages' own sentences and table cells, where an override would turn them around.
bool has_direction_controls(std::string_view s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) != 0xE2) continue;
    const auto b = static_cast<unsigned char>(s[i + 1]), c = static_cast<unsigned char>(s[i + 2]);
    if ((b == 0x80 && c >= 0xAA && c <= 0xAE) || (b == 0x81 && c >= 0xA6 && c <= 0xA9)) return true;
  }
  return false;
}

namespace {

// Characters that show nothing (zero-width space and joiners, word joiner, soft hyphen, byte
// order mark, Mongolian vowel separator, left-to-right and right-to-left marks): in a list's
// label they only make two entries that look the same.
bool has_invisible_characters(std::string_view s) {
  static constexpr std::string_view invisible[] = {"\xC2\xAD",     "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",
                                                   "\xE2\x80\x8E", "\xE2\x80\x8F", "\xE2\x81\xA0", "\xEF\xBB\xBF",
                                                   "\xE1\xA0\x8E"};
  return std::any_of(std::begin(invisible), std::end(invisible),
                     [&](std::string_view c) { return s.find(c) != std::string_view::npos; });
}

// The UTF-8 length of a space character at s[i] (ASCII space or tab, no-break space, the
// typographic spaces U+2000..U+200A, narrow no-break, medium mathematical, ideographic), else 0.
std::size_t space_at(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0U; };
  if (b(0) == ' ' || b(0) == '\t') return 1;
  if (b(0) == 0xC2 && b(1) == 0xA0) return 2;
  if (b(0) == 0xE2 && b(1) == 0x80 && ((b(2) >= 0x80 && b(2) <= 0x8A) || b(2) == 0xAF)) return 3;
  if (b(0) == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;
  if (b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;
  return 0;
}

// Every run of spaces (of any kind) becomes one plain space; none at either end.
void collapse_spaces(std::string& s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (std::size_t i = 0; i < s.size();) {
    if (const auto n = space_at(s, i)) {
      pending = true;
      i += n;
      continue;
    }
    if (pending && !out.empty()) out += ' ';
    pending = false;
    out += s[i++];
  }
  s = std::move(out);
}

}  // namespace

bool is_status(std::string_view s) { return contains(statuses, s); }
bool is_closed_status(std::string_view s) { return contains(closed_statuses, s); }
bool is_priority(std::string_view s) { return contains(priorities, s); }
bool is_outcome(std::string_view s) { return contains(outcomes, s); }

const std::map<std::string, std::vector<std::string>>& transitions() {
  static const std::map<std::string, std::vector<std::string>> table{
      {"new", {"accepted", "rejected", "duplicate", "needs_info"}},
      {"needs_info", {"new"}},
      {"accepted", {"in_progress", "resolved", "wont_fix"}},
      // PRODUCT.md's diagram: the team can also ask for more information once work has started.
      {"in_progress", {"resolved", "wont_fix", "needs_info"}},
      {"resolved", {"accepted"}},
      {"wont_fix", {"accepted"}},
      {"rejected", {"accepted"}},
      {"duplicate", {"accepted"}},
  };
  return table;
}

bool transition_allowed(std::string_view from, std::string_view to) {
  const auto& t = transitions();
  const auto it = t.find(std::string{from});
  return it != t.end() && std::find(it->second.begin(), it->second.end(), to) != it->second.end();
}

std::string_view status_label_nl(std::string_view status) {
  if (status == "new") return "Nieuw";
  if (status == "needs_info") return "Meer informatie nodig";
  if (status == "accepted") return "Geaccepteerd";
  if (status == "in_progress") return "In behandeling";
  if (status == "resolved") return "Opgelost";
  if (status == "wont_fix") return "Niet opgelost";
  if (status == "rejected") return "Afgewezen";
  if (status == "duplicate") return "Dubbele melding";
  return "Onbekend";
}

field_errors validate(report_submission& s, const reference_lists& lists) {
  field_errors errors;
  check_text(errors, "title", s.title, field_limits::title, true, false);
  check_text(errors, "procedure", s.procedure, field_limits::procedure, true, false);
  check_text(errors, "description", s.description, field_limits::description, true, true);
  check_text(errors, "impact", s.impact, field_limits::impact, false, true);
  check_text(errors, "suggestion", s.suggestion, field_limits::suggestion, false, true);
  check_key(errors, "department", s.department, lists.departments);
  check_key(errors, "category", s.category, lists.categories);
  check_text(errors, "reporter_name", s.reporter_name, field_limits::reporter_name, false, false);
  const auto before = errors.size();
  check_text(errors, "reporter_email", s.reporter_email, field_limits::reporter_email, false, false);
  if (errors.size() == before && !s.reporter_email.empty() && !valid_email(s.reporter_email))
    errors.push_back({"reporter_email", field_problem::invalid_email, 0});
  return errors;
}

field_errors validate_list_entry(list_entry_change& e, bool adding) {
  field_errors errors;
  if (e.key) {
    const auto& k = *e.key;
    const bool ok = !k.empty() && k.size() <= max_list_key &&
                    std::all_of(k.begin(), k.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                    });
    if (!ok) errors.push_back({"key", field_problem::invalid_key, 0});
  } else if (adding) {
    errors.push_back({"key", field_problem::required, 0});
  }
  if (e.label) {
    const auto before = errors.size();
    // "Dienst  Publiekszaken" or one with a no-break space is "Dienst Publiekszaken".
    collapse_spaces(*e.label);
    check_text(errors, "label", *e.label, max_list_label, true, false);
    if (errors.size() == before && (has_direction_controls(*e.label) || has_invisible_characters(*e.label)))
      errors.push_back({"label", field_problem::invalid_text, 0});
  } else if (adding)
    errors.push_back({"label", field_problem::required, 0});
  if (e.position && (*e.position < 1 || *e.position > max_list_position))
    errors.push_back({"position", field_problem::out_of_range, 0, "from 1 to " + std::to_string(max_list_position)});
  return errors;
}

field_errors validate_reply(std::string& body) {
  field_errors errors;
  check_text(errors, "body", body, field_limits::reply_body, true, true);
  return errors;
}

std::string message_en(const field_error& e) {
  switch (e.problem) {
    case field_problem::required: return "is required";
    case field_problem::too_long: return "must be at most " + std::to_string(e.limit) + " characters";
    case field_problem::invalid_email: return "is not a valid e-mail address";
    case field_problem::unknown_key: return "is not a known key (see /api/v1/meta)";
    case field_problem::invalid_text: return "contains invalid UTF-8 or control characters";
    case field_problem::invalid_value: return "must be one of " + e.detail;
    case field_problem::transition_not_allowed: return "the workflow does not allow " + e.detail;
    case field_problem::required_for_status: return "is required " + e.detail;
    case field_problem::not_applicable: return "is only taken " + e.detail;
    case field_problem::unknown_report: return "is not the id of an existing report";
    case field_problem::self_reference: return "must not be the report itself";
    case field_problem::duplicate_cycle: return "would make a cycle of duplicates (" + e.detail + ")";
    case field_problem::duplicate_of_duplicate:
      return "names a report that is itself a duplicate of " + e.detail + "; mark it a duplicate of that one";
    case field_problem::invalid_key:
      return "must be 1 to " + std::to_string(max_list_key) + " characters: a-z, 0-9, _ and -";
    case field_problem::already_exists: return "is already taken (keys are never reused, also of inactive entries)";
    case field_problem::label_taken: return "is already the label of another entry of this list (" + e.detail + ")";
    case field_problem::last_active: return "cannot be false: the list must keep at least one active entry";
    case field_problem::out_of_range: return "must be a whole number " + e.detail;
  }
  return "is not acceptable";
}

namespace {

// 5000 → "5.000", as the help texts write numbers.
std::string dutch_number(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string message_nl(const field_error& e) {
  const std::string& f = e.field;
  switch (e.problem) {
    case field_problem::required:
      if (f == "title") return "Geef uw melding een korte titel.";
      if (f == "procedure") return "Noem de procedure, regel, het formulier of systeem waar het om gaat.";
      if (f == "description") return "Beschrijf wat er misgaat, het liefst met een voorbeeld.";
      if (f == "department") return "Kies uw dienst.";
      if (f == "category") return "Kies een categorie.";
      if (f == "body") return "Schrijf uw aanvulling.";
      return "Vul dit veld in.";
    case field_problem::too_long:
      return "Dit veld mag maximaal " + dutch_number(e.limit) + " tekens bevatten.";
    case field_problem::invalid_email: return "Vul een geldig e-mailadres in, bijvoorbeeld naam@denhaag.nl.";
    case field_problem::unknown_key:
      if (f == "department") return "Kies uw dienst uit de lijst.";
      if (f == "category") return "Kies een categorie uit de lijst.";
      return "Kies een waarde uit de lijst.";
    case field_problem::invalid_text: return "Dit veld bevat tekens die niet zijn toegestaan.";
    case field_problem::invalid_value: return "Kies een waarde uit de lijst.";
    case field_problem::transition_not_allowed: return "Deze statuswijziging is niet toegestaan.";
    case field_problem::required_for_status:
      if (f == "note") return "Geef een toelichting bij dit besluit.";
      if (f == "outcome") return "Kies de uitkomst.";
      if (f == "duplicate_of") return "Geef het nummer van de melding waarvan dit een dubbele is.";
      return "Vul dit veld in.";
    case field_problem::not_applicable: return "Dit veld hoort niet bij deze wijziging.";
    case field_problem::unknown_report: return "Er is geen melding met dit nummer.";
    case field_problem::self_reference: return "Een melding kan geen dubbele van zichzelf zijn.";
    case field_problem::duplicate_cycle: return "Dan verwijzen dubbele meldingen in een kring naar elkaar.";
    case field_problem::duplicate_of_duplicate:
      return "Die melding is zelf een dubbele van " + e.detail + ". Kies " + e.detail + ".";
    case field_problem::invalid_key:
      return "Gebruik 1 tot " + std::to_string(max_list_key) + " kleine letters (a-z), cijfers, _ of -.";
    case field_problem::already_exists: return "Deze sleutel is al in gebruik.";
    case field_problem::label_taken: return "Deze naam staat al in de lijst; kies een naam die er nog niet in staat.";
    case field_problem::last_active: return "Er moet minstens één waarde in de lijst actief blijven.";
    case field_problem::out_of_range: return "Vul een heel getal in van 1 tot en met " + dutch_number(static_cast<std::size_t>(max_list_position)) + ".";
  }
  return "Dit veld is niet goed ingevuld.";
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool valid_email(std::string_view s) {
  // A pragmatic check of the addr-spec: local@domain, no spaces, a dot in the domain,
  // labels of letters, digits and hyphens. International addresses are accepted as UTF-8.
  if (s.size() > field_limits::reporter_email) return false;
  const auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 >= s.size()) return false;
  const auto local = s.substr(0, at);
  const auto domain = s.substr(at + 1);
  for (char ch : local) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || ch == '@' || ch == '"' || ch == '(' || ch == ')' || ch == ',' || ch == ':' ||
        ch == ';' || ch == '<' || ch == '>' || ch == '[' || ch == ']' || ch == '\\')
      return false;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  if (domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const auto label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char ch : label) {
      const auto c = static_cast<unsigned char>(ch);
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ch == '-' ||
                      c >= 0x80;
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace rodeknop::domain
