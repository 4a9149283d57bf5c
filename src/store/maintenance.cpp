#include "rodeknop/store/maintenance.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/store/audit.hpp"
#include "rodeknop/store/catalog.hpp"
#include "rodeknop/store/migrations.hpp"
#include "rodeknop/store/reports.hpp"
#include "rodeknop/store/triage.hpp"
#include "rodeknop/util/signal_cleanup.hpp"

namespace rodeknop::store {

namespace fs = std::filesystem;

backup_result backup(const db_options& source, const std::string& destination) {
  check_database_path(source.path);
  if (destination.empty()) throw std::runtime_error("--to must name the file to write");
  if (!fs::exists(source.path)) throw std::runtime_error("the database " + source.path + " does not exist");
  std::error_code ec;
  if (fs::equivalent(source.path, destination, ec))
    throw std::runtime_error("the backup must not overwrite the database itself");
  // Nor its write-ahead log or shared-memory index (replacing those loses committed reports),
  // however the path is spelled, existing or not.
  const auto spelled = [](const std::string& p) {
    std::error_code e;
    const auto c = fs::weakly_canonical(fs::absolute(p, e), e);
    return e ? fs::path(p).lexically_normal() : c;
  };
  for (const std::string suffix : {"-wal", "-shm", "-journal"}) {
    const auto companion = source.path + suffix;
    // Also through a symbolic or hard link to the database: SQLite names the log after the file
    // it opened, so "X-wal" belongs to the database whenever X is the database's file.
    const bool names_companion =
        destination.size() > suffix.size() && destination.ends_with(suffix) &&
        fs::equivalent(destination.substr(0, destination.size() - suffix.size()), source.path, ec);
    if (names_companion || fs::equivalent(companion, destination, ec) || spelled(companion) == spelled(destination))
      throw std::runtime_error("the backup must not overwrite the database's own " + suffix.substr(1) + " file " +
                               destination);
  }
  // The copy replaces a file; never a device, pipe, directory or link (as root: /dev/null).
  if (const auto st = fs::symlink_status(destination, ec); !ec && fs::exists(st) && !fs::is_regular_file(st))
    throw std::runtime_error(destination + " exists and is not a regular file; name a file for the backup");
  if (const auto folder = fs::path(destination).parent_path(); !folder.empty() && !fs::is_directory(folder, ec))
    throw std::runtime_error("the folder " + folder.string() + " of " + destination + " does not exist");
  // Each run writes its own temporary file, so two backups to one target (a timer's and a
  // hand-started one) do not write into each other's: the one that finishes last is the file.
  static std::atomic<unsigned> runs{0};
  const std::string temp = destination + ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(++runs);
  // SQLite writes a rollback journal beside the copy while it fills it.
  const std::vector<std::string> leftovers{temp, temp + "-journal", temp + "-wal", temp + "-shm"};
  const auto remove_leftovers = [&] {
    for (const auto& f : leftovers) fs::remove(f, ec);
  };
  remove_leftovers();
  const util::remove_on_signal stopped(leftovers);
  backup_result result;
  try {
    // Each failure names the file it is about: "unable to open database file" alone does not say
    // whether the database or the backup's folder is the trouble.
    const auto about = [](const std::string& what, auto&& step) {
      try {
        return step();
      } catch (const SQLite::Exception& e) {
        throw std::runtime_error(what + ": " + e.what());
      }
    };
    auto src = about("cannot read the database " + source.path,
                     [&] { return std::make_unique<connection>(source, false); });
    if (src->db().execAndGet("PRAGMA application_id").getInt() != application_id)
      throw std::runtime_error("the database " + source.path + " is not a Rode Knop database");
    {
      const auto writing = "cannot write the backup " + destination;
      auto dst = about(writing, [&] {
        return std::make_unique<SQLite::Database>(temp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      });
      about(writing, [&] {
        SQLite::Backup b(*dst, src->db());
        // -1: every page in one step, so the copy is one consistent snapshot even while the
        // server writes.
        b.executeStep(-1);
        result.pages = b.getTotalPageCount();
        dst->exec("PRAGMA journal_mode = DELETE");  // a self-contained single file
        return 0;
      });
      const auto check = dst->execAndGet("PRAGMA integrity_check").getString();
      if (check != "ok") {
        // One line for the operator: the first problem SQLite names, and how many there are.
        std::vector<std::string> problems;
        for (std::size_t at = 0; at < check.size();) {
          const auto end = std::min(check.find('\n', at), check.size());
          if (check.compare(at, 3, "***") != 0 && end > at) problems.push_back(check.substr(at, end - at));
          at = end + 1;
        }
        const auto lines = static_cast<std::ptrdiff_t>(problems.size());
        std::string first = problems.empty() ? check : problems.front();
        if (first.size() > 200) first = first.substr(0, 200) + "...";
        throw std::runtime_error("the database is damaged (the copy failed its integrity check: " + first +
                                 (lines > 1 ? "; " + std::to_string(lines - 1) + " more problems" : std::string()) +
                                 "); run `sqlite3 DB 'PRAGMA integrity_check'` for all");
      }
      result.reports = dst->execAndGet("SELECT count(*) FROM reports").getInt64();
    }
    fs::rename(temp, destination);
  } catch (...) {
    remove_leftovers();
    throw;
  }
  return result;
}

namespace {

// splitmix64: tiny, fast and the same on every platform (unlike std distributions).
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {  // [lo, hi]
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& a) { return a[below(N)]; }
  /// An index drawn with the given weights.
  template <std::size_t N>
  std::size_t weighted(const std::array<unsigned, N>& w) {
    unsigned total = 0;
    for (auto x : w) total += x;
    auto r = static_cast<unsigned>(below(total));
    for (std::size_t i = 0; i < N; ++i) {
      if (r < w[i]) return i;
      r -= w[i];
    }
    return N - 1;
  }
};

// What civil servants run into, in their own words. A title is a subject and a problem; the
// same subject recurs, which gives the duplicate detection something to find.
constexpr std::array<const char*, 30> subjects{
    "Aanvraag bijzondere bijstand", "Parkeervergunning voor mantelzorgers", "Verhuizing doorgeven",
    "Kwijtschelding gemeentelijke belastingen", "Evenementenvergunning buurtfeest", "Inschrijving nieuwe inwoner",
    "Melding openbare ruimte", "Aanvraag gehandicaptenparkeerkaart", "Leerlingenvervoer", "Terrasvergunning",
    "Intake schuldhulpverlening", "Aanvraag Wmo-voorziening", "Omgevingsvergunning dakkapel", "Uittreksel BRP",
    "Subsidie sportvereniging", "Afvalpas nieuwe bewoners", "Reëel inkomen bij de bijstandsaanvraag",
    "Coördinatie jeugdhulp tussen wijkteams", "Ondernemersloket vestigingsvergunning", "Huwelijksvoltrekking op locatie",
    "Aanvraag individuele inkomenstoeslag", "Ooievaarspas verlengen", "Ontheffing venstertijden binnenstad",
    "Vergoeding kinderopvang voor werkzoekenden", "Herindicatie huishoudelijke hulp", "Bezwaar WOZ-beschikking",
    "Tijdelijke verhuur via de privé-woning", "Inburgering en taaleis", "Aanvraag kapvergunning", "Verklaring omtrent het gedrag"};
constexpr std::array<const char*, 20> problems{
    "vraagt drie keer dezelfde gegevens", "duurt acht weken door een dubbele controle",
    "verplicht een papieren handtekening", "stuurt inwoners van loket naar loket",
    "eist een bewijsstuk dat de gemeente zelf al heeft", "kan niet digitaal worden ingediend",
    "heeft een brief die niemand begrijpt", "kost meer aan leges dan de behandeling kost",
    "blokkeert bij een adres zonder huisnummer", "moet door twee afdelingen worden goedgekeurd",
    "vervalt als de inwoner een dag te laat is", "vraagt een verklaring van een externe partij",
    "wordt elk jaar opnieuw getoetst terwijl niets verandert", "heeft een termijn die korter is dan de postbezorging",
    "vraagt om een DigiD die de inwoner niet kan krijgen", "wordt niet geïnformeerd over de stand van zaken",
    "past niet in het zaaksysteem", "eist een origineel in plaats van een kopie",
    "vraagt een afspraak aan de balie voor een simpele wijziging", "kent geen uitzondering voor schrijnende gevallen"};
constexpr std::array<const char*, 16> procedures{
    "Werkinstructie intake", "Verordening gemeentelijke belastingen", "Zaaksysteem, formulier aanvraag",
    "Mandaatregeling", "Beleidsregel bijzondere bijstand", "Procedure vergunningverlening",
    "Privacyprotocol gegevensdeling", "Aanvraagformulier (pdf)", "Controleprotocol rechtmatigheid",
    "Afsprakensysteem Publiekszaken", "Participatiewet, artikel 17", "Algemene Plaatselijke Verordening",
    "Legesverordening", "Werkproces bezwaar en beroep", "Handboek Wmo", "Inkoopvoorwaarden jeugdhulp"};
constexpr std::array<const char*, 14> examples{
    "Een inwoner met een rolstoel moest vorige week drie keer terugkomen voor hetzelfde formulier.",
    "Een ondernemer wachtte zes weken op een vergunning die binnen een dag beoordeeld kon worden.",
    "Een moeder met drie kinderen kreeg een brief met een termijn van vijf dagen, terwijl de post er zeven over deed.",
    "Een oudere inwoner zonder DigiD kon de aanvraag nergens anders doen en gaf het op.",
    "Een nieuwkomer moest een document laten vertalen dat wij zelf al in het dossier hadden.",
    "Een buurtvereniging moest dezelfde gegevens aan drie afdelingen sturen.",
    "Een inwoner kreeg twee tegenstrijdige brieven van verschillende afdelingen in één week.",
    "Een mantelzorger moest elk jaar opnieuw aantonen dat de zorgsituatie niet veranderd was.",
    "Een jongere van achttien viel tussen twee regelingen in en kreeg drie maanden geen inkomen.",
    "Een café-eigenaar moest voor één avond terras dezelfde stukken aanleveren als voor een heel seizoen.",
    "Een inwoner met schulden kreeg een boete omdat een formulier een dag te laat binnenkwam.",
    "Een gezin moest een uittreksel betalen dat de gemeente zelf had kunnen opvragen.",
    "Een collega van het wijkteam mocht gegevens niet delen die de inwoner zelf wilde laten delen.",
    "Een statushouder kon de afspraak niet maken omdat de website alleen in het Nederlands is."};
constexpr std::array<const char*, 8> impacts{
    "Inwoners haken af en krijgen geen hulp waar ze recht op hebben.",
    "Ondernemers lopen omzet mis en verliezen het vertrouwen in de gemeente.",
    "Het kost inwoners uren en levert de gemeente niets op.",
    "Kwetsbare inwoners raken in de problemen door de wachttijd.",
    "Medewerkers besteden veel tijd aan uitleggen en herstellen.",
    "Inwoners bellen herhaaldelijk en het klantcontactcentrum raakt overbelast.", "", ""};
constexpr std::array<const char*, 8> suggestions{
    "Gebruik de gegevens die we al hebben en vraag alleen wat ontbreekt.",
    "Laat één afdeling het hele verzoek afhandelen.", "Schaf de dubbele controle af voor bedragen onder de grens.",
    "Maak het formulier digitaal en vul het vooraf in.", "Geef de behandelaar ruimte om af te wijken.",
    "Verleng de termijn naar vier weken.", "", ""};
constexpr std::array<const char*, 16> first_names{"Fatima", "Jan",   "Priya",  "Kees",    "Sanne",  "Mohamed",
                                                   "Anouk",  "Daan",  "Esra",   "Joost",   "Naima",  "Ruud",
                                                   "Yvonne", "Bilal", "Mirjam", "Chaimae"};
constexpr std::array<const char*, 12> last_names{"el Amrani", "de Vries", "Ramdin", "Bakker", "Jansen", "Yilmaz",
                                                  "Visser",   "van Dijk", "Kaya",   "Mulder", "Bouzid", "de Jong"};
constexpr std::array<const char*, 6> outcome_keys{"rule_abolished",    "rule_changed",      "procedure_changed",
                                                  "room_within_rules", "tailored_solution", "explained"};
constexpr std::array<unsigned, 6> outcome_weights{8, 15, 25, 15, 12, 25};
constexpr std::array<const char*, 6> team{"anna", "bram", "chantal", "dirk", "esther", "farid"};
constexpr std::array<unsigned, 6> department_weights{8, 26, 16, 14, 24, 12};  // bsd, dpz, dso, dsb, szw, ocw
constexpr std::array<const char*, 6> resolve_notes{
    "Regel aangepast in overleg met de eigenaar; werkinstructie is bijgewerkt.",
    "Past binnen de bestaande regels; de werkwijze is aangepast en gecommuniceerd.",
    "De beleidsregel is geschrapt per de eerste van de volgende maand.",
    "Maatwerk afgesproken voor deze en vergelijkbare situaties.",
    "Uitgelegd aan de melder waarom de regel blijft; brief is begrijpelijker gemaakt.",
    "Formulier vereenvoudigd: drie vragen geschrapt, gegevens worden vooraf ingevuld."};
constexpr std::array<const char*, 4> reject_notes{
    "Geen belemmering voor de dienstverlening; uitgelegd aan de melder.",
    "Landelijke regel zonder ruimte voor de gemeente; doorgegeven aan de VNG.",
    "De situatie is inmiddels opgelost door een eerdere wijziging.",
    "Valt buiten de opdracht van het ontregelteam; doorverwezen naar de klachtenfunctionaris."};
constexpr std::array<const char*, 3> wont_fix_notes{
    "Landelijke regel; buiten de invloed van de gemeente.",
    "Aanpassing kost meer dan zij oplevert; besproken met de melder.",
    "Het systeem wordt volgend jaar vervangen; meegenomen in het programma van eisen."};
constexpr std::array<const char*, 4> internal_comments{
    "Besproken met de teamleider van de afdeling; die herkent het probleem.",
    "Navraag gedaan bij juridische zaken: er is ruimte binnen de verordening.",
    "Eerst de cijfers opvragen: hoe vaak komt dit voor?",
    "Eigenaar van de regel wil in het volgende overleg aansluiten."};
constexpr std::array<const char*, 3> questions{
    "Kunt u een recent voorbeeld geven, zonder persoonsgegevens?",
    "Om welk formulier gaat het precies? Een link of zaaknummer helpt.",
    "Hoe vaak komt dit ongeveer voor in uw team?"};
constexpr std::array<const char*, 3> replies{
    "Het gaat om het formulier voor de aanvraag; vorige week kwam het vier keer voor.",
    "Bij ons team ongeveer twee keer per week. Zaaknummer staat in het dossier.",
    "Voorbeeld: een inwoner moest drie keer terugkomen voor dezelfde handtekening."};

constexpr std::int64_t day = 86400;

// The Tuesday-morning triage meeting (10:00 Amsterdam, give or take) first after `t`.
std::int64_t next_meeting(std::int64_t t, rng& r) {
  const std::int64_t days_since_epoch = (t + 2 * 3600) / day;  // 1970-01-01 was a Thursday
  const std::int64_t weekday = (days_since_epoch + 3) % 7;      // Monday 0 .. Sunday 6
  std::int64_t ahead = (1 - weekday + 7) % 7;
  if (ahead < 2) ahead += 7;  // at least a day to read the report
  return (days_since_epoch + ahead) * day + 8 * 3600 + r.between(0, 150 * 60);
}

struct seed_event {
  std::int64_t at;
  std::string actor;
  const char* type;
  std::optional<std::string> from, to;
  const char* note;
  const char* outcome;
  std::int64_t comment_id;
};

struct seed_comment {
  std::int64_t id, at;
  std::string author;
  const char* visibility;
  const char* body;
};

// One report's life, simulated first and written afterwards in one go (the report row with its
// final state, then its comments and events): no UPDATE of a row just inserted.
struct seed_history {
  rng& r;
  std::int64_t now;
  std::int64_t t;
  std::int64_t& next_comment_id;
  std::string status = "new";
  std::string priority = "normal";
  std::optional<std::string> assignee{}, owner{}, outcome{};
  std::optional<std::int64_t> duplicate_of{};
  std::int64_t version = 1;
  std::vector<seed_event> events{};
  std::vector<seed_comment> comments{};

  void event(const std::string& actor, const char* type, const std::optional<std::string>& from,
             const std::optional<std::string>& to, const char* note = nullptr, const char* out = nullptr,
             std::int64_t comment_id = 0) {
    events.push_back({t, actor, type, from, to, note, out, comment_id});
  }
  void comment(const std::string& author, const char* visibility, const char* body, const char* type) {
    const auto id = next_comment_id++;
    comments.push_back({id, t, author, visibility, body});
    event(author, type, std::nullopt, std::nullopt, nullptr, nullptr, id);
    ++version;
  }
  // Moves the clock to `next`; a step that would land in the future does not happen.
  bool at(std::int64_t next) {
    if (next >= now) return false;
    t = std::max(next, t + 60);
    return true;
  }
  bool after_days(std::int64_t lo, std::int64_t hi) { return at(t + r.between(lo * day, hi * day)); }
  void move(const std::string& actor, const std::string& to, const char* note = nullptr, const char* out = nullptr) {
    event(actor, "status", status, to, note, out);
    status = to;
    ++version;
  }
};

// Reports per seed transaction: large enough that commits and the per-batch statistics
// statements cost little, small enough to keep the WAL and the memory bounded.
constexpr std::size_t seed_batch = 50000;

// The monthly figures of reports first..last and their status events, added to what is there:
// what the triggers stats_on_report_insert and stats_on_status_event would have added row by
// row, summed from the views they use (sql/0004, sql/0005), so the definitions stay in one place.
void add_batch_statistics(connection& c, std::int64_t first, std::int64_t last) {
  auto& monthly = c.prepare(
      "INSERT INTO stats_monthly (month, department, category, owner_department, received, decided, resolved, "
      "wont_fix, rejected, duplicates, open_delta, rule_abolished, rule_changed, procedure_changed, "
      "room_within_rules, tailored_solution, explained) "
      "SELECT month, department, category, owner_department, sum(received), sum(decided), sum(resolved), "
      "sum(wont_fix), sum(rejected), sum(duplicates), sum(open_delta), sum(rule_abolished), sum(rule_changed), "
      "sum(procedure_changed), sum(room_within_rules), sum(tailored_solution), sum(explained) "
      "FROM stats_contributions WHERE report_id BETWEEN ?1 AND ?2 "
      "GROUP BY month, department, category, owner_department "
      "ON CONFLICT DO UPDATE SET "
      "  received = received + excluded.received, decided = decided + excluded.decided, "
      "  resolved = resolved + excluded.resolved, wont_fix = wont_fix + excluded.wont_fix, "
      "  rejected = rejected + excluded.rejected, duplicates = duplicates + excluded.duplicates, "
      "  open_delta = open_delta + excluded.open_delta, rule_abolished = rule_abolished + excluded.rule_abolished, "
      "  rule_changed = rule_changed + excluded.rule_changed, "
      "  procedure_changed = procedure_changed + excluded.procedure_changed, "
      "  room_within_rules = room_within_rules + excluded.room_within_rules, "
      "  tailored_solution = tailored_solution + excluded.tailored_solution, explained = explained + excluded.explained");
  monthly.bind(1, first);
  monthly.bind(2, last);
  monthly.exec();
  monthly.reset();
  auto& durations = c.prepare(
      "INSERT INTO stats_durations (kind, month, seconds, event_id, department, category) "
      "SELECT 1, month, seconds, event_id, department, category FROM stats_transitions "
      "WHERE report_id BETWEEN ?1 AND ?2 AND decided "
      "UNION ALL "
      "SELECT 2, month, seconds, event_id, department, category FROM stats_transitions "
      "WHERE report_id BETWEEN ?1 AND ?2 AND closing");
  durations.bind(1, first);
  durations.bind(2, last);
  durations.exec();
  durations.reset();
  // Cached answers and medians were computed from other figures.
  c.db().exec("UPDATE stats_revision SET n = n + 1, changes = changes + 1 WHERE id = 1");
}

}  // namespace

seed_result seed(const db_options& options, std::int64_t count, std::uint64_t seed_value, int months_back) {
  if (count < 0) throw std::invalid_argument("--count must not be negative");
  initialise_database(options);  // refuses a path that names no file; names the file it cannot open
  connection c(options, true);
  // Demo data: one fsync at the end is enough; a big cache and regular checkpoints keep a
  // million reports fast and the WAL small.
  c.db().exec("PRAGMA synchronous = OFF");
  c.db().exec("PRAGMA cache_size = -262144");
  c.db().exec("PRAGMA wal_autocheckpoint = 20000");
  // Consistent by construction (every link points at a row written before): no checks per row.
  c.db().exec("PRAGMA foreign_keys = OFF");
  const auto cat = load_catalog(c);
  if (cat->departments.empty() || cat->categories.empty())
    throw std::runtime_error("there are no active departments or categories");

  rng r{seed_value * 0x2545F4914F6CDD1DULL + 1};
  using namespace std::chrono;
  // Anchored to today's start so that the same seed on the same day gives the same data.
  const auto today = floor<days>(system_clock::now());
  const std::int64_t end = duration_cast<seconds>(today.time_since_epoch()).count();
  const std::int64_t span = static_cast<std::int64_t>(months_back) * 30 * day;
  const std::int64_t begin = end - span;
  // Histories stop at the start of today too: the same seed gives the same data all day.
  const std::int64_t now_s = end;

  // Creation times, sorted, so that reference numbers follow time; mostly on working days.
  std::vector<std::int64_t> times(static_cast<std::size_t>(count));
  for (auto& t : times) {
    t = begin + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(span)));
    const std::int64_t weekday = (t / day + 3) % 7;
    if (weekday >= 5 && r.chance(80)) t -= (weekday - 4) * day;  // weekend → the Friday before
  }
  std::sort(times.begin(), times.end());

  // Reference numbers continue the counters of each Amsterdam year.
  std::map<int, std::int64_t> counters;
  {
    auto& st = c.prepare("SELECT year, last_number FROM reference_counters");
    while (st.executeStep()) counters[st.getColumn(0).getInt()] = st.getColumn(1).getInt64();
    st.reset();
  }
  std::int64_t next_id = 1, next_comment_id = 1;
  {
    auto& st = c.prepare(
        "SELECT coalesce((SELECT max(id) FROM reports), 0) + 1, coalesce((SELECT max(id) FROM comments), 0) + 1");
    st.executeStep();
    next_id = st.getColumn(0).getInt64();
    next_comment_id = st.getColumn(1).getInt64();
    st.reset();
  }
  std::array<std::int64_t, subjects.size()> last_of_subject{};

  // The statistics triggers (sql/0004) work row by row; for a bulk load it is several times
  // cheaper to take the two that fire on inserts out for the batch and add the batch's figures
  // in one statement each, in the same transaction. DDL is transactional in SQLite, so every
  // committed state has its triggers and figures that match its rows, even if the seed is
  // interrupted.
  std::vector<std::string> row_triggers;
  {
    auto& st = c.prepare(
        "SELECT sql FROM sqlite_schema WHERE type = 'trigger' "
        "AND name IN ('stats_on_report_insert', 'stats_on_status_event') ORDER BY name");
    while (st.executeStep()) row_triggers.push_back(st.getColumn(0).getString());
    st.reset();
  }
  if (row_triggers.size() != 2) throw std::runtime_error("the statistics triggers are missing from the database");

  seed_result result;
  std::size_t i = 0;
  char tracking[32];
  while (i < times.size()) {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    c.db().exec("DROP TRIGGER stats_on_report_insert");
    c.db().exec("DROP TRIGGER stats_on_status_event");
    const std::int64_t batch_first = next_id;
    for (std::size_t in_batch = 0; in_batch < seed_batch && i < times.size(); ++in_batch, ++i) {
      const std::int64_t created = times[i];
      const auto subject = r.below(subjects.size());
      const char* problem = r.pick(problems);
      const char* procedure = r.pick(procedures);
      std::string title = std::string(subjects[subject]) + " " + problem;
      std::string description = std::string(r.pick(examples)) + " De procedure '" + procedure + "' " + problem +
                                ". Dit speelt bij " + subjects[subject] + ".";
      const auto dep_i = r.weighted(department_weights) % cat->departments.size();
      const std::string& department = cat->departments[dep_i].key;
      const std::string& category = cat->categories[r.below(cat->categories.size())].key;
      std::string name, email;
      if (r.chance(55)) {
        name = std::string(r.pick(first_names)) + " " + r.pick(last_names);
        if (r.chance(70)) {
          for (char ch : name)
            if (ch != ' ') email.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
          email.insert(email.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(1, email.size())), '.');
          email += "@denhaag.nl";
        }
      }
      const char* impact = r.pick(impacts);
      const char* suggestion = r.pick(suggestions);
      // No one holds the token of a demo report; its hash only has to be unique. Leading with
      // the id (big-endian) appends to the index instead of inserting all over it.
      for (std::size_t b = 8; b < sizeof tracking; b += 8) {
        const auto v = r.next();
        std::memcpy(tracking + b, &v, 8);
      }
      const int year = domain::amsterdam_year(domain::sys_seconds{seconds{created}});
      const auto number = ++counters[year];

      const std::int64_t id = next_id++;
      for (int b = 0; b < 8; ++b) tracking[b] = static_cast<char>((static_cast<std::uint64_t>(id) >> (56 - 8 * b)) & 0xff);
      seed_history h{r, now_s, created, next_comment_id};
      h.event("reporter", "created", std::nullopt, std::string("new"));

      // The life of a report (PRODUCT.md), decided at the weekly meeting.
      const auto decide = [&](bool second_time) {
        if (!h.at(next_meeting(h.t, r))) return;
        const char* who = r.pick(team);
        const auto roll = r.below(100);
        if (!second_time && roll < 1) return;  // overlooked: still in the queue
        if (roll < 64) {
          h.move(who, "accepted");
          if (r.chance(30)) {
            const std::string p = r.chance(70) ? "high" : (r.chance(50) ? "urgent" : "low");
            h.event(who, "priority", h.priority, p);
            h.priority = p;
          }
          h.assignee = r.pick(team);
          h.event(who, "assignee", std::nullopt, h.assignee);
          if (r.chance(80)) {
            h.owner = cat->departments[r.below(cat->departments.size())].key;
            h.event(who, "owner_department", std::nullopt, h.owner);
          }
          if (r.chance(40) && h.after_days(1, 10)) h.comment(*h.assignee, "internal", r.pick(internal_comments), "comment");
          for (int round = 0; round < 2; ++round) {
            if (!r.chance(92) || !h.after_days(2, 30)) return;
            h.move(*h.assignee, "in_progress");
            if (!r.chance(90) || !h.after_days(5, 80)) return;
            if (r.chance(87)) {
              const char* out = outcome_keys[r.weighted(outcome_weights)];
              h.outcome = out;
              h.move(*h.assignee, "resolved", r.pick(resolve_notes), out);
            } else {
              h.move(*h.assignee, "wont_fix", r.pick(wont_fix_notes));
            }
            // Sometimes the solution does not hold: reopened with a note.
            if (!r.chance(3) || !h.after_days(3, 40)) return;
            h.move(r.pick(team), "accepted", "Heropend: de oplossing werkt nog niet overal.");
            h.outcome.reset();
          }
        } else if (roll < 78) {
          h.move(who, "rejected", r.pick(reject_notes));
        } else if (roll < 87 && last_of_subject[subject] != 0) {
          h.duplicate_of = last_of_subject[subject];
          h.event(who, "duplicate_of", std::nullopt, std::to_string(*h.duplicate_of));
          h.move(who, "duplicate", "Dubbele melding; de eerdere melding over hetzelfde onderwerp loopt al.");
        } else if (!second_time) {
          h.comment(who, "reporter", r.pick(questions), "comment");
          h.move(who, "needs_info", "Meer informatie nodig van de melder.");
          if (r.chance(70) && h.after_days(1, 10)) {
            h.comment("reporter", "reporter", r.pick(replies), "reply");
            h.event("reporter", "status", std::string("needs_info"), std::string("new"));
            h.status = "new";
          }
        } else {
          h.move(who, "rejected", r.pick(reject_notes));
        }
      };
      decide(false);
      if (h.status == "new" && h.version > 1) decide(true);  // answered: decided again

      auto& insert = c.prepare(
          "INSERT INTO reports (id, reference, tracking_hash, title, procedure, description, impact, suggestion, "
          "department, category, reporter_name, reporter_email, created_at, status, priority, assignee, "
          "owner_department, duplicate_of, outcome, updated_at, last_event_at, version) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20, ?21)");
      insert.bind(1, id);
      insert.bind(2, format_reference(year, number));
      insert.bind(3, static_cast<const void*>(tracking), static_cast<int>(sizeof tracking));
      insert.bind(4, title);
      insert.bind(5, procedure);
      insert.bind(6, description);
      insert.bind(7, impact);
      insert.bind(8, suggestion);
      insert.bind(9, department);
      insert.bind(10, category);
      if (name.empty()) insert.bind(11); else insert.bind(11, name);
      if (email.empty()) insert.bind(12); else insert.bind(12, email);
      insert.bind(13, created);
      insert.bind(14, h.status);
      insert.bind(15, h.priority);
      if (h.assignee) insert.bind(16, *h.assignee); else insert.bind(16);
      if (h.owner) insert.bind(17, *h.owner); else insert.bind(17);
      if (h.duplicate_of) insert.bind(18, *h.duplicate_of); else insert.bind(18);
      if (h.outcome) insert.bind(19, *h.outcome); else insert.bind(19);
      insert.bind(20, h.events.back().at);  // the last event, not where the clock stopped
      insert.bind(21, h.version);
      insert.exec();
      ++result.reports;
      for (const auto& cm : h.comments) {
        auto& st = c.prepare("INSERT INTO comments (id, report_id, at, author, visibility, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        st.bind(1, cm.id);
        st.bind(2, id);
        st.bind(3, cm.at);
        st.bind(4, cm.author);
        st.bind(5, cm.visibility);
        st.bind(6, cm.body);
        st.exec();
      }
      for (const auto& e : h.events) {
        auto& st = c.prepare(
            "INSERT INTO events (report_id, at, actor, type, from_value, to_value, note, outcome, comment_id) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        st.bind(1, id);
        st.bind(2, e.at);
        st.bind(3, e.actor);
        st.bind(4, e.type);
        if (e.from) st.bind(5, *e.from); else st.bind(5);
        if (e.to) st.bind(6, *e.to); else st.bind(6);
        if (e.note) st.bind(7, e.note); else st.bind(7);
        if (e.outcome) st.bind(8, e.outcome); else st.bind(8);
        if (e.comment_id) st.bind(9, e.comment_id); else st.bind(9);
        st.exec();
        ++result.events;
      }
      last_of_subject[subject] = id;
    }
    add_batch_statistics(c, batch_first, next_id - 1);
    for (const auto& sql : row_triggers) c.db().exec(sql);
    // The counters move with the reports they numbered, so an interrupted seed never leaves a
    // reference the server could hand out again.
    for (const auto& [year, last] : counters) {
      auto& st = c.prepare(
          "INSERT INTO reference_counters (year, last_number) VALUES (?1, ?2) "
          "ON CONFLICT (year) DO UPDATE SET last_number = max(last_number, excluded.last_number)");
      st.bind(1, year);
      st.bind(2, last);
      st.exec();
    }
    tx.commit();
  }
  {
    // The full-text index in one pass: far cheaper than report by report.
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    index_pending_reports(c, std::numeric_limits<std::int64_t>::max());
    tx.commit();
  }
  c.db().exec("PRAGMA synchronous = FULL");
  c.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return result;
}

std::int64_t erase_reporter_identities(connection& c, std::chrono::sys_seconds closed_before, bool dry_run,
                                       std::chrono::sys_seconds now) {
  // Counting and erasing use the same condition: closed reports that still hold something,
  // whose last status change lies before the cut-off.
  static constexpr const char* count_sql =
      "SELECT count(*) FROM reports "
      "WHERE status IN ('resolved', 'wont_fix', 'rejected', 'duplicate') "
      "AND (reporter_name IS NOT NULL OR reporter_email IS NOT NULL OR reporter_identity IS NOT NULL) "
      "AND (SELECT max(e.at) FROM events e WHERE e.report_id = reports.id AND e.type = 'status') < ?1";
  static constexpr const char* erase_sql =
      "UPDATE reports SET reporter_name = NULL, reporter_email = NULL, reporter_identity = NULL, "
      "version = version + 1, updated_at = ?2 "
      "WHERE status IN ('resolved', 'wont_fix', 'rejected', 'duplicate') "
      "AND (reporter_name IS NOT NULL OR reporter_email IS NOT NULL OR reporter_identity IS NOT NULL) "
      "AND (SELECT max(e.at) FROM events e WHERE e.report_id = reports.id AND e.type = 'status') < ?1";
  // Freed and rewritten space is overwritten with zeros, not left with the old names in it.
  if (!dry_run) c.db().exec("PRAGMA secure_delete = ON");
  auto& st = c.prepare(dry_run ? count_sql : erase_sql);
  st.bind(1, static_cast<std::int64_t>(closed_before.time_since_epoch().count()));
  if (!dry_run) {
    st.bind(2, static_cast<std::int64_t>(now.time_since_epoch().count()));
    const auto erased = st.exec();
    record_admin_event(c, "retention.erased", "",
                       "{\"closed_before\":\"" + domain::format_rfc3339(closed_before) + "\",\"reports\":" +
                           std::to_string(erased) + "}");
    return erased;
  }
  st.executeStep();
  const auto n = st.getColumn(0).getInt64();
  st.reset();
  return n;
}

bool flush_erased(connection& c) {
  SQLite::Statement st(c.db(), "PRAGMA wal_checkpoint(TRUNCATE)");
  return st.executeStep() && st.getColumn(0).getInt() == 0;
}

}  // namespace rodeknop::store
