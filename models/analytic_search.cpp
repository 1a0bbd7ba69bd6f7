// The analytic planner's searches that rerun the analysis: the latest decision and the recommended window.
#include "models/analysis.hpp"

#include <algorithm>
#include <cmath>

#include "models/lattice_search.hpp"
#include "models/units.hpp"

namespace surge::analytic_detail {
namespace {

constexpr int kWindowSteps = 14;     // bisection on the window's end: to within a day / 16,384 (5.3 s)
constexpr int kDecisionSteps = 12;   // bisection on the decision: to within deadline / 4096 (21 s for a day)
constexpr int kDecisionGuesses = 2;  // reruns at a guessed decision before galloping

// When the last replacement or revocation is done; +inf if never.
double finish(const Outcome& o) {
  return std::max(o.completion, o.revocation_end);
}

}  // namespace

// The latest decision that still meets the deadline: the last point of a 12-step bisection of [0, deadline]
// that meets it (meeting it is monotone in the delay). A later decision delays the finish by at most as
// much, so `decision + deadline - finish` guesses it to within a few points when arrivals bound the finish;
// a second guess from the first guess's own run, then LatticeSearch. Each call is a whole analysis.
std::optional<double> Analysis::latest_decision(const Outcome& base) const {
  const double deadline = s_.incident.deadline_s;
  const long points = 1L << kDecisionSteps;
  auto point = [&](long j) { return bisection_point(0, deadline, kDecisionSteps, j); };
  auto run_at = [&](long j) {
    Scenario t = s_;
    t.incident.decision_delay_s = point(j);
    return Analysis(t, Build::ALL, {this, Differs::DECISION}).run();
  };
  if (!run_at(0).met) return std::nullopt;
  LatticeSearch search(0, points);  // the deadline itself (the last point) is never run, as in a bisection
  double guess = s_.incident.decision_delay_s + deadline - finish(base);
  for (int round = 0; round < kDecisionGuesses; ++round) {
    const long j = search.inside(guess / deadline * static_cast<double>(points));
    if (j < 0) break;
    const Outcome o = run_at(j);
    search.record(j, o.met);
    guess = point(j) + deadline - finish(o);
  }
  return point(search.finish([&](long j) { return run_at(j).met; }));
}

Peak Analysis::averaged_peak(const std::vector<Resource>& resources) const {
  const size_t span = std::max<size_t>(1, static_cast<size_t>(std::lround(s_.step(kPeakAveraging_s) / dt_)));
  double busiest = 0, in_span = 0;  // requests (affected and normal) in the last `span` intervals
  for (size_t i = 0; i < n_; ++i) {
    in_span += d_affected_[i] + d_background_[i];
    if (i >= span) in_span -= d_affected_[i - span] + d_background_[i - span];
    busiest = std::max(busiest, in_span);
  }
  // Dividing the busiest once is exact: x / c is monotone in x (and 0 / c is 0, as the first rate was).
  const double busiest_rate = busiest / (static_cast<double>(span) * dt_);
  Peak p;
  for (const Resource& x : resources) {
    // As the report's peak_utilisation: the resource's own capacity, with the steady loads served first
    // (ARI polling on the API and the replicas, background signing on the HSMs) counted in.
    const double cap = (x.steady > 0 ? x.full : x.timeline).at(s_.incident.horizon_s);
    if (x.per_affected <= 0 || cap <= 0) continue;
    const double u = (busiest_rate * x.per_affected + x.steady + x.background_rate) / cap;
    if (p.resource.empty() || u > p.utilisation) p = Peak{u, x.name};
  }
  return p;
}

// The narrowest window [0, W] (from each batch's enabling) whose peak utilisation is at most the target
// and that still meets the deadline. The peak does not grow with W and completion does not shrink, so:
// bisect for the smallest W meeting the target, then check the deadline there. The resources (demand per
// certificate, capacity) do not depend on the window: only the arrivals are rebuilt for each W.
RecommendedWindow Analysis::recommend_window(double target) const {
  const Scenario& s = s_;
  auto with_window = [&](double end_s) {
    Scenario t = s;
    t.clients.window_start_s = 0;
    t.clients.window_end_s = end_s;
    return t;
  };
  auto peak_at = [&](double end_s) {
    const Scenario t = with_window(end_s);
    return Analysis(t, Build::ARRIVALS, {this, Differs::WINDOW}).averaged_peak(res_);
  };
  auto pct = [](double u) { return std::to_string(static_cast<int>(std::lround(u * 100))) + "%"; };
  RecommendedWindow w;
  w.target_utilisation = target;
  const double widest = s.incident.deadline_s - s.incident.decision_delay_s;
  const Peak spread = peak_at(widest);
  if (spread.utilisation > target) {
    w.peak_utilisation = spread.utilisation, w.resource = spread.resource;
    w.reason = "even spread over " + format_duration(widest) + " (all the time to the deadline), " + spread.resource +
               " peaks at " + pct(spread.utilisation) + ", above the " + pct(target) + " target";
    return w;
  }
  // Not LatticeSearch: with staged batches the peak is not monotone in W, and a search from a guess can
  // land on another crossing than the plain bisection's.
  double lo = 0, hi = widest;
  if (peak_at(0).utilisation <= target) hi = 0;
  for (int it = 0; it < kWindowSteps && hi > 0; ++it) {
    const double mid = 0.5 * (lo + hi);
    (peak_at(mid).utilisation <= target ? hi : lo) = mid;
  }
  const Scenario chosen = with_window(hi);
  const Analysis a(chosen, Build::ALL, {this, Differs::WINDOW});
  const Outcome o = a.run();
  const Peak p = a.averaged_peak(res_);
  w.peak_utilisation = p.utilisation, w.resource = p.resource;
  if (std::isfinite(o.completion)) w.completion_s = o.completion;
  if (o.met) {
    w.end_s = hi;
  } else {
    w.reason =
        "spreading over " + format_duration(hi) + " keeps " + p.resource + " at " + pct(p.utilisation) +
        " but misses the deadline (last replacement " +
        (std::isfinite(o.completion) ? "at " + format_duration(o.completion) : std::string("after the horizon")) + ")";
  }
  return w;
}

}  // namespace surge::analytic_detail
