// The database calibration's benchmark (not a test). On a throwaway MariaDB (durable settings, binlog on),
// interleaved A B A B (3 rounds by default) at each connection count:
//   A. a minimal client on the MariaDB C library: per connection a thread that prepares the SA's
//      statements (real/sa_operations.hpp, sa_sql) and runs the issuance unit's exact sequence (new order
//      with its authorizations, their finalisation, the seven finalize commits) over data generated
//      before timing; commits counted after the same warm-up;
//   B. `surge calibrate db --dsn` on the same server, mix issuance, one level.
// It prints the medians of commits/s with the range of the rounds, B/A (target: at least 0.90 at every
// level), the server's settings, and `mariadb-slap` (write load) for context.
#include <mysql.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <variant>

#include "real/db_calibration.hpp"
#include "real/local_mariadb.hpp"
#include "real/sa_operations.hpp"

namespace fs = std::filesystem;
using namespace surge::real;

namespace {

constexpr const char* kDatabase = "surge_bench";
constexpr double kWarmup_s = 2;
constexpr int kUnitsPerThread = 6000;  // pre-generated: more than a level can use
constexpr double kReuse = 0.5;         // as the issuance mix

struct Unit {
  std::vector<std::string> names, reversed_names, tokens;
  std::vector<bool> reuse;
  std::string set_hash, serial, precert, cert, key_hash, digest, record;
};

std::vector<Unit> generate(std::uint64_t stream) {
  SyntheticData d(99, stream);
  std::vector<Unit> units(kUnitsPerThread);
  for (Unit& u : units) {
    u.names = d.names();
    u.set_hash = name_set_hash(u.names);
    for (const std::string& n : u.names) {
      u.reversed_names.push_back(reversed_name(n));
      u.tokens.push_back(d.bytes(32));
      u.reuse.push_back(d.chance(kReuse));
    }
    u.serial = d.serial();
    u.digest = d.serial();
    u.precert = d.der();
    u.cert = d.der();
    u.key_hash = d.bytes(32);
    u.record = d.bytes(200);
  }
  return units;
}

// A prepared statement and a way to run it with integer and byte parameters.
struct Stmt {
  MYSQL_STMT* s = nullptr;
  void prepare(MYSQL* db, const char* sql) {
    s = mysql_stmt_init(db);
    if (mysql_stmt_prepare(s, sql, std::strlen(sql)) != 0) throw std::runtime_error(mysql_stmt_error(s));
  }
  using Param = std::variant<long long, const std::string*>;
  std::uint64_t run(std::initializer_list<Param> params) {
    MYSQL_BIND b[8] = {};
    long long ints[8];
    unsigned long lens[8];
    int i = 0;
    for (const Param& p : params) {
      if (const auto* v = std::get_if<long long>(&p)) {
        ints[i] = *v;
        b[i].buffer_type = MYSQL_TYPE_LONGLONG;
        b[i].buffer = &ints[i];
      } else {
        const std::string* str = std::get<const std::string*>(p);
        lens[i] = str->size();
        b[i].buffer_type = MYSQL_TYPE_BLOB;
        b[i].buffer = const_cast<char*>(str->data());
        b[i].buffer_length = str->size();
        b[i].length = &lens[i];
      }
      ++i;
    }
    if ((i && mysql_stmt_bind_param(s, b)) || mysql_stmt_execute(s)) throw std::runtime_error(mysql_stmt_error(s));
    return mysql_stmt_insert_id(s);
  }
};

// The SA's statements, prepared on one connection.
struct SaStatements {
  Stmt reg, order, authz, link, ofs, fin_authz, processing, serial, precert, status, name, key, ready, cert, fqdn,
      fin_order, del_ofs;
  explicit SaStatements(MYSQL* db) {
    reg.prepare(db, sa_sql::kInsertRegistration);
    order.prepare(db, sa_sql::kInsertOrder);
    authz.prepare(db, sa_sql::kInsertAuthz);
    link.prepare(db, sa_sql::kLinkOrderAuthz);
    ofs.prepare(db, sa_sql::kInsertOrderFqdnSet);
    fin_authz.prepare(db, sa_sql::kFinalizeAuthz);
    processing.prepare(db, sa_sql::kSetOrderProcessing);
    serial.prepare(db, sa_sql::kInsertSerial);
    precert.prepare(db, sa_sql::kInsertPrecertificate);
    status.prepare(db, sa_sql::kInsertCertificateStatus);
    name.prepare(db, sa_sql::kInsertIssuedName);
    key.prepare(db, sa_sql::kInsertKeyHash);
    ready.prepare(db, sa_sql::kSetStatusReady);
    cert.prepare(db, sa_sql::kInsertCertificate);
    fqdn.prepare(db, sa_sql::kInsertFqdnSet);
    fin_order.prepare(db, sa_sql::kFinalizeOrder);
    del_ofs.prepare(db, sa_sql::kDeleteOrderFqdnSets);
  }
};

// One connection of the minimal client: issuances as Boulder's SA writes them (order and authorizations,
// precertificate, certificate, finalization), from `start` until `end`; `count(n)` hears of each commit.
template <typename Count>
void minimal_connection(const DbTarget& t, const std::vector<Unit>& data, std::chrono::steady_clock::time_point start,
                        std::chrono::steady_clock::time_point end, Count&& count) {
  MYSQL* db = mysql_init(nullptr);
  if (!mysql_real_connect(db, t.host.c_str(), t.user.c_str(), t.password.c_str(), kDatabase, t.port, nullptr, 0))
    throw std::runtime_error(mysql_error(db));
  SaStatements st(db);
  const std::string jwk(300, 'j'), jwk_hash = data[0].serial + data[0].digest, ip(16, '\0');
  const long long r = static_cast<long long>(st.reg.run({&jwk, &jwk_hash, &ip}));
  std::vector<long long> pool;
  auto begin = [&] { mysql_real_query(db, "START TRANSACTION", 17); };
  auto commit = [&] {
    if (mysql_commit(db)) throw std::runtime_error(mysql_error(db));
    count(1);
  };
  std::this_thread::sleep_until(start);
  for (const Unit& u : data) {
    if (std::chrono::steady_clock::now() > end) break;
    begin();
    const long long o = static_cast<long long>(st.order.run({r}));
    std::vector<long long> linked, fresh;
    for (size_t i = 0; i < u.names.size(); ++i) {
      long long id = pool.empty() ? 0 : pool[(static_cast<size_t>(o) * 31 + i) % pool.size()];
      if (!(id && u.reuse[i] && std::find(linked.begin(), linked.end(), id) == linked.end())) {
        id = static_cast<long long>(st.authz.run({0LL, &u.names[i], r, 0LL, 7LL, &u.tokens[i]}));
        fresh.push_back(id);
      }
      st.link.run({o, id});
      linked.push_back(id);
    }
    st.ofs.run({&u.set_hash, o, r});
    commit();
    for (long long id : fresh) {
      st.fin_authz.run({1LL, &u.record, id, 0LL});
      count(1);  // an autocommit statement is its own commit
    }
    st.processing.run({o});
    count(1);
    st.serial.run({r, &u.serial});
    count(1);
    begin();
    st.precert.run({r, &u.serial, &u.precert});
    st.status.run({&u.serial, 1LL});
    for (const std::string& n : u.reversed_names) st.name.run({&n, &u.serial, 0LL});
    st.key.run({&u.key_hash, &u.serial});
    commit();
    st.ready.run({&u.serial});
    count(1);
    st.cert.run({r, &u.serial, &u.digest, &u.cert});
    count(1);
    st.fqdn.run({&u.set_hash, &u.serial});
    count(1);
    begin();
    st.fin_order.run({&u.serial, o});
    st.del_ofs.run({o});
    commit();
    for (long long id : fresh)
      if (pool.size() < 1024) pool.push_back(id);
  }
  mysql_close(db);
}

// A: the minimal client at `connections` for `duration_s` after the warm-up; returns commits/s.
double minimal_client(const DbTarget& t, int connections, double duration_s, std::uint64_t round) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<Unit>> data;
  for (int c = 0; c < connections; ++c) data.push_back(generate((round << 20) + static_cast<std::uint64_t>(c)));
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  const auto measure = start + std::chrono::milliseconds(static_cast<int>(kWarmup_s * 1000));
  const auto end = measure + std::chrono::milliseconds(static_cast<int>(duration_s * 1000));
  std::atomic<std::uint64_t> commits{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      std::uint64_t mine = 0;
      minimal_connection(t, data[c], start, end, [&](std::uint64_t n) {  // commits acknowledged inside the window
        if (Clock::now() >= measure && Clock::now() <= end) mine += n;
      });
      commits += mine;
    });
  }
  for (auto& th : threads) th.join();
  return static_cast<double>(commits.load()) / duration_s;
}

double surge_level(const std::string& cli, const DbTarget& t, int connections, double duration_s, const fs::path& dir) {
  const fs::path json = dir / "b.json", profile = dir / "b-profile.json";
  setenv("SURGE_DB_PASSWORD", t.password.c_str(), 1);
  char cmd[1024];
  std::snprintf(cmd, sizeof cmd,
                "%s calibrate db --dsn mariadb://%s@127.0.0.1:%u/%s --connections %d --duration %gs --warmup %gs "
                "--prefill 1MiB --bootstrap 0 --out %s --json %s >/dev/null 2>&1",
                cli.c_str(), t.user.c_str(), t.port, kDatabase, connections, duration_s, kWarmup_s, profile.c_str(),
                json.c_str());
  const int rc = std::system(cmd);
  unsetenv("SURGE_DB_PASSWORD");
  if (rc != 0) throw std::runtime_error(std::string("failed: ") + cmd);
  std::ifstream in(json);
  return nlohmann::json::parse(in).at("levels").at(0).at("commits_per_s");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 3;
  const double duration_s = argc > 2 ? std::atof(argv[2]) : 8;
  LocalServerOptions o;
  o.buffer_pool = "256M";
  LocalMariaDb server(o);
  const DbTarget t = server.target();
  const fs::path dir = fs::path(server.dir()) / "bench";
  fs::create_directories(dir);
  // The database surge creates (and the minimal client then uses): one surge run at one connection.
  surge_level(SURGE_CLI, t, 1, 1, dir);
  const std::map<std::string, std::string> settings = server_settings(*connect_mariadb(server.admin_target()));
  std::printf("database benchmark: MariaDB %s, settings:", settings.at("version").c_str());
  for (const auto& [k, v] : settings)
    if (k != "version") std::printf(" %s=%s", k.c_str(), v.c_str());
  std::printf(
      "\n%d rounds, interleaved A (minimal C client, the SA's statements, data generated ahead) and B (surge "
      "calibrate db, mix issuance), %.0f s measured after %.0f s warm-up\n\n",
      rounds, duration_s, kWarmup_s);
  std::printf("connections  A commits/s median [range]      B commits/s median [range]      B/A\n");
  nlohmann::json report = nlohmann::json::array();
  bool met = true;
  for (int connections : {1, 2, 4, 8, 16}) {
    std::vector<double> a, b;
    for (int r = 0; r < rounds; ++r) {
      a.push_back(minimal_client(t, connections, duration_s, static_cast<std::uint64_t>(connections * 100 + r)));
      b.push_back(surge_level(SURGE_CLI, t, connections, duration_s, dir));
    }
    const double ratio = median(b) / median(a);
    met = met && ratio >= 0.9;
    std::printf("%11d  %8.0f [%8.0f, %8.0f]      %8.0f [%8.0f, %8.0f]      %.3f%s\n", connections, median(a),
                *std::min_element(a.begin(), a.end()), *std::max_element(a.begin(), a.end()), median(b),
                *std::min_element(b.begin(), b.end()), *std::max_element(b.begin(), b.end()), ratio,
                ratio >= 0.9 ? "" : " (target missed)");
    std::fflush(stdout);
    report.push_back(
        {{"connections", connections}, {"a_median", median(a)}, {"b_median", median(b)}, {"ratio", ratio}});
  }
  std::printf("\ntarget (B >= 0.90 A at every level): %s\n", met ? "met" : "MISSED");
  // mariadb-slap for context; its password through a 0600 defaults file, never the command line.
  const fs::path defaults = dir / "slap.cnf";
  {
    std::ofstream f(defaults);
    f << "[client]\nuser=" << t.user << "\npassword=" << t.password << "\nhost=127.0.0.1\nport=" << t.port << "\n";
  }
  fs::permissions(defaults, fs::perms::owner_read | fs::perms::owner_write);
  std::printf("\nmariadb-slap (auto-generated single-row writes, autocommit) for context:\n");
  std::fflush(stdout);
  const std::string slap = "mariadb-slap --defaults-extra-file=" + defaults.string() +
                           " --create-schema=surge_slap --auto-generate-sql --auto-generate-sql-load-type=write "
                           "--auto-generate-sql-add-autoincrement --concurrency=1,4,16 --number-of-queries=20000 "
                           "--iterations=1 2>&1 | grep -E 'Average|concurrency|Number of clients'";
  std::system(slap.c_str());
  std::printf("\n%s\n", nlohmann::json{{"db_bench", report}}.dump().c_str());
  return 0;
}
