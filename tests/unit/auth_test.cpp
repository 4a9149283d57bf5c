// Identity and access: password hashing, login throttling, the proxy settings, the role
// table, and the identity store on a temporary database.
#include <SQLiteCpp/Transaction.h>

#include "rodeknop/auth/access.hpp"
#include "rodeknop/auth/passwords.hpp"
#include "rodeknop/auth/proxy.hpp"
#include "rodeknop/auth/throttle.hpp"
#include "rodeknop/store/identity.hpp"
#include "rodeknop/util/crypto.hpp"
#include "unit_support.hpp"

using namespace rodeknop;
namespace net = boost::asio;

TEST_CASE("passwords are hashed with Argon2id and their parameters", "[auth][passwords]") {
  util::init_crypto();
  const auth::hash_cost cheap{1, 8 * 1024 * 1024};
  const auto hash = auth::hash_password("correct horse battery", cheap);
  CHECK(hash.rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0) == 0);
  CHECK(auth::verify_password(hash, "correct horse battery"));
  CHECK_FALSE(auth::verify_password(hash, "correct horse batterY"));
  CHECK_FALSE(auth::verify_password(hash, ""));
  CHECK_FALSE(auth::verify_password("", "correct horse battery"));
  CHECK_FALSE(auth::verify_password("not a hash", "correct horse battery"));
  // Two hashes of one password differ (random salt).
  CHECK(auth::hash_password("correct horse battery", cheap) != hash);
  // Weaker parameters than the current policy ask for a new hash at the next login.
  CHECK(auth::needs_rehash(hash));
  CHECK_FALSE(auth::needs_rehash(hash, cheap));
}

TEST_CASE("a new password needs at least 8 characters and at most 1 KiB", "[auth][passwords]") {
  CHECK(auth::password_problem("zeven t"));                // 7
  CHECK_FALSE(auth::password_problem("acht tkn"));         // 8
  CHECK_FALSE(auth::password_problem("wacht€€€"));         // 8 characters, more bytes
  CHECK(auth::password_problem("wacht€€"));                // 7 characters, 11 bytes
  CHECK(auth::password_problem(std::string(1025, 'x')));
  CHECK(auth::password_problem("\xff\xfe invalid utf8 text"));
}

TEST_CASE("a new password is not one everybody tries first, nor little more than the account's name",
          "[auth][passwords]") {
  for (const char* common : {"password", "12345678", "Wachtwoord", "WELKOM01", "Password123"}) {
    INFO(common);
    CHECK(auth::password_problem(common));
  }
  CHECK_FALSE(auth::password_problem("wachtwoord-van-anna"));
  // The name taken out (any capitals), at least 8 characters must remain.
  CHECK(auth::password_problem("weak3weak3", "weak3"));
  CHECK(auth::password_problem("Beheer2026", "beheer"));
  CHECK(auth::password_problem("jjansen!", "jjansen"));
  CHECK_FALSE(auth::password_problem("anna-wachtwoord-2026", "anna"));
  CHECK_FALSE(auth::password_problem("weak3weak3", "bram"));
}

TEST_CASE("usernames: letters, digits and . - _ @, and never the history's name for the reporter",
          "[auth][accounts]") {
  CHECK_FALSE(auth::username_problem("a.de-vries_2@denhaag"));
  CHECK(auth::username_problem(""));
  CHECK(auth::username_problem(std::string(65, 'a')));
  CHECK(auth::username_problem("met spatie"));
  CHECK(auth::username_problem("reporter"));
  CHECK(auth::username_problem("Reporter"));
  CHECK_FALSE(auth::username_problem("reporter2"));
  // Nor may single sign-on name someone so.
  CHECK(auth::plausible_sso_user("j.jansen"));
  CHECK(auth::plausible_sso_user("j.jansen@denhaag.nl"));
  CHECK(auth::plausible_sso_user("DENHAAG\\jjansen"));
  CHECK_FALSE(auth::plausible_sso_user("REPORTER"));
  // Nothing that passes for markup, an API token or the logs' marker in the history.
  CHECK_FALSE(auth::plausible_sso_user("<img src=x onerror=alert(1)>"));
  CHECK_FALSE(auth::plausible_sso_user("token:tok-admin"));
  CHECK_FALSE(auth::plausible_sso_user("(unknown)"));
  CHECK_FALSE(auth::plausible_sso_user("j jansen"));
  CHECK_FALSE(auth::plausible_sso_user(""));
}

TEST_CASE("the decoy hash rejects every password", "[auth][passwords]") {
  util::init_crypto();
  CHECK_FALSE(auth::verify_password(auth::decoy_hash(), "correct horse battery"));
}

TEST_CASE("failed logins are throttled per account and per address", "[auth][throttle]") {
  auth::throttle_policy policy;
  policy.free_pair_failures = 2;
  policy.free_account_failures = 3;
  policy.free_address_failures = 5;
  auth::login_throttle t(policy);
  const auto t0 = auth::login_throttle::clock::time_point{} + std::chrono::hours(1000);

  SECTION("an account waits after its free failures, longer each time, and success clears it") {
    t.failed("anna", "10.0.0.1", t0);
    t.failed("anna", "10.0.0.2", t0);
    CHECK_FALSE(t.wait("anna", "10.0.0.3", t0));
    t.failed("anna", "10.0.0.3", t0);
    const auto w1 = t.wait("anna", "10.0.0.9", t0);
    REQUIRE(w1);
    CHECK(*w1 == std::chrono::seconds(30));
    CHECK_FALSE(t.wait("bert", "10.0.0.9", t0));  // other accounts are not affected
    t.failed("anna", "10.0.0.3", t0 + std::chrono::seconds(31));
    const auto w2 = t.wait("anna", "10.0.0.3", t0 + std::chrono::seconds(31));
    REQUIRE(w2);
    CHECK(*w2 == std::chrono::seconds(60));
    CHECK_FALSE(t.wait("anna", "10.0.0.3", t0 + std::chrono::seconds(92)));
    t.succeeded("anna", "10.0.0.3", t0 + std::chrono::seconds(92));
    t.failed("anna", "10.0.0.4", t0 + std::chrono::seconds(93));
    CHECK_FALSE(t.wait("anna", "10.0.0.4", t0 + std::chrono::seconds(93)));
  }
  SECTION("guessing from one address does not lock the account's owner out at their own address") {
    t.failed("anna", "10.6.6.6", t0);
    t.failed("anna", "10.6.6.6", t0);
    CHECK(t.wait("anna", "10.6.6.6", t0));
    CHECK_FALSE(t.wait("anna", "10.0.0.1", t0));
    // The owner logs in: the account's records go, the guesser's too.
    t.succeeded("anna", "10.0.0.1", t0);
    CHECK_FALSE(t.wait("anna", "10.6.6.6", t0));
  }
  SECTION("guessing from many addresses locks the account, but not at an address its owner logged in from") {
    t.succeeded("anna", "10.0.0.1", t0);  // anna's desk
    for (const char* a : {"10.6.6.1", "10.6.6.2", "10.6.6.3"}) t.failed("anna", a, t0 + std::chrono::hours(1));
    const auto later = t0 + std::chrono::hours(1);
    CHECK(t.wait("anna", "10.6.6.4", later));   // a new place waits
    CHECK_FALSE(t.wait("anna", "10.0.0.1", later));  // her desk does not
    // Her own typos at her desk still count there.
    t.failed("anna", "10.0.0.1", later);
    t.failed("anna", "10.0.0.1", later);
    CHECK(t.wait("anna", "10.0.0.1", later));
    // A place is remembered for a while only.
    t.succeeded("anna", "10.0.0.1", later);
    for (const char* a : {"10.6.6.1", "10.6.6.2", "10.6.6.3"}) t.failed("anna", a, later + policy.remember_places + std::chrono::hours(1));
    CHECK(t.wait("anna", "10.0.0.1", later + policy.remember_places + std::chrono::hours(1)));
  }
  SECTION("one address trying many accounts waits too") {
    for (int i = 0; i < 5; ++i) t.failed("user" + std::to_string(i), "10.9.9.9", t0);
    CHECK(t.wait("someone-else", "10.9.9.9", t0));
    CHECK_FALSE(t.wait("someone-else", "10.9.9.8", t0));
  }
  SECTION("the wait is capped") {
    for (int i = 0; i < 40; ++i) t.failed("anna", "10.0.0.1", t0);
    const auto w = t.wait("anna", "10.0.0.1", t0);
    REQUIRE(w);
    CHECK(*w == policy.max_wait);
  }
  SECTION("memory stays bounded under many addresses") {
    auth::throttle_policy small = policy;
    small.max_entries = 100;
    auth::login_throttle bounded(small);
    for (int i = 0; i < 1000; ++i) bounded.failed("u" + std::to_string(i), "a" + std::to_string(i), t0);
    // The newest record is still there.
    for (int i = 0; i < 5; ++i) bounded.failed("u999", "x", t0);
    CHECK(bounded.wait("u999", "y", t0));
  }
}

TEST_CASE("CIDR blocks match IPv4, IPv6 and IPv4-mapped peers", "[auth][proxy]") {
  const auto a = [](const char* s) { return net::ip::make_address(s); };
  const auto block = auth::parse_cidr("10.1.0.0/16");
  CHECK(block.contains(a("10.1.200.3")));
  CHECK_FALSE(block.contains(a("10.2.0.1")));
  CHECK(block.contains(a("::ffff:10.1.0.9")));
  CHECK(auth::parse_cidr("127.0.0.1").contains(a("127.0.0.1")));
  CHECK_FALSE(auth::parse_cidr("127.0.0.1").contains(a("127.0.0.2")));
  CHECK(auth::parse_cidr("fd00::/8").contains(a("fd12::1")));
  CHECK_FALSE(auth::parse_cidr("fd00::/8").contains(a("fe80::1")));
  CHECK(auth::parse_cidr("0.0.0.0/0").contains(a("192.0.2.1")));
  CHECK_THROWS_AS(auth::parse_cidr("10.0.0.0/33"), std::invalid_argument);
  CHECK_THROWS_AS(auth::parse_cidr("intranet-proxy"), std::invalid_argument);
  CHECK_THROWS_AS(auth::parse_cidr("10.0.0.0/"), std::invalid_argument);
}

TEST_CASE("single-sign-on groups map to the strongest role", "[auth][proxy]") {
  const auto s = auth::parse_sso_settings("10.0.0.5, 10.1.0.0/16", "X-Remote-User", "X-Remote-Groups",
                                          "rk-team=triager; rk-mt=manager;rk-beheer=admin");
  CHECK(s.trusts(net::ip::make_address("10.0.0.5")));
  CHECK_FALSE(s.trusts(net::ip::make_address("10.0.0.6")));
  CHECK(s.role_for("rk-mt") == auth::role::manager);
  CHECK(s.role_for("staf, rk-mt,rk-team") == auth::role::triager);
  CHECK(s.role_for("rk-beheer;rk-team") == auth::role::admin);
  CHECK_FALSE(s.role_for("staf,medewerkers"));
  CHECK_FALSE(s.role_for(""));
  CHECK_FALSE(s.role_for("rk-team-extra"));  // whole names only
  CHECK_THROWS_AS(auth::parse_sso_settings("10.0.0.5", "X-Remote-User", "X-Groups", "rk-team=boss"),
                  std::invalid_argument);
  CHECK_THROWS_AS(auth::parse_sso_settings("10.0.0.5", "X Remote User", "X-Groups", ""), std::invalid_argument);
  CHECK(auth::parse_sso_settings("", "X-Remote-User", "X-Groups", "").trusted_proxies.empty());
}

TEST_CASE("the role table: who may do what", "[auth][access]") {
  using auth::access;
  using auth::role;
  CHECK(auth::allows(access::read_reports, role::manager));
  CHECK_FALSE(auth::allows(access::change_reports, role::manager));
  CHECK(auth::allows(access::change_reports, role::triager));
  CHECK_FALSE(auth::allows(access::read_statistics, role::triager));
  CHECK(auth::allows(access::read_statistics, role::manager));
  CHECK_FALSE(auth::allows(access::administer, role::triager));
  CHECK_FALSE(auth::allows(access::administer, role::manager));
  for (auto a : {access::team, access::read_reports, access::change_reports, access::read_statistics,
                 access::administer})
    CHECK(auth::allows(a, role::admin));
  const auth::principal manager{"mo", role::manager, auth::method::session, "x"};
  CHECK_FALSE(manager.sees_reporter_identity());
  const auth::principal triager{"anna", role::triager, auth::method::token, ""};
  CHECK(triager.sees_reporter_identity());
  const auth::principal civil_servant{"jan", std::nullopt, auth::method::proxy, "y"};
  CHECK(civil_servant.has(access::anyone));
  CHECK_FALSE(civil_servant.has(access::team));
  CHECK_FALSE(civil_servant.sees_reporter_identity());
}

TEST_CASE("the identity store keeps sessions, accounts and tokens", "[auth][store]") {
  util::init_crypto();
  rk_unit::temp_dir dir;
  const store::db_options options{dir.file("id.db")};
  store::initialise_database(options);
  store::connection c(options, true);
  const auto now = rk_unit::utc(2026, 11, 23, 9);

  REQUIRE(store::insert_user(c, {"anna", "triager", "$argon2id$stub", false, now, now}));
  CHECK_FALSE(store::insert_user(c, {"anna", "admin", "$argon2id$other", false, now, now}));
  CHECK(store::find_user(c, "anna")->role == "triager");

  const auto sid = util::token_hash(util::random_token());
  store::insert_session(c, sid, "anna", "csrf-1", now);
  auto s = store::find_session(c, sid);
  REQUIRE(s);
  CHECK(s->role == "triager");
  CHECK(s->csrf_token == "csrf-1");

  // A role change applies to the open session at once.
  REQUIRE(store::set_user_role(c, "anna", "manager", now));
  CHECK(store::find_session(c, sid)->role == "manager");

  // Disabling ends the sessions.
  REQUIRE(store::set_user_disabled(c, "anna", true, now));
  CHECK_FALSE(store::find_session(c, sid));
  REQUIRE(store::set_user_disabled(c, "anna", false, now));
  CHECK_FALSE(store::find_session(c, sid));  // ended stays ended

  const auto sid2 = util::token_hash(util::random_token());
  store::insert_session(c, sid2, "anna", "csrf-2", now);
  store::touch_session(c, sid2, now + std::chrono::hours(1));
  CHECK(store::find_session(c, sid2)->last_seen_at == now + std::chrono::hours(1));
  store::end_session(c, sid2, now + std::chrono::hours(2));
  CHECK_FALSE(store::find_session(c, sid2));
  CHECK(store::expire_sessions(c, now, now) == 2);  // both ended ones are forgotten

  const auto th = util::token_hash("rk_secret");
  REQUIRE(store::insert_token(c, "powerbi", "manager", th, now));
  CHECK_FALSE(store::insert_token(c, "powerbi", "admin", util::token_hash("rk_other"), now));
  CHECK(store::find_token(c, th)->name == "powerbi");
  CHECK(store::revoke_token(c, "powerbi", now));
  CHECK_FALSE(store::find_token(c, th));
  CHECK_FALSE(store::revoke_token(c, "powerbi", now));
  REQUIRE(store::list_tokens(c).size() == 1);
  CHECK(store::list_tokens(c)[0].revoked_at);

  // The server key is made once and then kept.
  const auto k1 = store::server_key(c, "csrf", "first");
  CHECK(k1 == "first");
  CHECK(store::server_key(c, "csrf", "second") == "first");
}
