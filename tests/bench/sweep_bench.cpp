// Benchmark (not a test): a sweep of 100 points of about 1 s each (le-2021-hardware-one-dc at cohorts of
// 2,500, deadlines 20.0 h to 29.9 h) on this machine: wall time with `surge sweep -j 1` (the baseline,
// measured in the same run), `-j 2`, and `mpirun -np 2 surge-mpi sweep`. Parallel efficiency at 2 = T(-j 1)
// / (2 x T); target >= 90%. The three result tables must be equal.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
constexpr int kPoints = 100;
constexpr double kTarget = 0.90;

double run(const std::string& cmd) {
  const auto t0 = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "failed: %s\n", cmd.c_str());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main() {
  const fs::path dir = fs::temp_directory_path() / ("surge-sweep-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "bench.sweep.yaml";
  std::ofstream(file) << "schema: 1\nname: bench\nquestion: \"benchmark\"\nbase: " << SURGE_SOURCE_DIR
                      << "/scenarios/le-2021-hardware-one-dc.yaml\nset: {workload.cohort_size: 2500}\n"
                      << "parameters:\n  - {path: incident.deadline, range: {from: 20h, to: 29.9h, step: 0.1h}}\n";
  const std::string sweep = std::string(SURGE_CLI) + " sweep " + file.string() + " --quiet --out ";
  const double one = run(sweep + (dir / "j1").string() + " -j 1 >/dev/null");
  const double two = run(sweep + (dir / "j2").string() + " -j 2 >/dev/null");
  const double mpi =
      run("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np 2 " + std::string(SURGE_MPI) +
          " sweep " + file.string() + " --quiet --out " + (dir / "mpi").string() + " >/dev/null");
  const bool same = read(dir / "j1" / "results.csv") == read(dir / "j2" / "results.csv") &&
                    read(dir / "j1" / "results.csv") == read(dir / "mpi" / "results.csv");
  std::printf("%d points, about %.2f s each (-j 1)\n", kPoints, one / kPoints);
  std::printf("-j 1                    %8.1f s  (baseline)\n", one);
  std::printf("-j 2                    %8.1f s  efficiency %.1f%%  (target >= %.0f%%): %s\n", two,
              100 * one / (2 * two), 100 * kTarget, one / (2 * two) >= kTarget ? "met" : "MISSED");
  std::printf("mpirun -np 2 surge-mpi  %8.1f s  efficiency %.1f%%  (target >= %.0f%%): %s\n", mpi,
              100 * one / (2 * mpi), 100 * kTarget, one / (2 * mpi) >= kTarget ? "met" : "MISSED");
  std::printf("results equal: %s\n", same ? "yes" : "NO");
  std::printf(
      "{\"sweep_j1_s\": %.2f, \"sweep_j2_s\": %.2f, \"sweep_mpi2_s\": %.2f, \"efficiency_j2\": %.3f, "
      "\"efficiency_mpi2\": %.3f}\n",
      one, two, mpi, one / (2 * two), one / (2 * mpi));
  fs::remove_all(dir);
  return 0;
}
