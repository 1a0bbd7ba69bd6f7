#include "real/run_environment.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <time.h>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace surge::real {

std::string utc_timestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char h[256] = "";
  gethostname(h, sizeof h - 1);
  return h;
}

double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void fault_point(const char* name) {
  const char* chosen = std::getenv("SURGE_FAULT_POINT");
  if (chosen && std::strcmp(chosen, name) == 0) raise(SIGKILL);
}

}  // namespace surge::real
