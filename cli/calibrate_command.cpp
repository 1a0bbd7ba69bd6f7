#include "cli/calibrate_command.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include "models/exit_codes.hpp"
#include "models/units.hpp"
#include "real/hsm_calibration.hpp"

namespace surge::cli {
namespace {

constexpr int kMaxThreads = 1024;

struct Args {
  std::string module;
  std::vector<std::string> tokens;
  std::vector<unsigned long> slots;
  std::string pin_env;
  std::string pin_file;
  std::string key_types = "rsa-2048,ecdsa-p256,ecdsa-p384";
  std::string existing_key;
  std::string threads;
  int max_threads = 256;
  int processes = 1;
  std::string duration = "5s";
  std::string warmup = "1s";
  std::string structures;
  bool pipeline = false;
  std::string mix;
  double max_rate = 0;
  long max_errors = 0;
  std::string open_loop = "0.5,0.7,0.9";
  std::string crl_sizes;
  long crl_entries = 1000;
  bool accept_load = false;
  std::string out, csv, json;
  int bootstrap = 200;
  std::uint64_t seed = 1;
  std::string fault;  // hidden: tests inject a session fault, MEMBER:AFTER
  CLI::App* cmd = nullptr;
};

Args args;

struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

// A key type by its name; the old spelling is read with a note on standard error, once per name.
real::KeyType key_type(const std::string& name, const std::string& option) {
  bool old = false;
  const std::optional<real::KeyType> k = real::parse_key_type(name, &old);
  if (!k) throw BadInput(option + ": unknown key type '" + name + "' (rsa-2048, ecdsa-p256, ecdsa-p384)");
  static std::set<std::string> noted;
  if (old && noted.insert(name).second)
    std::cerr << "surge calibrate hsm: note: key type '" << name << "' is the old spelling; write '"
              << real::key_type_name(*k) << "', as scenarios do\n";
  return *k;
}

double number(const std::string& text, const std::string& option) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw BadInput(option + ": '" + text + "' is not a number");
}

double duration(const std::string& text, const std::string& option) {
  const Quantity q = parse_quantity(text, QuantityKind::DURATION);
  if (!q.value) throw BadInput(option + ": '" + text + "': " + q.error);
  if (*q.value <= 0) throw BadInput(option + ": must be positive");
  return *q.value;
}

real::HsmCalibrationOptions options_from_args() {
  real::HsmCalibrationOptions o;
  o.bench.module = args.module;
  if (args.tokens.empty() && args.slots.empty()) throw BadInput("--token LABEL (or --slot ID) is required");
  o.bench.tokens = args.tokens;
  for (unsigned long s : args.slots) o.bench.tokens.push_back("#" + std::to_string(s));
  if (o.bench.tokens.size() > 2) throw BadInput("--token: one token, or two for a pair");
  for (const std::string& k : split(args.key_types, ',')) o.bench.key_types.push_back(key_type(k, "--key-type"));
  if (o.bench.key_types.empty()) throw BadInput("--key-type: no key type given");
  o.bench.existing_key = args.existing_key;
  if (!args.existing_key.empty() && (!args.structures.empty() || args.pipeline || !args.crl_sizes.empty()))
    throw BadInput(
        "--existing-key signs random digests only: --structure, --pipeline and --crl-sizes need session keys "
        "(signing a certificate, OCSP or CRL structure with an issuing key is issuance)");
  if (!args.existing_key.empty() && !args.mix.empty()) throw BadInput("--mix needs session keys, not --existing-key");
  for (const std::string& s : split(args.structures.empty() ? "precert,cert,ocsp,crl" : args.structures, ',')) {
    const std::optional<real::Structure> st = real::parse_structure(s);
    if (!st) throw BadInput("--structure: unknown structure '" + s + "' (precert, cert, ocsp, crl)");
    o.bench.structures.push_back(*st);
  }
  o.bench.pipeline = args.pipeline;
  o.bench.crl_entries = args.crl_entries;
  o.bench.accept_hsm_load = args.accept_load;
  o.bench.seed = args.seed;
  for (const std::string& t : split(args.threads, ',')) {
    const double v = number(t, "--threads");
    if (v < 1 || v > kMaxThreads || v != static_cast<int>(v))
      throw BadInput("--threads: '" + t + "' is not a thread count from 1 to " + std::to_string(kMaxThreads));
    o.threads.push_back(static_cast<int>(v));
  }
  o.max_threads = args.max_threads;
  o.processes = args.processes;
  o.duration_s = duration(args.duration, "--duration");
  o.warmup_s = args.warmup == "0" ? 0 : duration(args.warmup, "--warmup");
  o.max_rate_per_s = args.max_rate;
  o.max_errors = args.max_errors;
  for (const std::string& m : split(args.mix, ',')) {
    const std::vector<std::string> kv = split(m, '=');
    if (kv.size() != 2) throw BadInput("--mix: '" + m + "' is not KEY=SHARE (e.g. rsa-2048=0.5)");
    const double share = number(kv[1], "--mix");
    if (share <= 0) throw BadInput("--mix: the share of " + kv[0] + " must be positive");
    const real::KeyType k = key_type(kv[0], "--mix");
    if (std::find(o.bench.key_types.begin(), o.bench.key_types.end(), k) == o.bench.key_types.end())
      throw BadInput("--mix: " + kv[0] + " is not among --key-type");
    o.mix.push_back({k, share});
  }
  if (args.open_loop != "none") {
    for (const std::string& f : split(args.open_loop, ',')) {
      const double v = number(f, "--open-loop");
      if (v <= 0 || v > 1) throw BadInput("--open-loop: fractions of the peak lie in (0, 1], got " + f);
      o.open_loop_fractions.push_back(v);
    }
  }
  for (const std::string& s : split(args.crl_sizes, ',')) {
    const Quantity q = parse_quantity(s, QuantityKind::COUNT);
    if (!q.value || *q.value < 1) throw BadInput("--crl-sizes: '" + s + "' is not a count of entries");
    o.crl_sizes.push_back(static_cast<long>(*q.value));
  }
  if (!o.crl_sizes.empty() &&
      std::find(o.bench.structures.begin(), o.bench.structures.end(), real::Structure::CRL) == o.bench.structures.end())
    throw BadInput("--crl-sizes needs crl among --structure");
  o.bootstrap = args.bootstrap;
  if (!args.fault.empty()) {
    const std::vector<std::string> f = split(args.fault, ':');
    if (f.size() != 2) throw BadInput("--inject-fault: MEMBER:AFTER");
    o.fault.member = static_cast<int>(number(f[0], "--inject-fault"));
    o.fault.after_signatures = static_cast<long>(number(f[1], "--inject-fault"));
  }
  if (!args.pin_env.empty() && !args.pin_file.empty()) throw BadInput("give --pin-env or --pin-file, not both");
  if (const std::string bad = output_folders_problem(args.out, args.json, args.csv); !bad.empty()) throw BadInput(bad);
  // Refused before the module is loaded: loading a network HSM's module reaches the appliance.
  if (const std::string refusal = real::module_load_refusal(args.module, args.accept_load); !refusal.empty())
    throw BadInput(refusal);
  return o;
}

}  // namespace

std::string output_folders_problem(const std::string& out, const std::string& json, const std::string& csv) {
  for (const auto& [option, path] :
       {std::pair<const char*, const std::string*>{"--out", &out}, {"--json", &json}, {"--csv", &csv}}) {
    if (path->empty()) continue;
    if (const std::string bad = output_path_problem(*path); !bad.empty()) return std::string(option) + ": " + bad;
  }
  return "";
}

namespace {

// No core dump can carry the PIN or key material out of this process.
void harden_process() {
  const rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace

CLI::App* add_calibrate_command(CLI::App& app) {
  CLI::App* calibrate = app.add_subcommand("calibrate", "Measure real parts and write profiles scenarios use");
  calibrate->require_subcommand(1);
  CLI::App* hsm = calibrate->add_subcommand(
      "hsm",
      "Sweep concurrency through a PKCS#11 module, fit the Universal Scalability Law per key type, and write a "
      "profile (hsm: {profile: ...}). The PIN comes from an environment variable (unset once read) or a 0600 "
      "file, never the command line. Use a dedicated test partition, never a production partition or a Crypto "
      "Officer credential.");
  args.cmd = hsm;
  hsm->add_option("--module", args.module, "PKCS#11 module to load, e.g. /usr/lib/softhsm/libsofthsm2.so")->required();
  hsm->add_option("--token", args.tokens, "Token label; twice for a pair (each member alone, then both together)");
  hsm->add_option("--slot", args.slots, "Slot id instead of a label (repeatable, like --token)");
  hsm->add_option("--pin-env", args.pin_env, "Environment variable holding the PIN (default SURGE_PKCS11_PIN)");
  hsm->add_option("--pin-file", args.pin_file, "File holding the PIN; must be mode 0600");
  hsm->add_option("--key-type", args.key_types,
                  "Key types, comma-separated: rsa-2048,ecdsa-p256,ecdsa-p384 (default all; the old rsa2048, p256, "
                  "p384 are read too)");
  hsm->add_option("--existing-key", args.existing_key,
                  "Use this stored key (CKA_LABEL) instead of session keys; signs random digests only");
  hsm->add_option("--threads", args.threads,
                  "Thread levels, e.g. 1,2,4,8 (default: double until throughput falls "
                  "for two levels)");
  hsm->add_option("--max-threads", args.max_threads, "Cap of the doubling sweep (default 256)")
      ->check(CLI::Range(1, kMaxThreads));
  hsm->add_option("--processes", args.processes, "Client processes each level's threads are spread over (default 1)")
      ->check(CLI::Range(1, 64));
  hsm->add_option("--duration", args.duration, "Measured time per level (default 5s)");
  hsm->add_option("--warmup", args.warmup, "Discarded time before each level's measurement (default 1s)");
  hsm->add_option("--structure", args.structures, "Structures signed: precert,cert,ocsp,crl (default all)");
  hsm->add_flag("--pipeline", args.pipeline,
                "Build, hash, sign and assemble every structure per operation and report the CA-side CPU per "
                "structure (default: inputs prepared before each level, so the HSM is what is measured)");
  hsm->add_option("--mix", args.mix, "Also sweep a mixed load, e.g. rsa-2048=0.5,ecdsa-p384=0.5");
  hsm->add_option("--max-rate", args.max_rate, "Cap on signatures/s across all workers (0: none)")
      ->check(CLI::NonNegativeNumber);
  hsm->add_option("--max-errors", args.max_errors, "Errors tolerated before the calibration fails (default 0)")
      ->check(CLI::NonNegativeNumber);
  hsm->add_option("--open-loop", args.open_loop,
                  "Open-loop latency at these fractions of the measured peak (default 0.5,0.7,0.9; none to skip)");
  hsm->add_option("--crl-sizes", args.crl_sizes,
                  "Time CRL shards of these sizes, e.g. 1000,100k,1562500 (200M revocations over 128 shards)");
  hsm->add_option("--crl-entries", args.crl_entries, "Entries per CRL shard in the sweep (default 1000)")
      ->check(CLI::Range(0L, 2'000'000L));
  hsm->add_flag("--i-accept-hsm-load", args.accept_load,
                "Needed for any module but SoftHSM2: this drives the HSM at full load");
  hsm->add_option("--out", args.out, "Profile JSON to write (e.g. data/profiles/NAME.json)")->required();
  hsm->add_option("--csv", args.csv, "Also write one row per level as CSV");
  hsm->add_option("--json", args.json, "Also write everything measured as JSON");
  hsm->add_option("--bootstrap", args.bootstrap, "Bootstrap resamples for the fit's intervals (default 200)")
      ->check(CLI::Range(0, 100000));
  hsm->add_option("--seed", args.seed, "Seed of the bootstrap and the random inputs (default 1)");
  hsm->add_option("--inject-fault", args.fault, "")->group("");  // tests: MEMBER:AFTER closes a session
  add_calibrate_db(calibrate);
  return calibrate;
}

int run_calibrate_command() {
  if (const int db = run_calibrate_db(); db >= 0) return db;
  if (!args.cmd || !*args.cmd) return -1;
  harden_process();
  real::HsmCalibrationOptions options;
  try {
    options = options_from_args();
  } catch (const BadInput& e) {
    std::cerr << "surge calibrate hsm: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::optional<real::Pin> pin;
  try {
    pin.emplace(args.pin_file.empty()
                    ? real::pin_from_environment(args.pin_env.empty() ? real::kPinEnvironment : args.pin_env)
                    : real::pin_from_file(args.pin_file));
  } catch (const real::PinError& e) {
    std::cerr << "surge calibrate hsm: " << e.what() << "\n";
    return kExitBadInput;
  }
  try {
    const real::HsmCalibration c =
        real::calibrate_hsm(options, *pin, [](const std::string& line) { std::cerr << line << std::endl; });
    pin.reset();
    // Everything measured first, then the files, each complete or absent.
    const std::string profile = real::profile_json(c).dump(2) + "\n";
    const std::string json = real::results_json(c).dump(2) + "\n";
    const std::string csv = real::render_csv(c);
    std::vector<std::pair<std::string, std::string>> files = {{args.out, profile}};
    if (!args.json.empty()) files.emplace_back(args.json, json);
    if (!args.csv.empty()) files.emplace_back(args.csv, csv);
    write_files_atomically(files);
    std::cout << real::render_table(c) << "\nprofile: " << args.out << "\n";
    return 0;
  } catch (const real::HsmError& e) {
    std::cerr << "surge calibrate hsm: " << e.what() << "\n";
    return e.exit_code();                  // 2: the module, a token, slot, PIN or key type given; 3: a fault
  } catch (const std::runtime_error& e) {  // an output file
    std::cerr << "surge calibrate hsm: " << e.what() << "\n";
    return kExitRuntime;
  }
}

}  // namespace surge::cli
