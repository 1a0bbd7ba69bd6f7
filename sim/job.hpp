// A cohort's journey through the stations: the job a station serves, and the cohort's own state.
#pragma once

#include "models/clients.hpp"

namespace surge::sim::detail {

// An issuance's steps before its journey, each only where modelled: the data center's API, its VA, then
// the validation's DNS and HTTP latency (a delay); then the journey's first step.
constexpr int kApiStep = 0;
constexpr int kVaStep = 1;
constexpr int kLatencyStep = 2;

/// A cohort's journey: issue (RPCs to the writer, commits, signatures) or revoke (signature, RPC,
/// commit). Each step is a FIFO station. SIGN is background signing (OCSP re-signing, CRL shards): one
/// HSM step, no cohort (its `cohort` indexes the model's background work).
enum class JobKind { ISSUE, REVOKE, SIGN };
enum class Stage { NET, DB, HSM, CT };
constexpr int kSteps = 3;
constexpr Stage kIssueSteps[kSteps] = {Stage::NET, Stage::DB, Stage::HSM};
constexpr Stage kRevokeSteps[kSteps] = {Stage::HSM, Stage::NET, Stage::DB};
// With CT logs, an issuance's signatures are split around the SCTs: the precertificate's, then (once
// its SCTs are back) the certificate's and the rest, as DOMAIN.md orders them.
constexpr int kCtSteps = 5;
constexpr Stage kIssueCtSteps[kCtSteps] = {Stage::NET, Stage::DB, Stage::HSM, Stage::CT, Stage::HSM};
constexpr int kPrecertStep = 2;   // the precertificate's signature
constexpr int kFinalHsmStep = 4;  // the issuance's other signatures, after the SCTs
struct Job {
  int cohort = 0;
  JobKind kind = JobKind::ISSUE;
  int step = 0;
  double enqueued = 0;  // when it joined its current station
  double started = 0;   // when its (last) service there began
  bool ct = false;      // an issuance that waits for SCTs
  int front = 0;        // an issuance's next step before the journey (kApiStep...)
  double polls = 0;     // a batch of ARI polls at the API (cohort -1): its requests
  bool with_ct() const { return ct && kind == JobKind::ISSUE; }
  int steps() const { return kind == JobKind::SIGN ? 1 : with_ct() ? kCtSteps : kSteps; }
  Stage stage() const {
    if (kind == JobKind::SIGN) return Stage::HSM;
    return with_ct() ? kIssueCtSteps[step] : (kind == JobKind::ISSUE ? kIssueSteps : kRevokeSteps)[step];
  }
};

struct CohortState {
  Cohort c;
  int dc = -1;
  double replaced_s = -1;
  double revoked_s = -1;
  double admitted_s = -1;  // when the API admitted its order (its first request, without admission control)
  int rejections = 0;      // 503s its order was answered with
  bool arrived = false;
  bool revoke_queued = false;
  bool affected() const { return c.affected(); }
};

}  // namespace surge::sim::detail
