#include "real/hsm_calibration.hpp"

#include "real/run_environment.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <sstream>

namespace surge::real {
namespace {

constexpr std::int64_t kStartDelay_ns = 300'000'000;  // children need a moment to reach the start line
constexpr int kCrlRepetitionsSmall = 3;
constexpr long kCrlLargeEntries = 100'000;

nlohmann::json describe_json(const TokenDescription& d) {
  return {{"label", d.token_label},
          {"manufacturer", d.token_manufacturer},
          {"model", d.token_model},
          {"hardware_version", d.hardware_version},
          {"firmware_version", d.firmware_version}};
}

// Runs levels: in this process, or spread over child processes (each loads the module and logs in once).
class LevelRunner {
 public:
  virtual ~LevelRunner() = default;
  virtual LevelResult run(const LevelSpec& spec) = 0;
  virtual nlohmann::json crl(KeyType type, long entries, int repetitions) = 0;
  nlohmann::json tokens = nlohmann::json::array();
  nlohmann::json library;
  std::vector<KeyType> key_types;
  std::vector<SkippedKeyType> skipped;
  /// The members' labels (a --slot's token by its label).
  std::vector<std::string> labels() const {
    std::vector<std::string> out;
    for (const auto& t : tokens) out.push_back(t.at("label"));
    return out;
  }
};

// An error as a child process sends it, and back.
nlohmann::json error_json(const std::string& what, std::optional<CK_RV> rv, bool configuration) {
  return {{"error", what}, {"rv", rv ? nlohmann::json(*rv) : nlohmann::json()}, {"configuration", configuration}};
}
nlohmann::json error_json(const HsmError& e) {
  return error_json(e.what(), e.rv(), e.kind() == HsmError::Kind::CONFIGURATION);
}
HsmError error_from_json(const nlohmann::json& j) {
  const std::optional<CK_RV> rv = j.at("rv").is_null() ? std::nullopt : std::optional<CK_RV>(j.at("rv").get<CK_RV>());
  return HsmError::relayed(j.at("error"), rv,
                           j.at("configuration") ? HsmError::Kind::CONFIGURATION : HsmError::Kind::FAULT);
}

class InProcessRunner : public LevelRunner {
 public:
  InProcessRunner(const BenchSetup& setup, const Pin& pin) : bench_(setup, pin) {
    for (const TokenDescription& d : bench_.tokens()) tokens.push_back(describe_json(d));
    const TokenDescription& d = bench_.tokens().front();
    library = {{"manufacturer", d.library_manufacturer},
               {"description", d.library_description},
               {"version", d.library_version}};
    key_types = bench_.key_types();
    skipped = bench_.skipped();
  }
  LevelResult run(const LevelSpec& spec) override { return bench_.run_level(spec); }
  nlohmann::json crl(KeyType type, long entries, int repetitions) override {
    return bench_.crl_latency(type, entries, repetitions);
  }

 private:
  SigningBench bench_;
};

// A child's loop: a JSON command per line in, a JSON answer per line out.
[[noreturn]] void child_main(int in_fd, int out_fd, const BenchSetup& setup, const Pin& pin) {
  FILE* in = fdopen(in_fd, "r");
  FILE* out = fdopen(out_fd, "w");
  auto reply = [&](const nlohmann::json& j) {
    const std::string line = j.dump() + "\n";
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);
  };
  int code = 0;
  try {
    InProcessRunner runner(setup, pin);
    pin.wipe();  // logged in: this process needs the PIN no more
    nlohmann::json types = nlohmann::json::array();
    for (KeyType t : runner.key_types) types.push_back(static_cast<int>(t));
    nlohmann::json skipped = nlohmann::json::array();
    for (const SkippedKeyType& k : runner.skipped) skipped.push_back({static_cast<int>(k.type), k.reason});
    reply({{"ready", true},
           {"tokens", runner.tokens},
           {"library", runner.library},
           {"key_types", types},
           {"skipped", skipped}});
    char* buf = nullptr;
    size_t cap = 0;
    while (getline(&buf, &cap, in) > 0) {
      const nlohmann::json cmd = nlohmann::json::parse(buf);
      try {
        if (cmd.at("op") == "crl") {
          reply(
              {{"crl", runner.crl(static_cast<KeyType>(cmd.at("key").get<int>()), cmd.at("entries"), cmd.at("reps"))}});
          continue;
        }
        LevelSpec spec;
        for (const auto& m : cmd.at("mix")) spec.mix.push_back({static_cast<KeyType>(m.at(0).get<int>()), m.at(1)});
        spec.threads = cmd.at("threads");
        spec.members = cmd.at("members").get<std::vector<int>>();
        spec.warmup_s = cmd.at("warmup_s");
        spec.duration_s = cmd.at("duration_s");
        spec.max_rate_per_s = cmd.at("max_rate");
        spec.open_loop_rate_per_s = cmd.at("open_loop");
        spec.max_errors = cmd.at("max_errors");
        spec.start_at_ns = cmd.at("start_at_ns");
        spec.fault.member = cmd.at("fault_member");
        spec.fault.after_signatures = cmd.at("fault_after");
        reply({{"level", runner.run(spec).to_json(true)}});
      } catch (const HsmError& e) {
        reply(error_json(e));
      }
    }
    std::free(buf);
  } catch (const HsmError& e) {
    pin.wipe();
    reply(error_json(e));
    code = 3;
  } catch (const std::exception& e) {
    pin.wipe();
    reply(error_json(e.what(), std::nullopt, false));
    code = 3;
  }
  std::fflush(out);
  _exit(code);  // the runner's destructor above closed the sessions and finalised the module
}

class ProcessRunner : public LevelRunner {
 public:
  ProcessRunner(const BenchSetup& setup, const Pin& pin, int processes) {
    try {
      start(setup, pin, processes);
    } catch (...) {
      shut_down();
      throw;
    }
  }
  ~ProcessRunner() override { shut_down(); }

  // One child at a time, each logged in before the next starts: a wrong PIN costs one attempt.
  void start(const BenchSetup& setup, const Pin& pin, int processes) {
    for (int p = 0; p < processes; ++p) {
      int to_child[2], from_child[2];
      if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
        throw HsmError(std::string("cannot create pipes for client processes: ") + std::strerror(errno));
      std::fflush(nullptr);
      const pid_t pid = fork();
      if (pid < 0) throw HsmError(std::string("cannot start a client process: ") + std::strerror(errno));
      if (pid == 0) {
        close(to_child[1]);
        close(from_child[0]);
        for (const Child& c : children_) {
          fclose(c.to);
          fclose(c.from);
        }
        child_main(to_child[0], from_child[1], setup, pin);
      }
      close(to_child[0]);
      close(from_child[1]);
      children_.push_back({pid, fdopen(to_child[1], "w"), fdopen(from_child[0], "r")});
      const nlohmann::json hello = read(children_.back());
      if (p == 0) {
        tokens = hello.at("tokens");
        library = hello.at("library");
        for (const auto& t : hello.at("key_types")) key_types.push_back(static_cast<KeyType>(t.get<int>()));
        for (const auto& k : hello.at("skipped"))
          skipped.push_back({static_cast<KeyType>(k.at(0).get<int>()), k.at(1)});
      }
    }
  }
  void shut_down() {
    for (const Child& c : children_) fclose(c.to);  // EOF: each child closes its sessions and exits
    for (const Child& c : children_) {
      fclose(c.from);
      int status = 0;
      waitpid(c.pid, &status, 0);
    }
    children_.clear();
  }

  LevelResult run(const LevelSpec& spec) override {
    const int p = static_cast<int>(children_.size());
    const std::int64_t start = monotonic_ns() + kStartDelay_ns;
    std::vector<int> used;
    for (int c = 0; c < p; ++c) {
      const int threads = spec.threads / p + (c < spec.threads % p ? 1 : 0);
      if (threads == 0) continue;
      nlohmann::json mix = nlohmann::json::array();
      for (const auto& [t, share] : spec.mix) mix.push_back({static_cast<int>(t), share});
      const double share = static_cast<double>(threads) / spec.threads;
      send(children_[static_cast<size_t>(c)], {{"op", "level"},
                                               {"mix", mix},
                                               {"threads", threads},
                                               {"members", spec.members},
                                               {"warmup_s", spec.warmup_s},
                                               {"duration_s", spec.duration_s},
                                               {"max_rate", spec.max_rate_per_s * share},
                                               {"open_loop", spec.open_loop_rate_per_s * share},
                                               {"max_errors", spec.max_errors},
                                               {"start_at_ns", start},
                                               {"fault_member", c == 0 ? spec.fault.member : -1},
                                               {"fault_after", spec.fault.after_signatures}});
      used.push_back(c);
    }
    std::optional<LevelResult> merged;
    std::optional<HsmError> error;
    for (int c : used) {
      try {
        const LevelResult r = LevelResult::from_json(read(children_[static_cast<size_t>(c)]).at("level"));
        if (merged) {
          merged->merge(r);
        } else {
          merged = r;
        }
      } catch (const HsmError& e) {
        if (!error) error = e;
      }
    }
    if (error) throw *error;
    merged->threads = spec.threads;
    return *merged;
  }

  nlohmann::json crl(KeyType type, long entries, int repetitions) override {
    send(children_.front(),
         {{"op", "crl"}, {"key", static_cast<int>(type)}, {"entries", entries}, {"reps", repetitions}});
    return read(children_.front()).at("crl");
  }

 private:
  struct Child {
    pid_t pid;
    FILE* to;
    FILE* from;
  };
  static void send(const Child& c, const nlohmann::json& j) {
    const std::string line = j.dump() + "\n";
    std::fwrite(line.data(), 1, line.size(), c.to);
    std::fflush(c.to);
  }
  // A child's answer; its error (or its death) as an HsmError carrying the child's message as it is.
  static nlohmann::json read(const Child& c) {
    char* buf = nullptr;
    size_t cap = 0;
    const ssize_t n = getline(&buf, &cap, c.from);
    if (n <= 0) {
      std::free(buf);
      throw HsmError("a client process ended unexpectedly (see its messages above)");
    }
    nlohmann::json j = nlohmann::json::parse(buf);
    std::free(buf);
    if (j.contains("error")) throw error_from_json(j);
    return j;
  }
  std::vector<Child> children_;
};

std::string join_members(const std::vector<std::string>& labels, const std::vector<int>& members) {
  std::string out;
  for (int m : members) out += (out.empty() ? "" : "+") + labels[static_cast<size_t>(m)];
  return out;
}

std::string level_line(const std::string& what, const LevelResult& r) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %d threads: %.0f signatures/s, p50 %.3f ms, p99 %.3f ms, %llu errors",
                what.c_str(), r.threads, r.throughput_per_s, r.latency.quantile(0.5) * 1e3,
                r.latency.quantile(0.99) * 1e3, static_cast<unsigned long long>(r.errors));
  return buf;
}

struct Calibrator {
  const HsmCalibrationOptions& o;
  LevelRunner& runner;
  const std::function<void(const std::string&)>& log;

  LevelSpec spec(const std::vector<std::pair<KeyType, double>>& mix, int threads,
                 const std::vector<int>& members) const {
    LevelSpec s;
    s.mix = mix;
    s.threads = threads;
    s.members = members;
    s.warmup_s = o.warmup_s;
    s.duration_s = o.duration_s;
    s.max_rate_per_s = o.max_rate_per_s;
    s.max_errors = o.max_errors;
    s.fault = o.fault;
    return s;
  }

  // Levels from the list, or doubling until throughput falls for two levels in a row (cap max_threads).
  Sweep sweep(const std::string& name, const std::vector<std::pair<KeyType, double>>& mix,
              const std::vector<int>& members, const std::vector<int>& fixed_levels) const {
    Sweep s;
    s.name = name;
    s.members = join_members(runner.labels(), members);
    LevelSchedule schedule(fixed_levels, o.max_threads);
    do {
      s.levels.push_back(runner.run(spec(mix, schedule.level(), members)));
      log(level_line(name + " on " + s.members, s.levels.back()));
    } while (schedule.next(s.levels.back().throughput_per_s));
    std::vector<UslSample> samples;
    for (const LevelResult& r : s.levels) samples.push_back({static_cast<double>(r.threads), r.throughput_per_s});
    s.fit = fit_usl(samples, o.bootstrap, o.bench.seed);
    return s;
  }

  std::vector<int> levels_of(const Sweep& s) const {
    std::vector<int> out;
    for (const LevelResult& r : s.levels) out.push_back(r.threads);
    return out;
  }

  // Open loop at fractions of the sweep's best throughput, with that level's threads.
  std::vector<LevelResult> open_loop(KeyType type, const Sweep& s) const {
    std::vector<LevelResult> out;
    const LevelResult* best = &s.levels.front();
    for (const LevelResult& r : s.levels)
      if (r.throughput_per_s > best->throughput_per_s) best = &r;
    for (double f : o.open_loop_fractions) {
      LevelSpec sp = spec({{type, 1.0}}, best->threads, {0});
      sp.open_loop_rate_per_s = f * best->throughput_per_s;
      sp.max_rate_per_s = 0;
      LevelResult r = runner.run(sp);
      char what[96];
      std::snprintf(what, sizeof what, "%s open loop at %.0f%% of the peak", key_type_name(type).c_str(), f * 100);
      log(level_line(what, r));
      out.push_back(std::move(r));
    }
    return out;
  }
};

nlohmann::json sweep_json(const Sweep& s) {
  nlohmann::json levels = nlohmann::json::array();
  for (const LevelResult& r : s.levels) levels.push_back(r.to_json(false));
  return {{"name", s.name}, {"members", s.members}, {"fit", usl_fit_json(s.fit)}, {"levels", levels}};
}

}  // namespace

HsmCalibration calibrate_hsm(const HsmCalibrationOptions& o, const Pin& pin,
                             const std::function<void(const std::string&)>& log) {
  std::unique_ptr<LevelRunner> runner;
  if (o.processes > 1) {
    runner = std::make_unique<ProcessRunner>(o.bench, pin, o.processes);
  } else {
    runner = std::make_unique<InProcessRunner>(o.bench, pin);
  }
  Calibrator cal{o, *runner, log};
  HsmCalibration c;
  nlohmann::json structures = nlohmann::json::array();
  if (o.bench.existing_key.empty()) {
    for (Structure s : o.bench.structures) structures.push_back(structure_name(s));
  } else {
    structures.push_back(structure_name(Structure::RANDOM_DIGEST));
  }
  c.metadata = {{"module", o.bench.module},
                {"library", runner->library},
                {"tokens", runner->tokens},
                {"token_model", runner->tokens.at(0).at("model")},
                {"firmware", runner->tokens.at(0).at("firmware_version")},
                {"key_storage", o.bench.existing_key.empty() ? "session" : "token"},
                {"mode", o.bench.pipeline && o.bench.existing_key.empty() ? "pipeline" : "prepared-digests"},
                {"structures", structures},
                {"crl_entries", o.bench.crl_entries},
                {"processes", o.processes},
                {"duration_s", o.duration_s},
                {"warmup_s", o.warmup_s},
                {"max_rate_per_s", o.max_rate_per_s},
                {"surge_version", SURGE_VERSION},
                {"date", utc_timestamp()},
                {"host", host_name()}};

  nlohmann::json skipped = nlohmann::json::array();
  for (const SkippedKeyType& k : runner->skipped) {
    log("skipped " + key_type_name(k.type) + ": " + k.reason);
    skipped.push_back({{"key_type", key_type_name(k.type)}, {"reason", k.reason}});
  }
  c.metadata["key_types_skipped"] = skipped;
  const bool pair = o.bench.tokens.size() > 1;
  for (KeyType type : runner->key_types) {
    KeyCalibration k;
    k.type = type;
    k.sweep = cal.sweep(key_type_name(type), {{type, 1.0}}, {0}, o.threads);
    if (pair) {
      const std::vector<int> levels = cal.levels_of(k.sweep);
      k.pair_sweeps.push_back(cal.sweep(key_type_name(type), {{type, 1.0}}, {1}, levels));
      k.pair_sweeps.push_back(cal.sweep(key_type_name(type), {{type, 1.0}}, {0, 1}, levels));
    }
    k.open_loop = cal.open_loop(type, k.sweep);
    c.keys.push_back(std::move(k));
  }
  if (!o.mix.empty()) {
    std::string missing;
    for (const auto& [type, share] : o.mix)
      if (std::find(runner->key_types.begin(), runner->key_types.end(), type) == runner->key_types.end())
        missing += (missing.empty() ? "" : ", ") + key_type_name(type);
    if (missing.empty()) {
      c.mix = cal.sweep("mix", o.mix, {0}, o.threads);
    } else {
      c.metadata["mix_skipped"] = "the mix needs " + missing + ", which the token cannot sign with";
      log("skipped the mix: " + c.metadata["mix_skipped"].get<std::string>());
    }
  }
  for (long entries : o.crl_sizes) {
    const KeyType type = runner->key_types.front();
    nlohmann::json j = runner->crl(type, entries, entries > kCrlLargeEntries ? 1 : kCrlRepetitionsSmall);
    log("CRL shard of " + std::to_string(entries) + " entries (" + key_type_name(type) +
        "): " + std::to_string(j.at("der_bytes").get<long>()) + " bytes, build+hash " +
        std::to_string(j.at("build_hash_assemble_s").get<double>()) + " s, sign " +
        std::to_string(j.at("sign_s").get<double>()) + " s");
    c.crl.push_back(std::move(j));
  }
  return c;
}

nlohmann::json profile_json(const HsmCalibration& c) {
  nlohmann::json keys = nlohmann::json::object();
  for (const KeyCalibration& k : c.keys) {
    nlohmann::json j = usl_fit_json(k.sweep.fit);
    const LevelResult* one = nullptr;
    for (const LevelResult& r : k.sweep.levels)
      if (r.threads == 1) one = &r;
    if (one) {
      j["service_time_n1"] = {{"mean_s", one->latency.mean()}, {"cv", one->latency.cv()}};
    } else {
      j["service_time_n1"] = nullptr;
    }
    nlohmann::json levels = nlohmann::json::array();
    for (const LevelResult& r : k.sweep.levels)
      levels.push_back({{"threads", r.threads},
                        {"throughput_per_s", r.throughput_per_s},
                        {"latency", r.latency.summary_json()},
                        {"histogram", r.latency.histogram_json()}});
    j["levels"] = levels;
    keys[key_type_name(k.type)] = j;
  }
  return {{"surge_profile", 1}, {"kind", "hsm"}, {"metadata", c.metadata}, {"key_types", keys}};
}

nlohmann::json results_json(const HsmCalibration& c) {
  nlohmann::json keys = nlohmann::json::array();
  for (const KeyCalibration& k : c.keys) {
    nlohmann::json pair = nlohmann::json::array();
    for (const Sweep& s : k.pair_sweeps) pair.push_back(sweep_json(s));
    nlohmann::json open = nlohmann::json::array();
    for (const LevelResult& r : k.open_loop) open.push_back(r.to_json(false));
    keys.push_back(
        {{"key_type", key_type_name(k.type)}, {"sweep", sweep_json(k.sweep)}, {"pair", pair}, {"open_loop", open}});
  }
  nlohmann::json j = {{"metadata", c.metadata}, {"key_types", keys}, {"crl", c.crl}};
  if (c.mix) j["mix"] = sweep_json(*c.mix);
  return j;
}

std::string render_csv(const HsmCalibration& c) {
  std::ostringstream out;
  out << "section,key_type,members,threads,processes,offered_per_s,throughput_per_s,p50_s,p90_s,p99_s,max_s,errors,"
         "client_cpu_cores\n";
  auto row = [&](const std::string& section, const std::string& key, const std::string& members, const LevelResult& r) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s,%s,%s,%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%llu,%.4g\n", section.c_str(),
                  key.c_str(), members.c_str(), r.threads, r.processes, r.offered_per_s, r.throughput_per_s,
                  r.latency.quantile(0.5), r.latency.quantile(0.9), r.latency.quantile(0.99), r.latency.max(),
                  static_cast<unsigned long long>(r.errors), r.client_cpu_cores);
    out << buf;
  };
  for (const KeyCalibration& k : c.keys) {
    for (const LevelResult& r : k.sweep.levels) row("sweep", k.sweep.name, k.sweep.members, r);
    for (const Sweep& s : k.pair_sweeps)
      for (const LevelResult& r : s.levels) row("pair", s.name, s.members, r);
    for (const LevelResult& r : k.open_loop) row("open-loop", k.sweep.name, k.sweep.members, r);
  }
  if (c.mix)
    for (const LevelResult& r : c.mix->levels) row("mix", "mix", c.mix->members, r);
  return out.str();
}

std::string render_table(const HsmCalibration& c) {
  std::ostringstream out;
  char buf[512];
  out << "surge calibrate hsm: " << c.metadata.at("module").get<std::string>() << ", token "
      << c.metadata.at("tokens").at(0).at("label").get<std::string>() << " ("
      << c.metadata.at("token_model").get<std::string>() << ", firmware "
      << c.metadata.at("firmware").get<std::string>() << "), " << c.metadata.at("key_storage").get<std::string>()
      << " keys, " << c.metadata.at("mode").get<std::string>() << "\n";
  for (const auto& k : c.metadata.value("key_types_skipped", nlohmann::json::array()))
    out << "skipped " << k.at("key_type").get<std::string>() << ": " << k.at("reason").get<std::string>() << "\n";
  if (c.metadata.contains("mix_skipped")) out << "skipped the mix: " << c.metadata.at("mix_skipped") << "\n";
  auto levels = [&](const Sweep& s, bool pipeline) {
    out << "\n" << s.name << " on " << s.members << "\n";
    out << "  threads  signatures/s    p50 ms    p90 ms    p99 ms    max ms  errors  client CPU\n";
    for (const LevelResult& r : s.levels) {
      std::snprintf(buf, sizeof buf, "  %7d  %12.0f  %8.3f  %8.3f  %8.3f  %8.3f  %6llu  %10.2f\n", r.threads,
                    r.throughput_per_s, r.latency.quantile(0.5) * 1e3, r.latency.quantile(0.9) * 1e3,
                    r.latency.quantile(0.99) * 1e3, r.latency.max() * 1e3, static_cast<unsigned long long>(r.errors),
                    r.client_cpu_cores);
      out << buf;
      if (pipeline && !r.ca_cpu_us.empty()) {
        out << "           CA CPU per structure:";
        for (const auto& [name, us] : r.ca_cpu_us) {
          std::snprintf(buf, sizeof buf, " %s %.0f us", name.c_str(), us);
          out << buf;
        }
        out << "\n";
      }
    }
    if (s.fit.identified) {
      std::snprintf(buf, sizeof buf,
                    "  USL fit: lambda %.0f/s [%.0f, %.0f], sigma %.4f [%.4f, %.4f], kappa %.6f [%.6f, %.6f]; ",
                    s.fit.lambda.value, s.fit.lambda.low, s.fit.lambda.high, s.fit.sigma.value, s.fit.sigma.low,
                    s.fit.sigma.high, s.fit.kappa.value, s.fit.kappa.low, s.fit.kappa.high);
      out << buf << usl_peak_text(s.fit);
      std::snprintf(buf, sizeof buf, "; rms error %.1f%%\n", s.fit.rms_relative_error * 100);
      out << buf;
    } else {
      out << "  USL fit: " << s.fit.reason << "\n";
    }
  };
  const bool pipeline = c.metadata.at("mode") == "pipeline";
  for (const KeyCalibration& k : c.keys) {
    levels(k.sweep, pipeline);
    for (const Sweep& s : k.pair_sweeps) levels(s, pipeline);
    if (!k.open_loop.empty()) {
      out << "  open loop (latency from arrival):\n";
      for (const LevelResult& r : k.open_loop) {
        std::snprintf(buf, sizeof buf, "    offered %10.0f/s  served %10.0f/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n",
                      r.offered_per_s, r.throughput_per_s, r.latency.quantile(0.5) * 1e3,
                      r.latency.quantile(0.99) * 1e3, r.latency.max() * 1e3);
        out << buf;
      }
    }
  }
  if (c.mix) levels(*c.mix, pipeline);
  for (const auto& j : c.crl) {
    std::snprintf(
        buf, sizeof buf, "\nCRL shard %ld entries (%s): %zu bytes, build+hash+assemble %.3f s, sign %.3f ms\n",
        j.at("entries").get<long>(), j.at("key_type").get<std::string>().c_str(), j.at("der_bytes").get<size_t>(),
        j.at("build_hash_assemble_s").get<double>(), j.at("sign_s").get<double>() * 1e3);
    out << buf;
  }
  return out.str();
}

}  // namespace surge::real
