// `surge calibrate db` and `surge calibrate db --check-integrity`: the CLI over real/db_calibration.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "cli/calibrate_command.hpp"
#include "models/atomic_file.hpp"
#include "models/exit_codes.hpp"
#include "models/units.hpp"
#include "real/ca_schema.hpp"
#include "real/db_calibration.hpp"
#include "real/db_integrity.hpp"
#include "real/pin.hpp"

namespace surge::cli {
namespace {

constexpr const char* kPasswordEnvironment = "SURGE_DB_PASSWORD";

struct DbArgs {
  bool local = false;
  std::string local_dir;
  std::string buffer_pool = "128M";
  std::string dsn;
  std::string password_env;
  std::string password_file;
  bool allow_replicated = false;
  std::string database = "surge_calibration";
  std::string connections;
  int max_connections = 256;
  std::string duration = "60s";
  std::string warmup = "30s";
  std::string prefill;
  std::string mix = "issuance";
  std::string stall_timeout = "30s";
  std::string journal;
  bool durability_matrix = false;
  bool local_replica = false;
  bool check_integrity = false;
  std::string out, csv, json;
  int bootstrap = 200;
  std::uint64_t seed = 1;
  CLI::App* cmd = nullptr;
};

DbArgs args;

struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

double seconds(const std::string& text, const std::string& option, bool zero_ok) {
  if (zero_ok && text == "0") return 0;
  const Quantity q = parse_quantity(text, QuantityKind::DURATION);
  if (!q.value) throw BadInput(option + ": '" + text + "': " + q.error);
  if (*q.value <= 0) throw BadInput(option + ": must be positive");
  return *q.value;
}

real::DbTarget dsn_target() {
  real::DbTarget t;
  try {
    t = real::parse_dsn(args.dsn);
  } catch (const std::invalid_argument& e) {
    throw BadInput(std::string("--dsn: ") + e.what());
  }
  if (!t.database.empty()) args.database = t.database;
  t.database.clear();  // surge creates or checks the database itself
  return t;
}

void read_password(real::DbTarget& t) {
  if (!args.password_env.empty() && !args.password_file.empty())
    throw BadInput("give --password-env or --password-file, not both");
  const real::Pin p =
      args.password_file.empty()
          ? real::pin_from_environment(args.password_env.empty() ? kPasswordEnvironment : args.password_env,
                                       "the database password")
          : real::pin_from_file(args.password_file, "database password");
  t.password = p.value();
}

// The journal of acknowledged commits: --journal, or by default acknowledged.log in a kept local folder.
std::string journal_path() {
  if (!args.journal.empty()) return args.journal;
  if (!args.local_dir.empty()) return (std::filesystem::path(args.local_dir) / "acknowledged.log").string();
  return "";
}

real::DbCalibrationOptions options_from_args() {
  real::DbCalibrationOptions o;
  if (args.local == !args.dsn.empty()) throw BadInput("give --local or --dsn mariadb://USER@HOST:PORT/DB");
  o.local = args.local;
  o.local_server.dir = args.local_dir;
  o.local_server.keep = !args.local_dir.empty();
  static const std::regex buffer_pool_re("^[1-9][0-9]*[KMG]?$");
  if (!std::regex_match(args.buffer_pool, buffer_pool_re))
    throw BadInput("--buffer-pool: '" + args.buffer_pool + "' is not a size such as 128M or 2G");
  o.local_server.buffer_pool = args.buffer_pool;
  if (!args.dsn.empty()) o.target = dsn_target();
  o.allow_replicated = args.allow_replicated;
  o.database = args.database;
  std::stringstream in(args.connections);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) continue;
    const Quantity q = parse_quantity(item, QuantityKind::COUNT);
    if (!q.value || *q.value < 1 || *q.value > 1024 || *q.value != static_cast<int>(*q.value))
      throw BadInput("--connections: '" + item + "' is not a connection count from 1 to 1024");
    o.connections.push_back(static_cast<int>(*q.value));
  }
  o.max_connections = args.max_connections;
  o.duration_s = seconds(args.duration, "--duration", false);
  o.warmup_s = seconds(args.warmup, "--warmup", true);
  o.stall_timeout_s = seconds(args.stall_timeout, "--stall-timeout", false);
  o.journal = journal_path();
  if ((args.durability_matrix || args.local_replica) && !args.local)
    throw BadInput("--durability-matrix and --local-replica need --local (surge never changes an existing server)");
  o.durability_matrix = args.durability_matrix;
  o.local_replica = args.local_replica;
  if (!args.prefill.empty()) {
    const Quantity q = parse_quantity(args.prefill, QuantityKind::SIZE);
    if (!q.value) throw BadInput("--prefill: '" + args.prefill + "': " + q.error);
    o.prefill_bytes = static_cast<std::uint64_t>(*q.value);
  }
  const std::optional<real::DbMix> mix = real::parse_mix(args.mix);
  if (!mix) throw BadInput("--mix: unknown mix '" + args.mix + "' (issuance, revocation, reissue, new-order)");
  o.mix = *mix;
  o.bootstrap = args.bootstrap;
  o.seed = args.seed;
  if (!args.check_integrity && args.out.empty()) throw BadInput("--out PROFILE.json is required");
  return o;
}

// The lines of a journal (one acknowledged commit each).
long journal_lines(const std::string& path) {
  std::ifstream in(path);
  long n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

int check_integrity_command() {
  std::unique_ptr<real::LocalMariaDb> server;
  real::DbTarget target;
  if (!args.local_dir.empty() == !args.dsn.empty())
    throw BadInput("--check-integrity needs --local-dir DIR (a kept local server) or --dsn");
  if (!args.journal.empty() && !std::filesystem::is_regular_file(args.journal))
    throw BadInput("--journal " + args.journal + " does not exist (or is not a file)");
  const std::string journal = journal_path();
  if (!args.local_dir.empty()) {
    if (!std::filesystem::exists(std::filesystem::path(args.local_dir) / "my.cnf"))
      throw BadInput("--local-dir " + args.local_dir + " holds no local server that surge kept (no my.cnf there)");
    server = std::make_unique<real::LocalMariaDb>(real::LocalMariaDb::reopen(args.local_dir));
    target = server->admin_target();
  } else {
    target = dsn_target();
    read_password(target);
  }
  auto c = real::connect_mariadb(target);
  const real::SurgeDatabase state = real::surge_database_state(*c, args.database);
  if (state == real::SurgeDatabase::ABSENT)
    throw BadInput("--database " + args.database + " does not exist on this server (no run created it)");
  if (state == real::SurgeDatabase::FOREIGN)
    throw BadInput("--database " + args.database + " is not a surge database (surge did not create it)");
  if (state == real::SurgeDatabase::UNFINISHED) {
    // A run was killed while creating it: no run was registered and no commit acknowledged in it.
    const long acknowledged = journal.empty() || !std::filesystem::exists(journal) ? 0 : journal_lines(journal);
    std::cout << (acknowledged ? "VIOLATED " : "ok       ") << "database " << args.database
              << " is unfinished (a run was killed while creating it; the next run creates it afresh) and "
              << acknowledged << " commits were acknowledged in it\n";
    return acknowledged ? kExitIntegrity : 0;
  }
  c->execute("USE `" + args.database + "`");
  const real::IntegrityReport r = real::check_integrity(*c);
  for (const real::IntegrityCheck& ic : r.checks)
    std::cout << (ic.violations ? "VIOLATED " : "ok       ") << ic.invariant << ": " << ic.violations << " rows\n";
  bool ok = r.ok();
  if (!journal.empty() && std::filesystem::exists(journal)) {
    const real::JournalCheck j = real::check_journal(*c, journal);
    std::cout << (j.missing ? "VIOLATED " : "ok       ")
              << "every acknowledged commit is in the database: " << j.missing << " of " << j.acknowledged
              << " missing (" << journal << ")\n";
    ok = ok && j.missing == 0;
  }
  for (const auto& [table, rows] : r.rows) std::cout << "  " << table << ": " << rows << " rows\n";
  return ok ? 0 : kExitIntegrity;
}

}  // namespace

void add_calibrate_db(CLI::App* calibrate) {
  CLI::App* db = calibrate->add_subcommand(
      "db",
      "Drive the CA's write path (Boulder's SA commits) on MariaDB, sweep connections, fit the Universal "
      "Scalability Law to commits/s and write a profile (db: {profile: ...}). The password comes from "
      "SURGE_DB_PASSWORD or a 0600 file, never the command line. surge writes only into a surge_* database it "
      "created.");
  args.cmd = db;
  db->add_flag("--local", args.local, "Start a throwaway MariaDB on 127.0.0.1 in a temporary folder and stop it");
  db->add_option("--local-dir", args.local_dir,
                 "Keep the local server's data in this folder (for --check-integrity --local-dir later)");
  db->add_option("--buffer-pool", args.buffer_pool, "The local server's innodb_buffer_pool_size (default 128M)");
  db->add_option("--dsn", args.dsn, "An existing server: mariadb://USER@HOST:PORT/DB (TLS required off loopback)");
  db->add_option("--password-env", args.password_env, "Environment variable with the password (SURGE_DB_PASSWORD)");
  db->add_option("--password-file", args.password_file, "File with the password; must be mode 0600");
  db->add_flag("--allow-replicated", args.allow_replicated,
               "Write even to a replica or a server with replicas attached");
  db->add_option("--database", args.database, "Database to create or reuse, named surge_* (default surge_calibration)");
  db->add_option("--connections", args.connections,
                 "Connection levels, e.g. 1,2,4,8 (default: double until commits/s falls for two levels)");
  db->add_option("--max-connections", args.max_connections, "Cap of the doubling sweep (default 256)")
      ->check(CLI::Range(1, 1024));
  db->add_option("--duration", args.duration, "Measured time per level (default 60s)");
  db->add_option("--warmup", args.warmup, "Discarded time before each level (default 30s)");
  db->add_option("--prefill", args.prefill,
                 "Bytes of issued certificates written first (default: twice the buffer pool)");
  db->add_option("--mix", args.mix, "Work: issuance, revocation, reissue (replace, then revoke), new-order");
  db->add_option("--stall-timeout", args.stall_timeout, "No commit for this long: diagnose and exit 3 (default 30s)");
  db->add_flag("--durability-matrix", args.durability_matrix,
               "With --local: also sweep with the binary log off and with relaxed flushing (flush_log_at_trx_commit=2, "
               "sync_binlog=0), each on a fresh server; the profile keeps the durable settings");
  db->add_flag("--local-replica", args.local_replica,
               "With --local: start a replica of the local server and measure its apply rate, lag and catch-up");
  db->add_option("--journal", args.journal,
                 "Append every acknowledged commit here (default: acknowledged.log in --local-dir), and check it with "
                 "--check-integrity");
  db->add_flag("--check-integrity", args.check_integrity,
               "Check the invariants of a surge database instead of calibrating (exit 1 if violated)");
  db->add_option("--out", args.out, "Profile JSON to write (e.g. data/profiles/NAME.json)");
  db->add_option("--csv", args.csv, "Also write one row per level and SA call as CSV");
  db->add_option("--json", args.json, "Also write everything measured as JSON");
  db->add_option("--bootstrap", args.bootstrap, "Bootstrap resamples for the fit's intervals (default 200)")
      ->check(CLI::Range(0, 100000));
  db->add_option("--seed", args.seed, "Seed of the synthetic data and the bootstrap (default 1)");
}

int run_calibrate_db() {
  if (!args.cmd || !*args.cmd) return -1;
  try {
    if (args.check_integrity) return check_integrity_command();
    real::DbCalibrationOptions o = options_from_args();
    if (const std::string bad = output_folders_problem(args.out, args.json, args.csv); !bad.empty())
      throw BadInput(bad);
    if (!o.local) read_password(o.target);
    const real::DbCalibration c =
        real::calibrate_db(o, [](const std::string& line) { std::cerr << line << std::endl; });
    o.target.password.assign(o.target.password.size(), '\0');
    const std::string profile = real::db_profile_json(c).dump(2) + "\n";
    std::vector<std::pair<std::string, std::string>> files = {{args.out, profile}};
    if (!args.json.empty()) files.emplace_back(args.json, real::db_results_json(c).dump(2) + "\n");
    if (!args.csv.empty()) files.emplace_back(args.csv, real::render_db_csv(c));
    write_files_atomically(files);
    std::cout << real::render_db_table(c) << "\nprofile: " << args.out << "\n";
    return 0;
  } catch (const BadInput& e) {
    std::cerr << "surge calibrate db: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const real::PinError& e) {
    std::cerr << "surge calibrate db: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const real::RefusedTarget& e) {
    std::cerr << "surge calibrate db: refused: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const real::DbError& e) {
    std::cerr << "surge calibrate db: " << e.what() << "\n";
    return e.configuration() ? kExitBadInput : kExitRuntime;
  } catch (const std::runtime_error& e) {  // an output file
    std::cerr << "surge calibrate db: " << e.what() << "\n";
    return kExitRuntime;
  }
}

}  // namespace surge::cli
