// A CA signer: Boulder's CA on one HSM member token. It picks serials, builds precertificates,
// certificates (with the SCTs the RA brings), OCSP responses and CRL shards with OpenSSL, signs each
// on the token (sessions lent one at a time), and records issuance in the SA as Boulder's CA does:
// AddSerial, AddPrecertificate and SetCertificateStatusReady for a precertificate, AddCertificate for
// a certificate. Signatures are counted by what they cover.
#include <openssl/rand.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "models/exit_codes.hpp"
#include "real/legacy_key.hpp"
#include "real/pin.hpp"
#include "real/revocation_structures.hpp"
#include "real/sct.hpp"
#include "real/structures.hpp"
#include "real/twin/pacer.hpp"
#include "real/twin/roles.hpp"

namespace surge::twin {
namespace {

constexpr int kSerialBytes = 18;  // as Boulder's serials
constexpr unsigned char kSerialPrefix = 0x5e;

struct Session {
  CK_SESSION_HANDLE handle = 0;
};

class CaService final : public CertificateAuthority::Service {
 public:
  CaService(const NodeConfig& config, real::Pkcs11Module& module, const real::KeyPair& key, Pool<Session>& sessions,
            std::vector<unsigned char> issuer_der, Counters& counters)
      : config_(config),
        module_(module),
        key_(key),
        sessions_(sessions),
        issuer_der_(std::move(issuer_der)),
        sa_(StorageAuthority::NewStub(channel_to(config.sa))),
        counters_(counters),
        pacer_(config.rate_per_s, config.sessions) {
    sign_ = [this](const std::vector<unsigned char>& digest) {
      const double asked = now_s();
      pacer_.acquire();
      auto s = sessions_.borrow();
      const double start = now_s();
      std::vector<unsigned char> out = module_.sign_digest(s->handle, key_, digest);
      const double done = now_s();
      counters_.latency("sign", done - start);
      counters_.latency("stage.sign", done - asked);  // the HSM stage: the member's pace, a session, the signature
      return out;
    };
    pkey_ = real::hsm_pkey(key_, &sign_);
  }

  grpc::Status IssuePrecertificate(grpc::ServerContext*, const IssuePrecertificateRequest* r, Issued* out) override {
    return guarded([&] {
      const std::string serial = add_serial(r->order());
      const std::vector<unsigned char> der = issue(r->order(), r->subscriber_public_key(), serial, true);
      counters_.add("signatures.precert");
      record(&StorageAuthority::Stub::AddPrecertificate, r->order(), serial, der);
      Serial s;
      s.set_serial(serial);
      check(call([&](grpc::ClientContext* c, Empty* e) { return sa_->SetCertificateStatusReady(c, s, e); }));
      out->set_serial(serial);
      out->set_der(der.data(), der.size());
    });
  }

  grpc::Status IssueCertificateForPrecertificate(grpc::ServerContext*, const IssueCertificateRequest* r,
                                                 Issued* out) override {
    return guarded([&] {
      std::string serial = r->serial();
      std::vector<unsigned char> der;
      if (r->precertificate().empty()) {  // the seed's counting: no precertificate
        serial = add_serial(r->order());
        der = issue(r->order(), r->subscriber_public_key(), serial, false);
        record(&StorageAuthority::Stub::AddPrecertificate, r->order(), serial, der);
      } else {
        std::vector<real::Bytes> scts;
        for (const std::string& s : r->scts()) scts.emplace_back(s.begin(), s.end());
        const std::vector<unsigned char> pre(r->precertificate().begin(), r->precertificate().end());
        der = real::certificate_for_precertificate(key_.type, pre, scts.empty() ? real::Bytes{} : real::sct_list(scts),
                                                   sign_);
      }
      counters_.add("signatures.cert");
      record(&StorageAuthority::Stub::AddCertificate, r->order(), serial, der);
      out->set_serial(serial);
      out->set_der(der.data(), der.size());
    });
  }

  grpc::Status GenerateOCSP(grpc::ServerContext*, const OcspRequest* r, Signed* out) override {
    return guarded([&] {
      const auto der = real::ocsp_response_for_serial(key_.type, issuer_der_, pkey_.get(), r->serial(), r->revoked());
      counters_.add("signatures.ocsp");
      out->set_der(der.data(), der.size());
    });
  }

  grpc::Status GenerateCRL(grpc::ServerContext*, const CrlRequest* r, Signed* out) override {
    return guarded([&] {
      const std::vector<std::string> serials(r->serials().begin(), r->serials().end());
      const auto der = real::crl_for_serials(key_.type, issuer_der_, pkey_.get(), r->shard(), serials);
      counters_.add("signatures.crl");
      out->set_der(der.data(), der.size());
    });
  }

 private:
  // A failed SA call, carried out as the RPC's status.
  struct Failed {
    grpc::Status status;
  };
  static void check(const grpc::Status& s) {
    if (!s.ok()) throw Failed{s};
  }
  template <typename Fn>
  grpc::Status guarded(Fn&& fn) {
    try {
      fn();
    } catch (const Failed& f) {
      return f.status;
    } catch (const std::exception& e) {
      if (errors_++ < 20) std::cerr << "ca: " << e.what() << std::endl;
      counters_.add("errors");
      return grpc::Status(grpc::StatusCode::INTERNAL, e.what());
    }
    return grpc::Status::OK;
  }
  template <typename Fn>
  grpc::Status call(Fn&& fn) {
    grpc::ClientContext c;
    Empty e;
    return fn(&c, &e);
  }

  std::string add_serial(const Order& order) {
    unsigned char bytes[kSerialBytes];
    RAND_bytes(bytes, sizeof bytes);
    bytes[0] = kSerialPrefix;
    static const char* hex = "0123456789abcdef";
    std::string serial;
    for (unsigned char b : bytes) serial += {hex[b >> 4], hex[b & 15]};
    record(&StorageAuthority::Stub::AddSerial, order, serial, {});
    return serial;
  }

  std::vector<unsigned char> issue(const Order& order, const std::string& subscriber_key, const std::string& serial,
                                   bool precertificate) {
    real::CertificateContents contents;
    contents.names.assign(order.names().begin(), order.names().end());
    contents.precertificate = precertificate;
    for (size_t i = 0; i < serial.size(); i += 2)
      contents.serial.push_back(static_cast<unsigned char>(std::stoi(serial.substr(i, 2), nullptr, 16)));
    const std::vector<unsigned char> subscriber(subscriber_key.begin(), subscriber_key.end());
    return real::issue_certificate(key_.type, key_.public_der, subscriber, contents, sign_);
  }

  using AddCall = grpc::Status (StorageAuthority::Stub::*)(grpc::ClientContext*, const AddCertificateRequest&, Empty*);
  void record(AddCall method, const Order& order, const std::string& serial, const std::vector<unsigned char>& der) {
    AddCertificateRequest req;
    *req.mutable_order() = order;
    req.set_serial(serial);
    req.set_der(der.data(), der.size());
    check(call([&](grpc::ClientContext* c, Empty* e) { return (sa_.get()->*method)(c, req, e); }));
  }

  const NodeConfig& config_;
  real::Pkcs11Module& module_;
  real::KeyPair key_;
  Pool<Session>& sessions_;
  std::vector<unsigned char> issuer_der_;
  std::unique_ptr<StorageAuthority::Stub> sa_;
  Counters& counters_;
  Pacer pacer_;
  real::DigestSigner sign_;
  real::HsmPkey pkey_;
  std::atomic<int> errors_{0};
};

std::vector<unsigned char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw real::HsmError("cannot read the issuer certificate " + path, real::HsmError::Kind::CONFIGURATION);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int serve_ca(const NodeConfig& config) {
  Counters counters;
  Pool<Session> sessions;
  try {
    const real::Pin pin = real::pin_from_environment();
    auto module = std::make_unique<real::Pkcs11Module>(config.module);
    const CK_SLOT_ID slot = module->slot_by_label(config.token);
    real::KeyPair key;
    for (int i = 0; i < config.sessions; ++i) {
      auto s = std::make_unique<Session>();
      s->handle = module->open_session(slot);
      if (i == 0) {
        module->login(s->handle, pin.value());
        key = module->find_key(s->handle, config.key_label);
      }
      sessions.add(std::move(s));
    }
    pin.wipe();
    const std::vector<unsigned char> issuer = read_file(config.issuer_certificate);
    key.public_der = real::certificate_public_key(issuer);
    CaService service(config, *module, key, sessions, issuer, counters);
    const int code = serve(service, counters, config);
    module.release();  // the module stays loaded until exit (finalising it under live sessions can hang)
    return code;
  } catch (const real::PinError& e) {
    std::cerr << "surge-twin-node " << config.name << ": " << e.what() << "\n";
    return kExitBadInput;
  } catch (const real::HsmError& e) {
    std::cerr << "surge-twin-node " << config.name << ": " << e.what() << "\n";
    return e.exit_code();
  }
}

}  // namespace surge::twin
