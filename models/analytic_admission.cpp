// The analytic planner's admission control: a fluid bound on the admitted, not yet issued certificates,
// applied forward on the grid before anything else reads the arrivals.
#include "analysis.hpp"

#include <algorithm>

namespace surge::analytic_detail {

// Admission control on the grid, forward in time: at t_i the certificates admitted and not yet issued
// are those admitted before t_i less those every resource has served by t_i (FIFO, as replaced_curve maps
// work back to requests); retries due at t_i are admitted first, then new requests, each group pro rata
// across classes, up to the bound; the refused ask again one Retry-After later (cron: one period later),
// on the grid, unless that is at or after the horizon. The admitted requests then replace the offered
// ones as the arrivals of everything that follows.
void Analysis::apply_admission() {
  const Admission& adm = s_.admission;
  if (!adm.enabled()) return;
  const size_t classes = classes_.size();
  auto steps_after = [&](double wait_s) { return std::max<size_t>(1, grid_index(wait_s, dt_)); };
  std::vector<size_t> retry_steps(classes);
  for (size_t k = 0; k < classes; ++k)
    retry_steps[k] = steps_after(classes_[k].kind == ClientKind::CRON ? classes_[k].period_s() : adm.retry_after_s);
  const size_t bg_retry_steps = steps_after(adm.retry_after_s);

  // Each resource's cumulative work admitted through each grid point, and its served-work recursion.
  struct Track {
    const Resource* r;
    CapacityTimeline cap;
    std::vector<double> cum_work;
    double best = kInf;  // min over s of (A(s-) - S(s)), as in served()
    size_t j = 0;        // interval where its served work currently falls
  };
  std::vector<Track> tracks;
  for (const Resource& r : res_)
    if (r.per_affected > 0 || r.per_background > 0)
      tracks.push_back(Track{&r, r.timeline, std::vector<double>(n_, 0.0)});
  std::vector<double> cum_certs(n_, 0.0);

  std::vector<std::vector<double>> pending(classes, std::vector<double>(n_, 0.0));  // retries due
  std::vector<std::vector<double>> pending_first(classes, std::vector<double>(n_, 0.0));
  std::vector<double> pending_bg(n_, 0.0), pending_bg_first(n_, 0.0);
  class_first_.assign(classes, std::vector<double>(n_, 0.0));
  class_rejected_requests_.assign(classes, 0.0);
  class_rejected_certificates_.assign(classes, 0.0);

  for (size_t i = 0; i < n_; ++i) {
    const double admitted_before = i > 0 ? cum_certs[i - 1] : 0;
    double issued = admitted_before;
    for (Track& tr : tracks) {
      const double S = tr.cap.cumulative(t(i));
      const double arrived = i > 0 ? tr.cum_work[i - 1] : 0;
      tr.best = std::min(tr.best, arrived - S);
      const double served = tr.best + S;  // work arriving at t_i is served from t_(i+1) on
      while (tr.j + 1 < i && tr.cum_work[tr.j] < served * (1 - 1e-12)) ++tr.j;
      if (i == 0) continue;
      const double before = tr.j > 0 ? tr.cum_work[tr.j - 1] : 0;
      const double span = tr.cum_work[tr.j] - before;
      const double frac = span > 0 ? std::clamp((served - before) / span, 0.0, 1.0) : 1.0;
      const double certs_before = tr.j > 0 ? cum_certs[tr.j - 1] : 0;
      issued = std::min(issued, certs_before + frac * (cum_certs[tr.j] - certs_before));
    }
    double room = std::max(0.0, adm.queue_certificates - (admitted_before - issued));

    // Retries first, then first requests; each group pro rata over the classes and the background.
    double retries = pending_bg[i], fresh = d_background_[i];
    for (size_t k = 0; k < classes; ++k) {
      retries += pending[k][i];
      fresh += d_class_[k][i];
    }
    const double take_retries = retries > 0 ? std::min(1.0, room / retries) : 1.0;
    room -= take_retries * retries;
    const double take_fresh = fresh > 0 ? std::min(1.0, std::max(0.0, room) / fresh) : 1.0;

    // Admits a share of one group's requests and sends the rest back `steps` later; returns the admitted.
    auto admit = [&](double requests, double first_sum, double take, size_t steps, std::vector<double>& due,
                     std::vector<double>& due_first, double& admitted_first) {
      const double in = take * requests, out = requests - in;
      admitted_first += take * first_sum;
      if (out > 0) {
        rejected_requests_ += out;
        if (i + steps < n_) {
          due[i + steps] += out;
          due_first[i + steps] += (1 - take) * first_sum;
        }
      }
      return in;
    };
    double admitted_affected = 0, admitted_bg = 0;
    for (size_t k = 0; k < classes; ++k) {
      double first = 0;
      const double retried = pending[k][i], asked = d_class_[k][i];
      const double in_retry =
          admit(retried, pending_first[k][i], take_retries, retry_steps[k], pending[k], pending_first[k], first);
      admission_delay_total_s_ += in_retry * t(i) - first;
      delayed_admitted_ += in_retry;
      const double in_fresh =
          admit(asked, asked * t(i), take_fresh, retry_steps[k], pending[k], pending_first[k], first);
      class_rejected_requests_[k] += (retried - in_retry) + (asked - in_fresh);
      class_rejected_certificates_[k] += asked - in_fresh;
      rejected_certificates_ += asked - in_fresh;
      d_class_[k][i] = in_retry + in_fresh;
      class_first_[k][i] = first;
      admitted_affected += d_class_[k][i];
    }
    {
      double first = 0;
      const double retried = pending_bg[i], asked = d_background_[i];
      const double in_retry =
          admit(retried, pending_bg_first[i], take_retries, bg_retry_steps, pending_bg, pending_bg_first, first);
      admission_delay_total_s_ += in_retry * t(i) - first;
      delayed_admitted_ += in_retry;
      const double in_fresh =
          admit(asked, asked * t(i), take_fresh, bg_retry_steps, pending_bg, pending_bg_first, first);
      rejected_certificates_ += asked - in_fresh;
      d_background_[i] = admitted_bg = in_retry + in_fresh;
    }
    d_affected_[i] = admitted_affected;
    cum_certs[i] = admitted_before + admitted_affected + admitted_bg;
    for (Track& tr : tracks)
      tr.cum_work[i] = (i > 0 ? tr.cum_work[i - 1] : 0) + admitted_affected * tr.r->per_affected +
                       admitted_bg * tr.r->per_background;
  }
  summarise_arrivals();
}

}  // namespace surge::analytic_detail
