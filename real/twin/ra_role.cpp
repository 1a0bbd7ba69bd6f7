// The RA: Boulder's registration authority driving one order to a certificate (NewOrderAndAuthzs,
// FinalizeAuthorizations, SetOrderProcessing; the CA's precertificate; SCTs from logs of distinct
// operators through the publisher; the CA's certificate; the era's OCSP response; AddFQDNSet,
// FinalizeOrder); and revocation (the SA's commit, and the era's OCSP response) when the CA's incident
// tooling asks for it. CA signers are tried round robin and a
// signer that does not answer is dropped for the rest of the run, as an HA group's client would.
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <thread>

#include "real/twin/roles.hpp"

namespace surge::twin {
namespace {

constexpr int kMaxCtAttempts = 20;
constexpr int kLoggedErrors = 20;  // the first errors go to the node's log

struct Failed {
  grpc::Status status;
};
void check(const grpc::Status& s) {
  if (!s.ok()) throw Failed{s};
}

class RaService final : public RegistrationAuthority::Service {
 public:
  RaService(const NodeConfig& config, std::string issuer_der, Counters& counters)
      : config_(config),
        issuer_der_(std::move(issuer_der)),
        sa_(StorageAuthority::NewStub(channel_to(config.sa))),
        publisher_(Publisher::NewStub(channel_to(config.publisher))),
        counters_(counters),
        dead_(config.cas.size()) {
    for (const std::string& ca : config.cas) cas_.push_back(CertificateAuthority::NewStub(channel_to(ca)));
  }

  grpc::Status NewOrderAndFinalize(grpc::ServerContext*, const FinalizeRequest* r, Issued* out) override {
    return guarded([&] {
      const double start = now_s();
      const Order order = new_order(r->replaces());
      double t = now_s();
      counters_.latency("ra.new_order", t - start);
      Issued pre;
      std::vector<std::string> scts;
      if (config_.era != "seed-2021") {
        IssuePrecertificateRequest req;
        *req.mutable_order() = order;
        req.set_subscriber_public_key(r->subscriber_public_key());
        ca_call([&](CertificateAuthority::Stub& ca, grpc::ClientContext* c) {
          return ca.IssuePrecertificate(c, req, &pre);
        });
        t = stage("ca.precertificate", t);
        scts = get_scts(pre.der());
        t = stage("ct", t);
      }
      IssueCertificateRequest req;
      *req.mutable_order() = order;
      req.set_serial(pre.serial());
      req.set_precertificate(pre.der());
      for (const std::string& s : scts) req.add_scts(s);
      req.set_subscriber_public_key(r->subscriber_public_key());
      ca_call([&](CertificateAuthority::Stub& ca, grpc::ClientContext* c) {
        return ca.IssueCertificateForPrecertificate(c, req, out);
      });
      t = stage("ca.certificate", t);
      if (config_.era != "crl") ocsp(out->serial(), false);
      finalize(order, out->serial());
      stage("ra.finalize", t);
      counters_.add("issued");
      counters_.latency("ra.issuance", now_s() - start);
    });
  }

  grpc::Status RevokeCertificate(grpc::ServerContext*, const RevokeRequest* r, Empty*) override {
    return guarded([&] { revoke(r->serial(), r->reason()); });
  }

 private:
  template <typename Fn>
  grpc::Status guarded(Fn&& fn) {
    try {
      fn();
    } catch (const Failed& f) {
      if (errors_++ < kLoggedErrors)
        std::cerr << "ra: " << f.status.error_code() << ": " << f.status.error_message() << std::endl;
      counters_.add("errors");
      return f.status;
    }
    return grpc::Status::OK;
  }

  double stage(const std::string& name, double since) {
    const double t = now_s();
    counters_.latency(name, t - since);
    return t;
  }

  template <typename Call>
  void sa_call(Call&& call) {
    grpc::ClientContext c;
    check(call(&c));
  }

  // One call to a CA signer, round robin over the signers still answering (a dropped signer's turns are
  // shared by all the others, not taken by its successor); UNAVAILABLE drops a signer.
  template <typename Call>
  void ca_call(Call&& call) {
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < cas_.size(); ++i)
      if (!dead_[i]) live.push_back(i);
    const std::size_t first = next_++;
    for (std::size_t k = 0; k < live.size(); ++k) {
      const std::size_t i = live[(first + k) % live.size()];
      if (dead_[i]) continue;
      grpc::ClientContext c;
      const grpc::Status s = call(*cas_[i], &c);
      if (s.error_code() != grpc::StatusCode::UNAVAILABLE) return check(s);
      if (!dead_[i].exchange(true)) counters_.add("signers_lost");
      counters_.add("failovers");
    }
    throw Failed{grpc::Status(grpc::StatusCode::UNAVAILABLE, "no CA signer answers")};
  }

  std::int64_t registration() {
    std::call_once(registered_, [&] {
      Order o;
      sa_call([&](grpc::ClientContext* c) { return sa_->NewRegistration(c, Empty{}, &o); });
      registration_id_ = o.registration_id();
    });
    return registration_id_;
  }

  Order new_order(const std::string& replaces) {
    NewOrderRequest req;
    req.set_registration_id(registration());
    req.set_reuse(config_.authz_reuse);
    req.set_replaces(replaces);
    Order order;
    sa_call([&](grpc::ClientContext* c) { return sa_->NewOrderAndAuthzs(c, req, &order); });
    Empty e;
    if (order.new_authz_ids_size() > 0)
      sa_call([&](grpc::ClientContext* c) { return sa_->FinalizeAuthorizations(c, order, &e); });
    sa_call([&](grpc::ClientContext* c) { return sa_->SetOrderProcessing(c, order, &e); });
    return order;
  }

  void finalize(const Order& order, const std::string& serial) {
    AddCertificateRequest add;
    *add.mutable_order() = order;
    add.set_serial(serial);
    FinalizeOrderRequest fin;
    *fin.mutable_order() = order;
    fin.set_serial(serial);
    Empty e;
    sa_call([&](grpc::ClientContext* c) { return sa_->AddFQDNSet(c, add, &e); });
    sa_call([&](grpc::ClientContext* c) { return sa_->FinalizeOrder(c, fin, &e); });
  }

  void ocsp(const std::string& serial, bool revoked) {
    OcspRequest req;
    req.set_serial(serial);
    req.set_revoked(revoked);
    Signed out;
    ca_call([&](CertificateAuthority::Stub& ca, grpc::ClientContext* c) { return ca.GenerateOCSP(c, req, &out); });
  }

  void revoke(const std::string& serial, int reason = 4) {
    RevokeRequest req;
    req.set_serial(serial);
    req.set_reason(reason);
    Empty e;
    sa_call([&](grpc::ClientContext* c) { return sa_->RevokeCertificate(c, req, &e); });
    if (config_.era != "crl") ocsp(serial, true);
    counters_.add("revoked");
  }

  // An SCT from one of `operator_name`'s logs: each log in turn, waiting out a 429's Retry-After (1 s).
  std::string sct_from(const std::string& operator_name, const std::string& precertificate) {
    SubmitRequest req;
    req.set_precertificate(precertificate);
    req.set_issuer(issuer_der_);
    for (int attempt = 0; attempt < kMaxCtAttempts; ++attempt) {
      for (const LogEndpoint& log : config_.logs) {
        if (log.operator_name != operator_name) continue;
        req.set_log_url(log.url);
        SubmitResponse res;
        grpc::ClientContext c;
        const grpc::Status s = publisher_->SubmitToSingleCTWithResult(&c, req, &res);
        if (s.ok() && !res.sct().empty()) return res.sct();
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    throw Failed{grpc::Status(grpc::StatusCode::UNAVAILABLE, "no log of " + operator_name + " returned an SCT")};
  }

  // SCTs from `scts_required` distinct operators, submitted to all of them at once.
  std::vector<std::string> get_scts(const std::string& precertificate) {
    std::vector<std::string> operators;
    for (const LogEndpoint& l : config_.logs)
      if (std::find(operators.begin(), operators.end(), l.operator_name) == operators.end())
        operators.push_back(l.operator_name);
    const std::size_t need = std::min<std::size_t>(operators.size(), static_cast<std::size_t>(config_.scts_required));
    std::vector<std::future<std::string>> pending;
    for (std::size_t i = 0; i < need; ++i)
      pending.push_back(std::async(std::launch::async, [&, i] { return sct_from(operators[i], precertificate); }));
    std::vector<std::string> scts;
    for (auto& p : pending) scts.push_back(p.get());
    return scts;
  }

  const NodeConfig& config_;
  std::string issuer_der_;
  std::unique_ptr<StorageAuthority::Stub> sa_;
  std::unique_ptr<Publisher::Stub> publisher_;
  std::vector<std::unique_ptr<CertificateAuthority::Stub>> cas_;
  Counters& counters_;
  std::vector<std::atomic<bool>> dead_;
  std::atomic<std::size_t> next_{0};
  std::atomic<int> errors_{0};
  std::once_flag registered_;
  std::int64_t registration_id_ = 0;
};

}  // namespace

int serve_ra(const NodeConfig& config) {
  std::ifstream in(config.issuer_certificate, std::ios::binary);
  const std::string issuer{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Counters counters;
  RaService service(config, issuer, counters);
  return serve(service, counters, config);
}

}  // namespace surge::twin
