#include "rodeknop/store/search_text.hpp"

#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace rodeknop::store {

namespace {

/// One unicode61 tokenizer (remove_diacritics 2, as the word index), owned by the function.
struct folder {
  fts5_tokenizer api{};
  Fts5Tokenizer* tokenizer = nullptr;
  folder() = default;
  folder(const folder&) = delete;
  folder& operator=(const folder&) = delete;
  ~folder() {
    if (tokenizer) api.xDelete(tokenizer);
  }
};

fts5_api* fts5_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

int append_token(void* context, int flags, const char* token, int size, int /*start*/, int /*end*/) {
  if (flags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
  auto& out = *static_cast<std::string*>(context);
  try {
    if (!out.empty()) out += ' ';
    out.append(token, static_cast<std::size_t>(size));
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

void fold(sqlite3_context* context, int argc, sqlite3_value** argv) {
  auto* f = static_cast<folder*>(sqlite3_user_data(context));
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) continue;
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
    if (!text) {
      sqlite3_result_error_nomem(context);
      return;
    }
    const int size = sqlite3_value_bytes(argv[i]);
    const int rc = f->api.xTokenize(f->tokenizer, &out, FTS5_TOKENIZE_DOCUMENT, text, size, append_token);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(context, rc);
      return;
    }
  }
  sqlite3_result_text64(context, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void destroy(void* p) { delete static_cast<folder*>(p); }

}  // namespace

void register_search_functions(sqlite3* db) {
  fts5_api* api = fts5_of(db);
  if (!api) throw std::runtime_error("this SQLite has no FTS5 (full-text search), which Rode Knop needs");
  auto f = std::make_unique<folder>();
  void* user_data = nullptr;
  if (api->xFindTokenizer(api, "unicode61", &user_data, &f->api) != SQLITE_OK)
    throw std::runtime_error("this SQLite has no unicode61 tokenizer, which Rode Knop's search needs");
  const char* args[] = {"remove_diacritics", "2"};
  if (f->api.xCreate(user_data, args, 2, &f->tokenizer) != SQLITE_OK)
    throw std::runtime_error("cannot make SQLite's unicode61 tokenizer for the search index");
  // On failure sqlite3_create_function_v2 calls destroy itself.
  const int rc = sqlite3_create_function_v2(db, "rk_fold", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                            f.release(), fold, nullptr, nullptr, destroy);
  if (rc != SQLITE_OK) throw std::runtime_error(std::string("cannot register rk_fold: ") + sqlite3_errstr(rc));
}

}  // namespace rodeknop::store
