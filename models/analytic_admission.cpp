// The analytic planner's admission control: a fluid bound on the admitted, not yet issued certificates,
// applied forward on the grid before anything else reads the arrivals.
#include "models/analysis.hpp"

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
  AdmissionState a = admission_start();
  class_first_.assign(classes, std::vector<double>(n_, 0.0));
  class_rejected_requests_.assign(classes, 0.0);
  class_rejected_certificates_.assign(classes, 0.0);

  for (size_t i = 0; i < n_; ++i) {
    const double admitted_before = i > 0 ? a.cum_certs[i - 1] : 0;
    const double issued = issued_by(i, admitted_before, a);
    double room = std::max(0.0, adm.queue_certificates - (admitted_before - issued));

    // Retries first, then first requests; each group pro rata over the classes and the background.
    double retries = a.background.due[i], fresh = d_background_[i];
    for (size_t k = 0; k < classes; ++k) {
      retries += a.classes[k].due[i];
      fresh += d_class_[k][i];
    }
    const double take_retries = retries > 0 ? std::min(1.0, room / retries) : 1.0;
    room -= take_retries * retries;
    const double take_fresh = fresh > 0 ? std::min(1.0, std::max(0.0, room) / fresh) : 1.0;

    double admitted_affected = 0;
    for (size_t k = 0; k < classes; ++k) {
      const double asked = d_class_[k][i];
      const AdmittedGroup g = admit_group(i, a.classes[k], asked, take_retries, take_fresh);
      class_rejected_requests_[k] += (g.retried - g.in_retry) + (asked - g.in_fresh);
      class_rejected_certificates_[k] += asked - g.in_fresh;
      d_class_[k][i] = g.in_retry + g.in_fresh;
      class_first_[k][i] = g.first;
      admitted_affected += d_class_[k][i];
    }
    const AdmittedGroup bg = admit_group(i, a.background, d_background_[i], take_retries, take_fresh);
    const double admitted_bg = d_background_[i] = bg.in_retry + bg.in_fresh;
    d_affected_[i] = admitted_affected;
    a.cum_certs[i] = admitted_before + admitted_affected + admitted_bg;
    for (AdmissionState::Track& tr : a.tracks)
      tr.cum_work[i] = (i > 0 ? tr.cum_work[i - 1] : 0) + admitted_affected * tr.r->per_affected +
                       admitted_bg * tr.r->per_background;
  }
  summarise_arrivals();
}

AdmissionState Analysis::admission_start() const {
  const Admission& adm = s_.admission;
  auto steps_after = [&](double wait_s) { return std::max<size_t>(1, grid_index(wait_s, dt_)); };
  AdmissionState a;
  for (const Resource& r : res_)
    if (r.per_affected > 0 || r.per_background > 0)
      a.tracks.push_back(AdmissionState::Track{&r, r.timeline, std::vector<double>(n_, 0.0)});
  a.cum_certs.assign(n_, 0.0);
  for (const ClientClass& c : classes_) {
    const double wait_s = c.kind == ClientKind::CRON ? c.period_s(s_.clients) : adm.retry_after_s;
    a.classes.push_back(
        AdmissionState::Retries{std::vector<double>(n_, 0.0), std::vector<double>(n_, 0.0), steps_after(wait_s)});
  }
  a.background = AdmissionState::Retries{std::vector<double>(n_, 0.0), std::vector<double>(n_, 0.0),
                                         steps_after(adm.retry_after_s)};
  return a;
}

// The certificates issued by t_i: the fewest any resource has served, mapping its served work back to the
// admitted certificates (FIFO, as replaced_curve does). Moves each track's served-work recursion to t_i.
double Analysis::issued_by(size_t i, double admitted_before, AdmissionState& a) const {
  double issued = admitted_before;
  for (AdmissionState::Track& tr : a.tracks) {
    const double S = tr.cap.cumulative(t(i));
    const double arrived = i > 0 ? tr.cum_work[i - 1] : 0;
    tr.best = std::min(tr.best, arrived - S);
    const double served = tr.best + S;  // work arriving at t_i is served from t_(i+1) on
    while (tr.j + 1 < i && tr.cum_work[tr.j] < served * (1 - 1e-12)) ++tr.j;
    if (i == 0) continue;
    const double before = tr.j > 0 ? tr.cum_work[tr.j - 1] : 0;
    const double span = tr.cum_work[tr.j] - before;
    const double frac = span > 0 ? std::clamp((served - before) / span, 0.0, 1.0) : 1.0;
    const double certs_before = tr.j > 0 ? a.cum_certs[tr.j - 1] : 0;
    issued = std::min(issued, certs_before + frac * (a.cum_certs[tr.j] - certs_before));
  }
  return issued;
}

AdmittedGroup Analysis::admit_group(size_t i, AdmissionState::Retries& g, double asked, double take_retries,
                                    double take_fresh) {
  AdmittedGroup a;
  a.retried = g.due[i];
  a.in_retry = admit(i, g, a.retried, g.due_first[i], take_retries, a.first);
  admission_delay_total_s_ += a.in_retry * t(i) - a.first;
  delayed_admitted_ += a.in_retry;
  a.in_fresh = admit(i, g, asked, asked * t(i), take_fresh, a.first);
  rejected_certificates_ += asked - a.in_fresh;
  return a;
}

double Analysis::admit(size_t i, AdmissionState::Retries& g, double requests, double first_sum, double take,
                       double& admitted_first) {
  const double in = take * requests, out = requests - in;
  admitted_first += take * first_sum;
  if (out > 0) {
    rejected_requests_ += out;
    if (i + g.steps < n_) {
      g.due[i + g.steps] += out;
      g.due_first[i + g.steps] += (1 - take) * first_sum;
    }
  }
  return in;
}

}  // namespace surge::analytic_detail
