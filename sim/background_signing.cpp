#include "sim/model.hpp"

#include <xbt/log.h>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(background_signing, surge_sim,
                                "surge: background signing: ocsp-updater's re-signing and crl-updater's shards");

namespace surge::sim::detail {
namespace {
constexpr double kBackgroundBatch_s = 60.0;  // ocsp-updater hands the HSMs its re-signing this often
}  // namespace

// Queues background signatures at the HSMs as one job.
void Model::sign_in_background(BackgroundWork work) {
  background_.push_back(std::move(work));
  enqueue(Job{static_cast<int>(background_.size() - 1), JobKind::SIGN, 0});
}

// OCSP re-signing goes where issuance signatures would (the router); CRL shards to the HSMs of the
// crl-updater's data center while they can sign. Nothing left that can sign: the work is lost. Either
// joins the front of its queue (OCSP: issuance's, CRL: revocation's): ocsp-updater and crl-updater are
// clients of the HSMs of their own, served alongside the CA rather than behind its backlog, so that
// issuance gets what they leave of the capacity.
void Model::enqueue_background(Job j, bool /*front*/) {
  BackgroundWork& b = background_[static_cast<size_t>(j.cohort)];
  j.enqueued = sg4::Engine::get_clock();
  if (b.dc < 0 || !dc_up_[static_cast<size_t>(b.dc)] || !dc_can_sign(b.dc))
    b.dc = route_dc(b.signatures, 0);  // balanced as reference-key work
  if (b.dc < 0) {
    if (b.done) b.done->release();
    return;
  }
  hsm_[static_cast<size_t>(b.dc)].queue.push(j, b.crl, true, 0);
}

void Model::background_signed(const Job& j) {
  BackgroundWork& b = background_[static_cast<size_t>(j.cohort)];
  (b.crl ? crl_signed_ : ocsp_signed_) += b.signatures;
  if (b.done) b.done->release();
}

// ocsp-updater: every unexpired response re-signed once per period, as a steady background from t = 0,
// handed to the HSMs in batches in the issuance (normal) queue.
void Model::ocsp_updater() {
  const double period = s_.step(kBackgroundBatch_s);
  const double batch = cost_.ocsp_resign_signatures_per_s * period;
  for (double at = 0; at < s_.incident.horizon_s; at += period) {
    sg4::this_actor::sleep_until(at);
    ++activities_;
    sign_in_background(BackgroundWork{batch, false, -1, {}});
  }
}

// crl-updater, in the writer's data center: at t = 0, P, 2P, ... it reads the revoked rows committed so
// far from the DB (a replica there if one is up, else the writer), signs every shard of every issuer in
// the revocation queue, and uploads the shards to the cloud. Revocation is public once an upload that
// includes the last affected revocation ends.
void Model::crl_updater() {
  const double signatures = issuer_count(s_) * s_.workload.crl_shards;
  const int cloud = topo_.find("cloud");
  for (double at = 0; at < s_.incident.horizon_s; at += s_.workload.crl_period_s) {
    sg4::this_actor::sleep_until(at);
    if (!writer_up_) {
      XBT_INFO("CRL generation skipped: no DB writer");
      continue;
    }
    const double entries = revoked_;
    const bool complete = affected_total_ > 0 && revoked_ >= affected_total_;
    const int dc = topo_.node(writer_).dc;
    const int ca = topo_.find(host_name(s_.data_centers[static_cast<size_t>(dc)].name, "ca"));
    int db = writer_;
    for (int r : topo_.replicas(dc))
      if (up(r) && db == writer_) db = r;
    try {
      send(db, ca, entries * cost_.crl_read_bytes_per_revocation, true);
      BackgroundWork work{signatures, true, dc, sg4::Semaphore::create(0)};
      const sg4::SemaphorePtr done = work.done;
      sign_in_background(std::move(work));
      done->acquire();
      const double bytes = entries * cost_.crl_upload_bytes_per_revocation;
      if (cloud >= 0 && !route(ca, cloud).empty()) {  // no WAN link to the cloud: nowhere to upload
        send(ca, cloud, bytes, true);
        crl_uploaded_ += bytes;
      }
    } catch (const std::exception&) {
      XBT_INFO("CRL generation of t = %.0f s failed", at);
      continue;
    }
    if (complete && !published_) published_ = sg4::Engine::get_clock();
  }
}

}  // namespace surge::sim::detail
