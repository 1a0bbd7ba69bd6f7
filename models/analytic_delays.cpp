// The analytic planner's delays: FIFO over the grid maps requests onto the replaced curve, giving time
// to replace overall and per client class.
#include "models/analysis.hpp"

#include <algorithm>

namespace surge::analytic_detail {

// Requests in FIFO order occupy positions [before, before + d_i) of the replaced curve R; the part of them
// R passes over (t_j-1, t_j] is replaced there, at the time R reaches the part's middle (linear in between).
std::vector<ServedPiece> Analysis::served_pieces(const Outcome& o) const {
  std::vector<ServedPiece> pieces;
  const std::vector<double>& R = o.replaced;
  double before = 0;
  size_t j = 1;
  for (size_t i = 0; i < n_; ++i) {
    if (d_affected_[i] <= 0) continue;
    const double from = before, to = before + d_affected_[i];
    before = to;
    while (j < n_ && R[j] <= from) ++j;
    for (size_t m = j; m < n_ && R[m - 1] < to; ++m) {
      const double lo = std::max(from, R[m - 1]), hi = std::min(to, R[m]);
      if (hi <= lo) continue;
      const double frac = (0.5 * (lo + hi) - R[m - 1]) / (R[m] - R[m - 1]);
      pieces.push_back(ServedPiece{i, t(m - 1) + frac * dt_, hi - lo});
    }
  }
  return pieces;
}

// Each class's share of the first `replaced` affected requests, in FIFO order over the grid (within an
// interval, the classes in proportion to their requests there).
std::vector<double> Analysis::class_replaced(double replaced) const {
  std::vector<double> out(classes_.size(), 0.0);
  double before = 0;
  for (size_t i = 0; i < n_ && before < replaced; ++i) {
    if (d_affected_[i] <= 0) continue;
    const double frac = std::clamp((replaced - before) / d_affected_[i], 0.0, 1.0);
    for (size_t k = 0; k < classes_.size(); ++k) out[k] += frac * d_class_[k][i];
    before += d_affected_[i];
  }
  return out;
}

// Class k's delays over the served pieces, weighted by its share of each: from its first request to the
// replacement (`to_replace`) and from the decision to the replacement (`after_decision`).
void Analysis::class_delays(size_t k, const std::vector<ServedPiece>& pieces, Percentiles& to_replace,
                            Percentiles& after_decision) const {
  WeightedValues delays, after;
  for (const ServedPiece& p : pieces) {
    const size_t i = p.interval;
    if (d_class_[k][i] <= 0) continue;
    const double weight = p.certificates / d_affected_[i] * d_class_[k][i];  // the class's share of the piece
    delays.v.push_back({std::max(0.0, p.replaced_s - first_request(k, i)), weight});
    after.v.push_back({p.replaced_s - s_.incident.decision_delay_s, weight});
    delays.total += weight;
  }
  after.total = delays.total;  // the same weights
  delays.sort(), after.sort();
  to_replace.p50 = delays.quantile(0.5), to_replace.p99 = delays.quantile(0.99);
  after_decision.p50 = after.quantile(0.5), after_decision.p99 = after.quantile(0.99);
  to_replace.measured = after_decision.measured = delays.total > 0;
  to_replace.resolution_s = after_decision.resolution_s = dt_;
}

// Per client class, from the fluid model: FIFO over the grid, so a class's share of any count of
// replaced requests is its share of the earliest requests; its delays are its intervals' delays.
std::vector<ClassOutcome> Analysis::class_outcomes(const Outcome& o, const std::vector<ServedPiece>& pieces) const {
  const double tolerance = 1e-9 * std::max(1.0, s_.workload.certificates);
  const size_t dl = index_at_or_before(s_.incident.deadline_s);
  const std::vector<double> by_deadline = class_replaced(o.replaced[dl]);
  // The sites that break are the last certificates in request order (bulk revocation goes from the last).
  const std::vector<double> kept = class_replaced(s_.workload.certificates - o.broken);
  std::vector<ClassOutcome> out;
  for (size_t k = 0; k < classes_.size(); ++k) {
    ClassOutcome c;
    c.name = classes_[k].name;
    c.kind = client_kind_name(classes_[k].kind);
    c.share = classes_[k].share;
    c.certificates = class_count_[k];
    c.replaced_by_deadline = std::min(class_count_[k], by_deadline[k]);
    if (o.bulk_start) c.revoked_before_replaced = std::max(0.0, class_count_[k] - kept[k]);
    double on_grid = 0;
    for (size_t i = 0; i < n_; ++i) {
      on_grid += d_class_[k][i];
      if (d_class_[k][i] > tolerance) c.last_request_s = t(i);
    }
    if (class_count_[k] - on_grid > tolerance) c.last_request_s.reset();  // some ask after the horizon
    class_delays(k, pieces, c.time_to_replace_s, c.replaced_after_decision_s);
    out.push_back(c);
  }
  return out;
}

}  // namespace surge::analytic_detail
