#include "rodeknop/store/maintenance.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/store/catalog.hpp"
#include "rodeknop/store/migrations.hpp"
#include "rodeknop/store/reports.hpp"

namespace rodeknop::store {

namespace fs = std::filesystem;

backup_result backup(const db_options& source, const std::string& destination) {
  if (!fs::exists(source.path)) throw std::runtime_error("the database " + source.path + " does not exist");
  std::error_code ec;
  if (fs::equivalent(source.path, destination, ec))
    throw std::runtime_error("the backup must not overwrite the database itself");
  const std::string temp = destination + ".partial";
  fs::remove(temp, ec);
  backup_result result;
  try {
    connection src(source, false);
    {
      SQLite::Database dst(temp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      SQLite::Backup b(dst, src.db());
      // -1: every page in one step, so the copy is one consistent snapshot even while the
      // server writes.
      b.executeStep(-1);
      result.pages = b.getTotalPageCount();
      dst.exec("PRAGMA journal_mode = DELETE");  // a self-contained single file
      const auto check = dst.execAndGet("PRAGMA integrity_check").getString();
      if (check != "ok") throw std::runtime_error("the copy failed its integrity check: " + check);
      result.reports = dst.execAndGet("SELECT count(*) FROM reports").getInt64();
    }
    fs::rename(temp, destination);
  } catch (...) {
    fs::remove(temp, ec);
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
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& a) { return a[below(N)]; }
};

constexpr std::array<const char*, 16> subjects{
    "Aanvraag bijzondere bijstand", "Parkeervergunning voor mantelzorgers", "Verhuizing doorgeven",
    "Kwijtschelding gemeentelijke belastingen", "Evenementenvergunning buurtfeest", "Inschrijving nieuwe inwoner",
    "Melding openbare ruimte", "Aanvraag gehandicaptenparkeerkaart", "Leerlingenvervoer", "Terrasvergunning",
    "Schuldhulpverlening intake", "Aanvraag Wmo-voorziening", "Bouwvergunning dakkapel", "Uittreksel BRP",
    "Subsidie sportvereniging", "Afvalpas nieuwe bewoners"};
constexpr std::array<const char*, 12> problems{
    "vraagt drie keer dezelfde gegevens", "duurt acht weken door een dubbele controle",
    "verplicht een papieren handtekening", "stuurt inwoners van loket naar loket",
    "eist een bewijsstuk dat de gemeente zelf al heeft", "kan niet digitaal worden ingediend",
    "heeft een brief die niemand begrijpt", "vraagt een leges die hoger is dan de kosten",
    "blokkeert bij een adres zonder huisnummer", "moet door twee afdelingen worden goedgekeurd",
    "vervalt als de inwoner een dag te laat is", "vraagt een verklaring van een externe partij"};
constexpr std::array<const char*, 10> procedures{
    "Werkinstructie intake", "Verordening gemeentelijke belastingen", "Zaaksysteem formulier",
    "Mandaatregeling", "Beleidsregel bijzondere bijstand", "Procedure vergunningverlening",
    "Privacyprotocol gegevensdeling", "Aanvraagformulier (pdf)", "Controleprotocol rechtmatigheid",
    "Afsprakensysteem publiekszaken"};
constexpr std::array<const char*, 8> examples{
    "Een inwoner met een rolstoel moest vorige week drie keer terugkomen voor hetzelfde formulier.",
    "Een ondernemer wachtte zes weken op een vergunning die binnen een dag beoordeeld kon worden.",
    "Een moeder met drie kinderen kreeg een brief met een termijn van vijf dagen, terwijl de post er zeven over deed.",
    "Een oudere inwoner zonder DigiD kon de aanvraag nergens anders doen en gaf het op.",
    "Een nieuwkomer moest een document laten vertalen dat wij zelf al in het dossier hadden.",
    "Een buurtvereniging moest dezelfde gegevens aan drie afdelingen sturen.",
    "Een inwoner kreeg twee tegenstrijdige brieven van verschillende afdelingen in één week.",
    "Een mantelzorger moest elk jaar opnieuw aantonen dat de zorgsituatie niet veranderd was."};
constexpr std::array<const char*, 6> impacts{
    "Inwoners haken af en krijgen geen hulp waar ze recht op hebben.",
    "Ondernemers lopen omzet mis en zijn het vertrouwen in de gemeente kwijt.",
    "Het kost inwoners uren en levert de gemeente niets op.",
    "Kwetsbare inwoners raken in de problemen door de wachttijd.",
    "Medewerkers besteden veel tijd aan uitleggen en herstellen.", ""};
constexpr std::array<const char*, 6> suggestions{
    "Gebruik de gegevens die we al hebben en vraag alleen wat ontbreekt.",
    "Laat één afdeling het hele verzoek afhandelen.", "Schaf de dubbele controle af voor bedragen onder de grens.",
    "Maak het formulier digitaal en vul het vooraf in.", "Geef de behandelaar ruimte om af te wijken.", ""};
constexpr std::array<const char*, 8> names{"Fatima el Amrani", "Jan de Vries", "Priya Ramdin",  "Kees Bakker",
                                           "Sanne Jansen",     "Mohamed Yilmaz", "Anouk Visser", ""};
constexpr std::array<const char*, 6> outcome_keys{"rule_abolished",    "rule_changed",      "procedure_changed",
                                                  "room_within_rules", "tailored_solution", "explained"};
constexpr std::array<const char*, 4> team{"anna", "bram", "chantal", "dirk"};
constexpr std::array<const char*, 6> notes{"Besproken in het ontregeloverleg.",
                                           "Past binnen de bestaande regels; werkwijze aangepast.",
                                           "Landelijke regel, doorgezet naar het ministerie.",
                                           "Eigenaar van de regel is akkoord met afschaffen.",
                                           "Dubbel met een eerdere melding.", "Meer voorbeelden nodig van de melder."};

}  // namespace

seed_result seed(const db_options& options, std::int64_t count, std::uint64_t seed_value, int months_back) {
  if (count < 0) throw std::invalid_argument("--count must not be negative");
  connection c(options, true);
  migrate(c.db());
  c.db().exec("PRAGMA synchronous = OFF");  // demo data: one fsync at the end is enough
  const auto cat = load_catalog(c);
  if (cat->departments.empty() || cat->categories.empty())
    throw std::runtime_error("there are no active departments or categories");

  rng r{seed_value * 0x2545F4914F6CDD1DULL + 1};
  using namespace std::chrono;
  // Anchored to today's start so that the same seed on the same day gives the same data.
  const auto today = floor<days>(system_clock::now());
  const std::int64_t end = duration_cast<seconds>(today.time_since_epoch()).count();
  const std::int64_t span = static_cast<std::int64_t>(months_back) * 30 * 86400;
  const std::int64_t begin = end - span;

  // Creation times, sorted, so that reference numbers follow time.
  std::vector<std::int64_t> times(static_cast<std::size_t>(count));
  for (auto& t : times) t = begin + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(span)));
  std::sort(times.begin(), times.end());

  seed_result result;
  const std::int64_t now_s = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  std::size_t i = 0;
  while (i < times.size()) {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    for (std::size_t in_batch = 0; in_batch < 20000 && i < times.size(); ++in_batch, ++i) {
      const std::int64_t created = times[i];
      domain::report_submission s;
      const std::string subject = r.pick(subjects);
      const std::string problem = r.pick(problems);
      s.title = subject + " " + problem;
      s.procedure = r.pick(procedures);
      s.description = std::string(r.pick(examples)) + " De procedure '" + s.procedure + "' " + problem + ".";
      s.impact = r.pick(impacts);
      s.suggestion = r.pick(suggestions);
      s.department = cat->departments[r.below(cat->departments.size())].key;
      s.category = cat->categories[r.below(cat->categories.size())].key;
      s.reporter_name = r.pick(names);
      if (!s.reporter_name.empty() && r.chance(60)) {
        std::string mail;
        for (char ch : s.reporter_name) mail.push_back(ch == ' ' ? '.' : static_cast<char>(std::tolower(ch)));
        s.reporter_email = mail + "@denhaag.nl";
      }
      std::string token = std::to_string(r.next()) + "-" + std::to_string(r.next());
      const auto created_report = insert_report(c, s, "seed:" + token, domain::sys_seconds{seconds{created}});
      ++result.reports;
      ++result.events;

      // A plausible history: the weekly meeting decides within days to weeks.
      std::string status = "new";
      std::string outcome;
      std::int64_t duplicate_of = 0;
      std::int64_t t = created;
      std::string priority = "normal";
      std::string assignee;
      std::string owner;
      // Moves the clock on; a step that would land in the future does not happen.
      const auto step = [&](std::int64_t max_days) {
        const auto next = t + 3600 + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(max_days * 86400)));
        if (next >= now_s) return false;
        t = next;
        return true;
      };
      const auto event = [&](const char* type, const std::string& from, const std::string& to, const std::string& note,
                             const std::string& out) {
        auto& st = c.prepare(
            "INSERT INTO events (report_id, at, actor, type, from_value, to_value, note, outcome) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        st.bind(1, created_report.id);
        st.bind(2, t);
        st.bind(3, r.pick(team));
        st.bind(4, type);
        if (from.empty()) st.bind(5); else st.bind(5, from);
        if (to.empty()) st.bind(6); else st.bind(6, to);
        if (note.empty()) st.bind(7); else st.bind(7, note);
        if (out.empty()) st.bind(8); else st.bind(8, out);
        st.exec();
        ++result.events;
      };
      const auto move = [&](const std::string& to, const std::string& note, const std::string& out = {}) {
        event("status", status, to, note, out);
        status = to;
      };
      if (r.chance(85) && step(14)) {
        const auto roll = r.below(100);
        if (roll < 60) {
          move("accepted", "");
          priority = r.chance(20) ? "high" : (r.chance(10) ? "urgent" : "normal");
          if (priority != "normal") event("priority", "normal", priority, "", "");
          assignee = r.pick(team);
          event("assignee", "", assignee, "", "");
          owner = cat->departments[r.below(cat->departments.size())].key;
          event("owner_department", "", owner, "", "");
          if (r.chance(75) && step(20)) {
            move("in_progress", "");
            if (r.chance(70) && step(40)) {
              if (r.chance(85)) {
                outcome = r.pick(outcome_keys);
                move("resolved", r.pick(notes), outcome);
                if (r.chance(4) && step(20)) {
                  move("accepted", "Heropend: de oplossing werkt nog niet overal.");
                  outcome.clear();
                  if (r.chance(60) && step(20)) {
                    outcome = r.pick(outcome_keys);
                    move("resolved", r.pick(notes), outcome);
                  }
                }
              } else {
                move("wont_fix", "Landelijke regel; buiten de invloed van de gemeente.");
              }
            }
          }
        } else if (roll < 75) {
          move("rejected", "Geen belemmering voor de dienstverlening; uitgelegd aan de melder.");
        } else if (roll < 85 && created_report.id > 1) {
          duplicate_of = 1 + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(created_report.id - 1)));
          event("duplicate_of", "", std::to_string(duplicate_of), "", "");
          move("duplicate", "Dubbel met " + std::to_string(duplicate_of) + ".");
        } else {
          move("needs_info", "Kunt u een recent voorbeeld geven?");
        }
      }
      if (status != "new") {
        auto& up = c.prepare(
            "UPDATE reports SET status = ?2, priority = ?3, assignee = ?4, owner_department = ?5, duplicate_of = ?6, "
            "outcome = ?7, updated_at = ?8, version = version + 1 WHERE id = ?1");
        up.bind(1, created_report.id);
        up.bind(2, status);
        up.bind(3, priority);
        if (assignee.empty()) up.bind(4); else up.bind(4, assignee);
        if (owner.empty()) up.bind(5); else up.bind(5, owner);
        if (duplicate_of == 0) up.bind(6); else up.bind(6, duplicate_of);
        if (outcome.empty()) up.bind(7); else up.bind(7, outcome);
        up.bind(8, t);
        up.exec();
      }
    }
    tx.commit();
  }
  c.db().exec("PRAGMA synchronous = FULL");
  c.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return result;
}

}  // namespace rodeknop::store
