#include "models/analytic.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "models/analysis.hpp"
#include "models/broken_sites.hpp"
#include "models/controller.hpp"

namespace surge::analytic_detail {
namespace {

constexpr double kMaxGridPoints = 6000;  // the time grid: fine enough for 2% on a day, fast enough for 50 ms
constexpr double kMinGridStep_s = 30.0;
constexpr double kCompletionTolerance = 1e-6;  // of the affected certificates: see Analysis::run

}  // namespace

Analysis::Analysis(const Scenario& s, Build build, Rerun rerun) : s_(s), topo_(s), cost_(cost_model(s)) {
  const double horizon = s.incident.horizon_s;
  dt_ = std::max(s_.step(kMinGridStep_s), horizon / kMaxGridPoints);
  n_ = grid_index(horizon, dt_) + 1;
  build_arrivals(rerun, build == Build::ALL);
  if (build == Build::ALL) {
    build_resources();
    apply_admission();
  }
}

// Cumulative work served by each grid time: D(t) = min over s <= t of (A(s-) + S(t) - S(s)).
std::vector<double> Analysis::served(const std::vector<double>& arrived, const CapacityTimeline& cap) const {
  std::vector<double> out(n_, 0.0);
  double cum = 0, best = kInf;  // best = min over s of (A(s-) - S(s))
  CumulativeWalk cumulative(cap);
  for (size_t i = 0; i < n_; ++i) {
    const double S = cumulative(t(i));
    best = std::min(best, cum - S);
    cum += arrived[i];
    out[i] = std::min(cum, best + S);
  }
  return out;
}

// A resource whose capacity exceeds its busiest interval's demand at every moment never holds work back
// (most links): replaced_curve skips it, which keeps the decision search fast.
bool Analysis::never_holds_back(const Resource& r, double revocations_removed, const CapacityTimeline& cap) const {
  const double keep = kept_revocations(revocations_removed);
  double most = 0, lowest = kInf;  // the busiest interval's work; dividing once is exact (x / dt is monotone)
  for (size_t i = 0; i < n_; ++i) most = std::max(most, work_at(r, keep, i));
  const double peak = most / dt_;
  for (const auto& [at, c] : cap.steps())
    if (at <= s_.incident.horizon_s) lowest = std::min(lowest, c);
  return peak < lowest;
}

// Lowers `replaced` to the certificates whose work a resource has served by each grid time: its served work
// mapped back, FIFO, to the arrival interval it belongs to, interpolating inside that interval.
void Analysis::limit_by(const std::vector<double>& work, const std::vector<double>& done,
                        const std::vector<double>& cum_aff, std::vector<double>& replaced) const {
  std::vector<double> cum_work(n_, 0.0);  // work arrived by each grid time
  double c = 0;
  for (size_t i = 0; i < n_; ++i) cum_work[i] = c += work[i];
  size_t j = 0;
  for (size_t i = 0; i < n_; ++i) {
    while (j + 1 < n_ && cum_work[j] < done[i] * (1 - 1e-12)) ++j;
    const double before = j > 0 ? cum_work[j - 1] : 0;
    const double span = cum_work[j] - before;
    const double frac = span > 0 ? std::clamp((done[i] - before) / span, 0.0, 1.0) : 1.0;
    const double certs_before = j > 0 ? cum_aff[j - 1] : 0;
    replaced[i] = std::min(replaced[i], certs_before + frac * (cum_aff[j] - certs_before));
  }
}

// Affected certificates replaced by each grid time: FIFO through every resource in turn, the slowest
// one at each time decides (tandem fluid approximation).
std::vector<double> Analysis::replaced_curve(const std::vector<CapacityTimeline>& caps,
                                             double revocations_removed) const {
  std::vector<double> cum_aff(n_, 0.0);
  double acc = 0;
  for (size_t i = 0; i < n_; ++i) cum_aff[i] = acc += d_affected_[i];
  std::vector<double> replaced(cum_aff);
  for (size_t r = 0; r < res_.size(); ++r) {
    if (res_[r].per_affected <= 0) continue;
    if (never_holds_back(res_[r], revocations_removed, caps[r])) continue;
    const std::vector<double> work = work_on_grid(res_[r], revocations_removed);
    limit_by(work, served(work, caps[r]), cum_aff, replaced);
  }
  // The validation latency: a constant delay in a tandem of fluid servers delays the output by as much
  // wherever it sits, so the curve shifts right.
  if (latency_s_ > 0) {
    std::vector<double> shifted(n_, 0.0);
    for (size_t i = 0; i < n_; ++i) {
      const double at = (t(i) - latency_s_) / dt_;
      if (at < 0) continue;
      const size_t lo = static_cast<size_t>(std::floor(at));
      const double frac = at - static_cast<double>(lo);
      shifted[i] = lo + 1 < n_ ? replaced[lo] + frac * (replaced[lo + 1] - replaced[lo]) : replaced[n_ - 1];
    }
    replaced = shifted;
  }
  return replaced;
}

Outcome Analysis::run() const {
  Outcome o;
  const double N = s_.workload.certificates;  // all affected, including those asking after the horizon
  std::vector<CapacityTimeline> caps;
  for (const Resource& r : res_) caps.push_back(r.certificate_timeline());
  std::vector<double> replaced = replaced_curve(caps, 0);
  o.bulk_start = bulk_revocation_start(replaced);
  if (o.bulk_start) {
    const double tb = *o.bulk_start;
    const double remaining = N - replaced[index_of(tb)];
    o.remaining_at_bulk = remaining;
    o.replaced_at_bulk = replaced[index_of(tb)];
    o.revocation_end = revoke_first(caps, tb, remaining);
    replaced = replaced_curve(caps, remaining);
  }
  o.completion = completion_time(replaced);
  if (!o.bulk_start) o.revocation_end = o.completion;
  o.replaced = replaced;
  if (o.bulk_start)
    o.broken = broken_sites(BulkRevocation{N, *o.bulk_start, o.revocation_end, s_.incident.horizon_s, dt_, replaced});
  judge_deadline(o);
  return o;
}

// Bulk revocation, by the simulator's rule: start when what is not yet revoked needs, on what survives,
// (1 + margin) x its time, ending `slack` (and one controller interval) before the deadline.
std::optional<double> Analysis::bulk_revocation_start(const std::vector<double>& replaced) const {
  const Scenario& s = s_;
  const double N = s.workload.certificates;
  if (N <= 0) return std::nullopt;
  for (size_t i = index_of(s.incident.decision_delay_s); i < n_; ++i) {
    const double remaining = N - replaced[i];
    if (remaining <= 1e-6 * N) break;
    // The HSM pool's capacity is in reference-key signatures: a revocation's cost hsm_mix_ of them each.
    const double sign = res_[hsm_].timeline.at(t(i)), commit = res_[db_].timeline.at(t(i));
    const double need = revocation_need_s(
        s.incident, {remaining, cost_.revocation.signatures * hsm_mix_, sign, cost_.revocation.commits, commit});
    if (bulk_revocation_due(s.incident, t(i), need, s.step(kControllerInterval_s))) return t(i);
  }
  return std::nullopt;
}

// Revocations go first on the HSMs and the writer: each is busy with them until they are done.
double Analysis::revoke_first(std::vector<CapacityTimeline>& caps, double tb, double remaining) const {
  double end = tb;
  for (int r : {hsm_, db_}) {
    const double work = remaining * res_[static_cast<size_t>(r)].per_revocation;
    const CapacityTimeline cap = caps[static_cast<size_t>(r)];
    const double done = cap.time_for(cap.cumulative(tb) + work);
    end = std::max(end, done);
    // Issuance gets nothing on this resource meanwhile.
    CapacityTimeline gap(0.0);
    for (const auto& [st, c] : cap.steps())
      if (st < tb) gap.set(st, c);
    gap.set(tb, 0);
    if (std::isfinite(done)) gap.set(done, cap.at(done));  // steps in time order: the gap's end first
    for (const auto& [st, c] : cap.steps())
      if (st > done) gap.set(st, c);
    caps[static_cast<size_t>(r)] = gap;
  }
  return end;
}

// Completion: the first grid time all affected certificates are replaced, to within kCompletionTolerance
// (after a bulk revocation the replaced curve can level off a rounding error short of N).
double Analysis::completion_time(const std::vector<double>& replaced) const {
  const double N = s_.workload.certificates;
  for (size_t i = 0; i < n_; ++i)
    if (N > 0 && replaced[i] >= N * (1 - kCompletionTolerance)) {
      // Interpolate inside the last interval.
      const double prev = i > 0 ? replaced[i - 1] : 0;
      const double frac = replaced[i] > prev ? (N - prev) / (replaced[i] - prev) : 1.0;
      return t(i) - dt_ + std::clamp(frac, 0.0, 1.0) * dt_;
    }
  return kInf;
}

void Analysis::judge_deadline(Outcome& o) const {
  const Scenario& s = s_;
  const double N = s.workload.certificates;
  const size_t dl = index_at_or_before(s.incident.deadline_s);
  o.replaced_by_deadline = std::min(N, o.replaced[dl]);
  if (o.bulk_start) {
    const double tb = *o.bulk_start;
    const double before = N - o.remaining_at_bulk;  // replaced (and so revoked) when the bulk began
    const double share = o.revocation_end <= s.incident.deadline_s
                             ? 1.0
                             : std::clamp((s.incident.deadline_s - tb) / (o.revocation_end - tb), 0.0, 1.0);
    o.revoked_by_deadline = std::min(N, before + o.remaining_at_bulk * share);
  } else {
    o.revoked_by_deadline = o.replaced_by_deadline;
  }
  o.met = N <= 0 || (o.replaced_by_deadline >= N * (1 - 1e-9) && o.revoked_by_deadline >= N * (1 - 1e-9) &&
                     o.completion <= s.incident.deadline_s && o.revocation_end <= s.incident.deadline_s);
}

}  // namespace surge::analytic_detail

namespace surge {

using analytic_detail::Analysis;
using analytic_detail::kInf;

double erlang_c(int c, double a) {
  if (a >= c) return 1.0;
  // Stable recurrence for Erlang B, then C = B / (1 - rho (1 - B)).
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  const double rho = a / c;
  return b / (1 - rho * (1 - b));
}

double mmc_mean_wait_s(double arrival_rate, double service_time_s, int servers) {
  const double a = arrival_rate * service_time_s;
  if (a >= servers) return kInf;
  return erlang_c(servers, a) * service_time_s / (servers - a);
}

Report analyze(const Scenario& scenario, const AnalyticOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  Analysis a(scenario);
  Report r = a.report(options);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace surge
