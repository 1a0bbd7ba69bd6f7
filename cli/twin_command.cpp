#include "cli/twin_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "cli/forward.hpp"
#include "cli/sweep/child_pool.hpp"
#include "models/analytic.hpp"
#include "models/atomic_file.hpp"
#include "models/exit_codes.hpp"
#include "models/scenario_document.hpp"
#include "models/twin_scale.hpp"
#include "models/units.hpp"

namespace surge::cli {
namespace {

namespace fs = std::filesystem;

struct TwinArgs {
  CLI::App* cmd = nullptr;
  std::string file;
  std::string out;
  std::string hsm_profile = std::string(SURGE_SOURCE_DIR) + "/data/profiles/softhsm-2.6-2core-vm.json";
  std::string db_profile = std::string(SURGE_SOURCE_DIR) + "/data/profiles/mariadb-10.11-2core-vm.json";
  std::string host_profile = std::string(SURGE_SOURCE_DIR) + "/data/profiles/twin-host-2core-vm.json";
  std::string duration = "90s";
  bool predict_only = false;
  std::string module;
  std::string dsn;
  std::string regimes;  ///< "all" or a comma-separated list of scenarios/twin-NAME.yaml names
};
TwinArgs args;

std::string now_utc() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// A CSV of numbers with a header row (the series `surge run --out` writes) as JSON columns.
nlohmann::json csv_columns(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::vector<std::string> names;
  std::getline(in, line);
  for (std::stringstream header(line); std::getline(header, line, ',');) names.push_back(line);
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& n : names) out[n] = nlohmann::json::array();
  for (std::string row; std::getline(in, row);) {
    std::stringstream cells(row);
    for (size_t i = 0; i < names.size() && std::getline(cells, line, ','); ++i)
      out[names[i]].push_back(std::stod(line));
  }
  return out;
}

// The simulator's answer to the twin scenario, `surge run FILE --out DIR` as a child (surge never loads
// SimGrid): its summary and the predicted curves (t_s, arrived, replaced, revoked) from its series.
nlohmann::json simulate(const char* argv0, const std::string& scenario_file, const fs::path& work) {
  sweep::ChildPool pool((work / "child").string());
  pool.start(0, {self_path(argv0), "run", scenario_file, "--out", (work / "run").string(), "--quiet"});
  const sweep::ChildOutcome done = pool.wait_any();
  if (done.exit_code != 0 && done.exit_code != kExitMissed) {
    fs::remove_all(work);
    throw std::runtime_error("the prediction's simulation failed (" + done.how() + "): " + done.err);
  }
  std::ifstream summary(work / "run" / "summary.json");
  nlohmann::json out = nlohmann::json::parse(summary);
  const nlohmann::json series = csv_columns(work / "run" / "series.csv");
  nlohmann::json curves = nlohmann::json::object();
  for (const char* column : {"t_s", "arrived", "replaced", "revoked"}) curves[column] = series.at(column);
  if (series.contains("replication_lag_s")) curves["replication_lag_s"] = series.at("replication_lag_s");
  fs::remove_all(work);
  return {{"report", out}, {"curves", curves}};
}

nlohmann::json scale_json(const TwinScale& k, const TwinParts& parts, const TwinHost& host) {
  return {{"time_factor", k.time_factor},
          {"rate_factor", k.rate_factor},
          {"count_factor", k.count_factor()},
          {"set_by", k.set_by},
          {"hsm_profile", parts.hsm_profile},
          {"db_profile", parts.db_profile},
          {"host",
           {{"profile", host.profile},
            {"cores", host.cores},
            {"cpu_s_per_certificate", host.cpu_s_per_certificate},
            {"utilisation_cap", host.utilisation_cap}}}};
}

int derive_and_predict(const char* argv0, double live_s) {
  const TwinParts parts{fs::absolute(args.hsm_profile).string(), fs::absolute(args.db_profile).string()};
  const Scenario original = load_scenario(args.file);
  TwinHost host;
  if (const auto error =
          read_twin_host(fs::absolute(args.host_profile).string(), era_name(original.workload.era), host))
    throw std::invalid_argument(*error);
  const Report answer = analyze(original);
  const Report with_parts = analyze(load_scenario(args.file, part_overrides(original, parts)));
  const TwinScale k = twin_scale(answer, with_parts, live_s, host);
  ScenarioDocument doc = ScenarioDocument::open(args.file);
  doc.set(twin_overrides(original, parts, k), "twin");
  const fs::path out(args.out), scenario_file = out / "twin-scenario.yaml";
  // The child simulates a copy in a work folder: DIR is written only once everything is known.
  const fs::path work = fs::temp_directory_path() / ("surge-twin-" + std::to_string(getpid()));
  fs::create_directories(work);
  write_file_atomically((work / "twin-scenario.yaml").string(), doc.to_yaml((work / "twin-scenario.yaml").string()));
  nlohmann::json prediction = {{"made_at", now_utc()},
                               {"scenario", fs::absolute(args.file).string()},
                               {"twin_scenario", scenario_file.filename().string()},
                               {"live_s", live_s},
                               {"scale", scale_json(k, parts, host)},
                               {"analytic", to_json(analyze(doc.scenario()), true)}};
  const nlohmann::json simulated = simulate(argv0, (work / "twin-scenario.yaml").string(), work);
  prediction["simulated"] = simulated["report"];
  prediction["predicted_curves"] = simulated["curves"];
  fs::create_directories(out);
  write_files_atomically({{scenario_file.string(), doc.to_yaml(scenario_file.string())},
                          {(out / "prediction.json").string(), prediction.dump(2)}});
  std::cout << "surge twin: " << original.name << " at time scale " << k.time_factor << ", capacities x "
            << k.rate_factor << " (set by " << k.set_by << "), " << doc.scenario().workload.certificates
            << " certificates\n  wrote " << scenario_file.string() << " and " << (out / "prediction.json").string()
            << "\n";
  return kExitOk;
}

// The shipped regimes asked for: every scenarios/twin-*.yaml for "all", else the names given.
std::vector<std::string> regime_names(const std::string& spec) {
  std::vector<std::string> out;
  const fs::path dir = fs::path(SURGE_SOURCE_DIR) / "scenarios";
  if (spec == "all") {
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml" && e.path().stem().string().rfind("twin-", 0) == 0)
        out.push_back(e.path().stem().string().substr(5));
    std::sort(out.begin(), out.end());
    return out;
  }
  std::stringstream list(spec);
  for (std::string name; std::getline(list, name, ',');) {
    if (!fs::exists(dir / ("twin-" + name + ".yaml")))
      throw std::invalid_argument("--regimes: no regime '" + name + "' (scenarios/twin-" + name + ".yaml)");
    out.push_back(name);
  }
  return out;
}

// One live run of the prediction in `folder`: surge-twin-live as a child; its summary printed. A regime
// this machine cannot run (kTwinNotHere) is skipped: exit 0.
int run_live_child(const fs::path& folder) {
  const std::string live = program_beside("surge-twin-live", "SURGE_TWIN_LIVE");
  if (live.empty()) throw std::runtime_error("surge-twin-live is not built beside surge");
  std::vector<std::string> argv = {live, "--folder", folder.string()};
  if (!args.module.empty()) argv.insert(argv.end(), {"--module", args.module});
  if (!args.dsn.empty()) argv.insert(argv.end(), {"--dsn", args.dsn});
  sweep::ChildPool pool((folder / ".live").string());
  pool.start(0, argv);
  const sweep::ChildOutcome done = pool.wait_any();
  std::cout << done.out << done.err << std::flush;
  fs::remove_all(folder / ".live");
  if (done.exit_code == kExitRuntime && done.err.find(kTwinNotHere) != std::string::npos) {
    std::cout << "  skipped: the other regimes go on\n";
    return kExitOk;
  }
  return done.exit_code < 0 ? kExitRuntime : done.exit_code;
}

// Every regime in DIR/NAME, one after the other: predicted, then (unless --predict-only) run live.
int run_regimes(const char* argv0) {
  const Quantity live = parse_quantity(args.duration, QuantityKind::DURATION);
  const fs::path out(args.out);
  int worst = kExitOk;
  for (const std::string& name : regime_names(args.regimes)) {
    args.file = (fs::path(SURGE_SOURCE_DIR) / "scenarios" / ("twin-" + name + ".yaml")).string();
    args.out = (out / name).string();
    std::cout << "== regime " << name << "\n";
    int code = derive_and_predict(argv0, *live.value);
    if (code == kExitOk && !args.predict_only) code = run_live_child(args.out);
    worst = std::max(worst, code);
  }
  return worst;
}

}  // namespace

CLI::App* add_twin_command(CLI::App& app) {
  TwinArgs& a = args;
  a.cmd = app.add_subcommand("twin",
                             "Derive the twin scenario (this machine's calibrated parts, time and counts scaled for "
                             "a short live run) and write the prediction before any live run (docs/TWIN.md)");
  a.cmd->add_option("file", a.file, "Scenario YAML file (or --regimes)")->check(CLI::ExistingFile);
  a.cmd->add_option("--regimes", a.regimes,
                    "Run the shipped regimes instead of one file: 'all' (scenarios/twin-*.yaml) or NAME,NAME; "
                    "each in DIR/NAME");
  a.cmd
      ->add_option("--out", a.out,
                   "Folder for twin-scenario.yaml, prediction.json and the live run's twin.json, twin.csv")
      ->required();
  a.cmd->add_option("--hsm-profile", a.hsm_profile, "`surge calibrate hsm` profile of the tokens (default: shipped)")
      ->check(CLI::ExistingFile);
  a.cmd->add_option("--db-profile", a.db_profile, "`surge calibrate db` profile of the MariaDB (default: shipped)")
      ->check(CLI::ExistingFile);
  a.cmd
      ->add_option("--host-profile", a.host_profile,
                   "Twin host profile: cores and CPU per certificate, from a live run before (default: shipped)")
      ->check(CLI::ExistingFile);
  a.cmd->add_option("--duration", a.duration, "How long the live run should take, 10s to 10min (default 90s)");
  a.cmd->add_flag("--predict-only", a.predict_only, "Derive and predict only; no live run");
  a.cmd->add_option("--module", a.module, "PKCS#11 module of the live run's tokens (default: SoftHSM2)");
  a.cmd->add_option("--dsn", a.dsn,
                    "The live run's MariaDB: mariadb://USER@HOST:PORT/DB, password from SURGE_DB_PASSWORD "
                    "(default: a private server on loopback)");
  return a.cmd;
}

int run_twin_command(const char* argv0) {
  if (!args.cmd || !*args.cmd) return -1;
  if (args.file.empty() == args.regimes.empty()) {
    std::cerr << "surge twin: give a scenario file or --regimes (all, or names of scenarios/twin-NAME.yaml), "
                 "not both\n";
    return kExitBadInput;
  }
  const Quantity live = parse_quantity(args.duration, QuantityKind::DURATION);
  if (!live.value || *live.value < 10 || *live.value > 600) {
    std::cerr << "surge twin: --duration '" << args.duration << "' must be a duration from 10s to 10min\n";
    return kExitBadInput;
  }
  try {
    if (!args.regimes.empty()) return run_regimes(argv0);
    const int code = derive_and_predict(argv0, *live.value);
    if (code != kExitOk || args.predict_only) return code;
    // The live run: surge-twin-live (gRPC, OpenSSL, PKCS#11, MariaDB, none of which surge loads).
    std::vector<std::string> live_args = {"surge-twin-live", "--folder", args.out};
    if (!args.module.empty()) live_args.insert(live_args.end(), {"--module", args.module});
    if (!args.dsn.empty()) live_args.insert(live_args.end(), {"--dsn", args.dsn});
    std::vector<char*> argv;
    for (std::string& a : live_args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return exec_beside("surge-twin-live", "SURGE_TWIN_LIVE", "", "build with SURGE_BUILD_REAL=ON",
                       static_cast<int>(live_args.size()), argv.data());
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << "surge twin: " << args.file << ": " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "surge twin: " << e.what() << "\n";
    return kExitRuntime;
  }
}

}  // namespace surge::cli
