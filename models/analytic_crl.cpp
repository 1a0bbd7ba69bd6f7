// The analytic planner's CRL era: the revoked curve, crl-updater's generations and their publication.
#include "models/analysis.hpp"

#include <algorithm>

#include "models/workload.hpp"

namespace surge::analytic_detail {

// Affected certificates revoked by a time: each replaced one right after its replacement, then the bulk
// revocation's at an even pace.
double Analysis::revoked_by(const Outcome& o, double time) const {
  const double N = s_.workload.certificates;
  const size_t i = index_at_or_before(time);
  if (!o.bulk_start || time < *o.bulk_start) return std::min(N, o.replaced[i]);
  const double tb = *o.bulk_start;
  const double frac = o.revocation_end > tb ? std::clamp((time - tb) / (o.revocation_end - tb), 0.0, 1.0) : 1.0;
  return std::min(N, o.replaced_at_bulk + o.remaining_at_bulk * frac);
}

// CRL era: crl-updater's generations at t = 0, P, 2P, ... each read the rows revoked by then (the fluid
// revoked curve), sign every shard and upload them, each step alone on its path (latency + bytes over
// the narrowest link). Revocation is published when the first generation at or after the last
// revocation has uploaded; the run ends there (or at the horizon), as the simulator's does.
CrlOutcome Analysis::crl_outcome(const Outcome& o) const {
  CrlOutcome c;
  const double N = s_.workload.certificates;
  const double horizon = s_.incident.horizon_s;
  const std::vector<LinkProps> links = topo_.links();
  auto revoked_at = [&](double time) { return revoked_by(o, time); };
  auto path_s = [&](int from, int to, double bytes) {
    double narrowest = kInf, latency = 0;
    for (const RouteHop& hop : topo_.route(from, to)) {
      narrowest = std::min(narrowest, links[static_cast<size_t>(hop.link)].bandwidth_Bps);
      latency += links[static_cast<size_t>(hop.link)].latency_s;
    }
    return latency + (bytes > 0 ? bytes / narrowest : 0.0);
  };
  const bool upload = cloud_ >= 0 && !topo_.route(crl_ca_, cloud_).empty();
  const double signatures = issuer_count(s_) * s_.workload.crl_shards;
  const double signing_s = signatures / res_[static_cast<size_t>(hsm_)].timeline.at(horizon);
  struct Generation {
    double at, read, bytes, done;
  };
  std::vector<Generation> generations;
  for (double at = 0; at < horizon; at += s_.workload.crl_period_s) {
    const double entries = revoked_at(at);
    Generation g{at, entries * cost_.crl_read_bytes_per_revocation, entries * cost_.crl_upload_bytes_per_revocation, 0};
    g.done = at + path_s(crl_db_, crl_ca_, g.read) + signing_s + (upload ? path_s(crl_ca_, cloud_, g.bytes) : 0);
    generations.push_back(g);
    if (N > 0 && o.revocation_end <= at && !c.published_s && g.done <= horizon) c.published_s = g.done;
  }
  // The run ends once everything is replaced and revoked and the revocations are published.
  c.run_end_s = std::min(horizon, std::max({o.completion, o.revocation_end, c.published_s.value_or(kInf)}));
  for (const Generation& g : generations) {
    if (g.at >= c.run_end_s) break;
    c.signatures += signatures;
    c.bytes_read += g.read;
    if (upload && g.done <= c.run_end_s) c.bytes_uploaded += g.bytes;
  }
  return c;
}

}  // namespace surge::analytic_detail
