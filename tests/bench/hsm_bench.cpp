// The HSM calibration's benchmark (not a test). In one run, interleaved A B A B (5 rounds each by
// default), on SoftHSM2 with a private token:
//   A. a minimal PKCS#11 client: per thread one session and a C_SignInit + C_Sign loop over one fixed
//      input, each call timed (the limit for any PKCS#11 client);
//   B. `surge calibrate hsm` in its default mode (prepared inputs of real TBS bytes) at the same key
//      type, thread count, warm-up and measured time.
// For each key type and thread count: the median throughput and p99 of each, with the range of the
// rounds (for 5 rounds, [min, max] covers the median with 94% confidence), and B/A. Targets: B at least
// 95% of A's throughput at every level; B's p99 no worse than 1.2x A's at threads <= cores. Then, for
// context, `openssl speed` on the same key types and surge's --pipeline CPU cost per structure.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "models/latency_stats.hpp"
#include "real/pkcs11_module.hpp"
#include "real/signing_workload.hpp"

namespace fs = std::filesystem;
using surge::real::KeyType;

namespace {

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";
constexpr const char* kToken = "bench";
constexpr const char* kPin = "bench-user-pin";
constexpr double kWarmup_s = 0.5;

struct Run {
  double throughput = 0;
  double p99_s = 0;
};

// A: the minimal loop.
Run minimal_loop(KeyType type, int threads, double duration_s) {
  surge::real::Pkcs11Module m(kModule);
  const CK_SLOT_ID slot = m.slot_by_label(kToken);
  const CK_SESSION_HANDLE owner = m.open_session(slot);
  m.login(owner, kPin);
  const surge::real::KeyPair key = m.generate_session_key(owner, type);
  const std::vector<unsigned char> input =
      surge::real::signing_input(type, std::vector<unsigned char>(type == KeyType::ECDSA_P384 ? 48 : 32, 0x42));
  CK_FUNCTION_LIST* fn = m.api();
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto measure = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kWarmup_s));
  const auto end = measure + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration_s));
  std::vector<surge::LatencyStats> lat(static_cast<size_t>(threads));
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      const CK_SESSION_HANDLE s = m.open_session(slot);
      lat[static_cast<size_t>(t)].reserve(1 << 20);
      unsigned char sig[512];
      CK_MECHANISM mech{surge::real::signing_mechanism(type), nullptr, 0};
      std::this_thread::sleep_until(start);
      for (;;) {
        const auto t0 = Clock::now();
        CK_ULONG len = sizeof sig;
        fn->C_SignInit(s, &mech, key.private_key);
        fn->C_Sign(s, const_cast<unsigned char*>(input.data()), input.size(), sig, &len);
        const auto t1 = Clock::now();
        if (t1 > end) break;
        if (t1 >= measure) lat[static_cast<size_t>(t)].record(std::chrono::duration<double>(t1 - t0).count());
      }
      m.close_session(s);
    });
  }
  for (auto& t : ts) t.join();
  m.close_session(owner);
  surge::LatencyStats all;
  for (const auto& l : lat) all.merge(l);
  return {static_cast<double>(all.count()) / duration_s, all.quantile(0.99)};
}

// B: surge calibrate hsm at one level.
Run calibrate(const std::string& cli, const std::string& key, int threads, double duration_s, const fs::path& dir) {
  const fs::path json = dir / "b.json", profile = dir / "b-profile.json";
  char cmd[1024];
  std::snprintf(cmd, sizeof cmd,
                "SURGE_PKCS11_PIN=%s %s calibrate hsm --module %s --token %s --key-type %s --threads %d --duration "
                "%gs --warmup %gs --open-loop none --bootstrap 0 --out %s --json %s >/dev/null 2>&1",
                kPin, cli.c_str(), kModule, kToken, key.c_str(), threads, duration_s, kWarmup_s, profile.c_str(),
                json.c_str());
  if (std::system(cmd) != 0) {
    std::fprintf(stderr, "failed: %s\n", cmd);
    std::exit(1);
  }
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  const nlohmann::json& level = j.at("key_types").at(0).at("sweep").at("levels").at(0);
  return {level.at("throughput_per_s"), level.at("latency").at("p99_s")};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

// A private SoftHSM2 token in `dir`, for both clients.
void make_token(const fs::path& dir) {
  fs::create_directories(dir / "tokens");
  std::ofstream(dir / "softhsm2.conf") << "directories.tokendir = " << (dir / "tokens").string()
                                       << "\nobjectstore.backend = file\nlog.level = ERROR\n";
  setenv("SOFTHSM2_CONF", (dir / "softhsm2.conf").c_str(), 1);
  surge::real::Pkcs11Module m(kModule);
  m.init_token(kToken, "bench-so-pin", kPin);
}

// One key type and thread count: A and B interleaved over the rounds, printed as a row; `ok` whether it
// meets the targets. Returns the row for the JSON line.
nlohmann::json compare_level(KeyType type, int threads, int rounds, double duration_s, const std::string& cli,
                             const fs::path& dir, unsigned cores, bool& ok) {
  std::vector<double> ax, bx, ap, bp;
  for (int r = 0; r < rounds; ++r) {
    const Run a = minimal_loop(type, threads, duration_s);
    const Run b = calibrate(cli, surge::real::key_type_name(type), threads, duration_s, dir);
    ax.push_back(a.throughput), ap.push_back(a.p99_s), bx.push_back(b.throughput), bp.push_back(b.p99_s);
  }
  const double x_ratio = median(bx) / median(ax), p_ratio = median(bp) / median(ap);
  ok = x_ratio >= 0.95 && (threads > static_cast<int>(cores) || p_ratio <= 1.2);
  std::printf(
      "%-8s %7d  %8.0f [%8.0f, %8.0f] %8.0f [%8.0f, %8.0f] %6.3f  %6.3f [%6.3f, %6.3f] %6.3f [%6.3f, %6.3f] "
      "%6.2f %s\n",
      surge::real::key_type_name(type).c_str(), threads, median(ax), *std::min_element(ax.begin(), ax.end()),
      *std::max_element(ax.begin(), ax.end()), median(bx), *std::min_element(bx.begin(), bx.end()),
      *std::max_element(bx.begin(), bx.end()), x_ratio, median(ap) * 1e3, *std::min_element(ap.begin(), ap.end()) * 1e3,
      *std::max_element(ap.begin(), ap.end()) * 1e3, median(bp) * 1e3, *std::min_element(bp.begin(), bp.end()) * 1e3,
      *std::max_element(bp.begin(), bp.end()) * 1e3, p_ratio, ok ? "" : "(target missed)");
  std::fflush(stdout);
  return {{"key_type", surge::real::key_type_name(type)},
          {"threads", threads},
          {"a_median_per_s", median(ax)},
          {"b_median_per_s", median(bx)},
          {"throughput_ratio", x_ratio},
          {"a_p99_s", median(ap)},
          {"b_p99_s", median(bp)},
          {"p99_ratio", p_ratio}};
}

// The CA's own CPU per structure (--pipeline), one thread per key type.
void print_pipeline_cpu(const std::string& cli, const fs::path& dir) {
  std::printf(
      "\nsurge calibrate hsm --pipeline: CA-side CPU per structure (build + hash + assemble, HSM call "
      "excluded), 1 thread:\n");
  for (const char* key : {"rsa-2048", "ecdsa-p256", "ecdsa-p384"}) {
    const fs::path json = dir / "pipeline.json", profile = dir / "pipeline-profile.json";
    const std::string cmd =
        std::string("SURGE_PKCS11_PIN=") + kPin + " " + cli + " calibrate hsm --module " + kModule + " --token " +
        kToken + " --key-type " + key +
        " --threads 1 --duration 2s --warmup 0.5s --open-loop none --bootstrap 0 --pipeline --out " + profile.string() +
        " --json " + json.string() + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) continue;
    std::ifstream in(json);
    const nlohmann::json j = nlohmann::json::parse(in);
    const nlohmann::json& level = j.at("key_types").at(0).at("sweep").at("levels").at(0);
    std::printf("  %-8s", key);
    for (const auto& [name, us] : level.at("ca_cpu_us_per_structure").items())
      std::printf("  %s %.0f us", name.c_str(), us.get<double>());
    std::printf("  (structures/s %.0f)\n", level.at("throughput_per_s").get<double>());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  const double duration_s = argc > 2 ? std::atof(argv[2]) : 2.0;
  const std::string cli = SURGE_CLI;
  const fs::path dir = fs::temp_directory_path() / ("surge-hsm-bench-" + std::to_string(getpid()));
  make_token(dir);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf(
      "HSM calibration benchmark: SoftHSM2, %d rounds of A (minimal C_SignInit + C_Sign loop) and B (surge "
      "calibrate hsm, default mode), interleaved, %.1f s measured after %.1f s warm-up, %u cores\n\n",
      rounds, duration_s, kWarmup_s, cores);
  std::printf("%-8s %7s  %-28s %-28s %6s  %-22s %-22s %6s\n", "key", "threads", "A signatures/s median [range]",
              "B signatures/s median [range]", "B/A", "A p99 ms [range]", "B p99 ms [range]", "B/A");
  nlohmann::json report = nlohmann::json::array();
  bool met = true;
  for (KeyType type : {KeyType::RSA_2048, KeyType::ECDSA_P256, KeyType::ECDSA_P384})
    for (int threads : {1, 2, 4}) {
      bool ok = true;
      report.push_back(compare_level(type, threads, rounds, duration_s, cli, dir, cores, ok));
      met = met && ok;
    }
  std::printf("\ntargets (B >= 0.95 A everywhere; p99 <= 1.2x at threads <= %u): %s\n", cores, met ? "met" : "MISSED");
  std::printf("\nopenssl speed (software, one core, for context):\n%s",
              capture("openssl speed -seconds 2 rsa2048 ecdsap256 ecdsap384 2>/dev/null | grep -E '^(rsa 2048|.*256 "
                      "bits ecdsa|.*384 bits ecdsa|.*sign/s)'")
                  .c_str());
  print_pipeline_cpu(cli, dir);
  std::printf("\n%s\n", nlohmann::json{{"hsm_bench", report}}.dump().c_str());
  fs::remove_all(dir);
  return 0;
}
