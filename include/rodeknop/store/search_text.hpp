#pragma once
// The text of the substring index. The word index (reports_fts, FTS5 unicode61 with
// remove_diacritics 2) finds whole words and their beginnings; Dutch joins words, so a search for
// `vergunning` must also find `kapvergunning`. The substring index (reports_substrings, FTS5
// trigram) finds any run of three or more characters, but SQLite 3.40's trigram tokenizer folds
// case only, not diacritics. So it indexes the text as the word index sees it: rk_fold(...) runs
// the unicode61 tokenizer over its arguments and joins the tokens (lower case, without
// diacritics) with single spaces; a search folds its words the same way.

#include <sqlite3.h>

namespace rodeknop::store {

/// Registers rk_fold(text, ...) on `db` (every connection store::connection opens has it, so
/// the triggers of sql/0008 work in every Rode Knop process; the sqlite3 shell lacks it).
/// NULL arguments are skipped. Throws std::runtime_error when SQLite has no FTS5.
void register_search_functions(sqlite3* db);

}  // namespace rodeknop::store
