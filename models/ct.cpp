#include "models/ct.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace surge {

double ct_certificate_rate(std::vector<double> operator_capacity, int scts_required) {
  if (scts_required <= 0 || static_cast<int>(operator_capacity.size()) < scts_required) return 0;
  std::sort(operator_capacity.begin(), operator_capacity.end(), std::greater<>());
  double sum = 0;
  for (double c : operator_capacity) sum += c;
  // An operator gives each precertificate at most one SCT, so at rate x it serves min(c_o, x): with the
  // k largest operators saturated (c_o >= x), the rest must carry (r - k) x.
  double best = std::numeric_limits<double>::infinity();
  double top = 0;
  for (int k = 0; k < scts_required; ++k) {
    best = std::min(best, (sum - top) / (scts_required - k));
    top += operator_capacity[static_cast<size_t>(k)];
  }
  return std::max(0.0, best);
}

bool ct_log_down(const Scenario& s, int log, double t) {
  const CtLog& l = s.ct.logs[static_cast<size_t>(log)];
  for (const Failure& f : s.failures) {
    const bool hits = (f.kind == FailureKind::CT_LOG && f.target == l.name) ||
                      (f.kind == FailureKind::CT_OPERATOR && f.target == l.operator_name);
    if (hits && f.at_s <= t && t < f.until_s) return true;
  }
  return false;
}

CapacityTimeline ct_certificate_timeline(const Scenario& s) {
  if (s.ct.logs.empty()) return CapacityTimeline(0.0);
  std::vector<double> times{0.0};
  for (const Failure& f : s.failures) {
    if (f.kind != FailureKind::CT_LOG && f.kind != FailureKind::CT_OPERATOR) continue;
    times.push_back(f.at_s);
    if (std::isfinite(f.until_s)) times.push_back(f.until_s);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  const std::vector<std::string> ops = s.ct.operators();
  CapacityTimeline out(0.0);
  for (double t : times) {
    std::vector<double> cap(ops.size(), 0.0);
    for (size_t i = 0; i < s.ct.logs.size(); ++i) {
      if (ct_log_down(s, static_cast<int>(i), t)) continue;
      const auto op = std::find(ops.begin(), ops.end(), s.ct.logs[i].operator_name) - ops.begin();
      cap[static_cast<size_t>(op)] += s.ct.logs[i].rate_per_s;
    }
    out.set(t, ct_certificate_rate(cap, s.ct.scts_required));
  }
  return out;
}

double precertificate_signatures(const Workload& w) {
  constexpr double kPrecertificateSignatures = 1.0;  // one signature over the precertificate's TBS
  if (w.era == Era::SEED_2021) return 0;
  return std::min(kPrecertificateSignatures, w.signatures_per_issuance);
}

}  // namespace surge
