// The SA: Boulder's storage authority on MariaDB, one SA call per commit (real/sa_operations), over a
// pool of connections. Every acknowledged commit is counted by call.
#include <iostream>

#include "models/exit_codes.hpp"
#include "real/ct_log.hpp"
#include "real/pin.hpp"
#include "real/sct.hpp"
#include "real/twin/pacer.hpp"
#include "real/twin/roles.hpp"

namespace surge::twin {
namespace {

constexpr std::int64_t kIssuerId = 1;
constexpr std::size_t kPrefillBatch = 500;

// One connection and the writer on it.
struct Writer {
  std::unique_ptr<real::DbConnection> c;
  std::unique_ptr<real::SyntheticData> data;
  std::unique_ptr<real::SaWriter> sa;
};

class SaService final : public StorageAuthority::Service {
 public:
  // One paced server (the twin's writer has one connection in the model), over the pool's connections.
  SaService(Pool<Writer>& pool, Counters& counters, double rate) : pool_(pool), counters_(counters), pacer_(rate, 1) {}

  grpc::Status NewRegistration(grpc::ServerContext*, const Empty*, Order* out) override {
    return call([&](real::SaWriter& sa) { out->set_registration_id(sa.new_registration()); });
  }
  grpc::Status NewOrderAndAuthzs(grpc::ServerContext*, const NewOrderRequest* r, Order* out) override {
    return call([&](real::SaWriter& sa) {
      std::optional<std::string> replaces;
      if (!r->replaces().empty()) replaces = r->replaces();
      *out = wire(sa.new_order(r->registration_id(), r->reuse(), replaces));
    });
  }
  grpc::Status FinalizeAuthorizations(grpc::ServerContext*, const Order* o, Empty*) override {
    return call([&](real::SaWriter& sa) { sa.finalize_authorizations(pending(*o)); }, o->new_authz_ids_size());
  }
  grpc::Status SetOrderProcessing(grpc::ServerContext*, const Order* o, Empty*) override {
    return call([&](real::SaWriter& sa) { sa.set_order_processing(pending(*o)); });
  }
  grpc::Status AddSerial(grpc::ServerContext*, const AddCertificateRequest* r, Empty*) override {
    return call([&](real::SaWriter& sa) { sa.add_serial(pending(r->order()), r->serial()); });
  }
  grpc::Status AddPrecertificate(grpc::ServerContext*, const AddCertificateRequest* r, Empty*) override {
    return call([&](real::SaWriter& sa) {
      // keyHashToSerial: a hash standing for the subscriber key's (the precertificate's, 32 bytes).
      const real::Bytes der(r->der().begin(), r->der().end());
      const real::Bytes hash = real::sha256(der);
      sa.add_precertificate(pending(r->order()), r->serial(), r->der(), std::string(hash.begin(), hash.end()));
    });
  }
  grpc::Status SetCertificateStatusReady(grpc::ServerContext*, const Serial* r, Empty*) override {
    return call([&](real::SaWriter& sa) { sa.set_status_ready(r->serial()); });
  }
  grpc::Status AddCertificate(grpc::ServerContext*, const AddCertificateRequest* r, Empty*) override {
    return call([&](real::SaWriter& sa) {
      // Boulder's digest column: the certificate's SHA-256, base64.
      const real::Bytes der(r->der().begin(), r->der().end());
      sa.add_certificate(pending(r->order()), r->serial(), real::base64(real::sha256(der)), r->der());
    });
  }
  grpc::Status AddFQDNSet(grpc::ServerContext*, const AddCertificateRequest* r, Empty*) override {
    return call([&](real::SaWriter& sa) { sa.add_fqdn_set(pending(r->order()), r->serial()); });
  }
  grpc::Status FinalizeOrder(grpc::ServerContext*, const FinalizeOrderRequest* r, Empty*) override {
    return call([&](real::SaWriter& sa) { sa.finalize_order(pending(r->order()), r->serial()); });
  }
  grpc::Status RevokeCertificate(grpc::ServerContext*, const RevokeRequest* r, Empty*) override {
    return call([&](real::SaWriter& sa) { sa.revoke(r->serial(), r->reason()); });
  }
  grpc::Status RevokedSerials(grpc::ServerContext*, const ShardRequest* r, Serials* out) override {
    return call([&](real::SaWriter& sa) {
      for (const std::string& s : sa.revoked_serials(r->shard(), r->shards() > 0 ? r->shards() : 128))
        out->add_serials(s);
    });
  }
  grpc::Status Prefill(grpc::ServerContext*, const PrefillRequest* r, Empty*) override {
    auto w = pool_.borrow();
    try {
      prefill(*w->c, r->registration_id(), {r->serials().begin(), r->serials().end()});
    } catch (const std::exception& e) {
      return grpc::Status(grpc::StatusCode::INTERNAL, e.what());
    }
    return grpc::Status::OK;
  }

 private:
  // One SA call: paced at the writer's commits/s (one commit each, FinalizeAuthorizations one per
  // new authorization), on a connection of the pool.
  template <typename Fn>
  grpc::Status call(Fn&& fn, int commits = 1) {
    const double asked = now_s();
    for (int i = 0; i < commits; ++i) pacer_.acquire();
    auto w = pool_.borrow();
    try {
      fn(*w->sa);
    } catch (const real::DbError& e) {
      if (errors_++ < 20) std::cerr << "sa: " << e.what() << std::endl;
      counters_.add("errors");
      return grpc::Status(e.connection_lost() ? grpc::StatusCode::UNAVAILABLE : grpc::StatusCode::INTERNAL, e.what());
    }
    counters_.latency("stage.call", now_s() - asked);  // the writer's stage: its pace, a connection, the commits
    return grpc::Status::OK;
  }

  // The old certificates, issued before the incident: a serial and a 'good' status row each.
  static void prefill(real::DbConnection& c, std::int64_t registration, const std::vector<std::string>& serials) {
    auto serial = c.prepare(real::sa_sql::kInsertSerial);
    auto status = c.prepare(real::sa_sql::kInsertCertificateStatus);
    auto ready = c.prepare(real::sa_sql::kSetStatusReady);
    for (std::size_t i = 0; i < serials.size(); i += kPrefillBatch) {
      c.begin();
      for (std::size_t k = i; k < std::min(serials.size(), i + kPrefillBatch); ++k) {
        serial->execute({registration, serials[k]});
        status->execute({serials[k], kIssuerId});
        ready->execute({serials[k]});
      }
      c.commit();
    }
  }

  Pool<Writer>& pool_;
  Counters& counters_;
  Pacer pacer_;
  std::atomic<int> errors_{0};
};

}  // namespace

int serve_sa(const NodeConfig& config) {
  real::DbTarget target;
  target.host = config.db_host;
  target.port = config.db_port;
  target.user = config.db_user;
  target.database = config.db_database;
  target.socket = config.db_socket;
  Counters counters;
  Pool<Writer> pool;
  try {
    const real::Pin password = real::pin_from_environment("SURGE_DB_PASSWORD", "the database password");
    target.password = password.value();
    for (int i = 0; i < config.db_connections; ++i) {
      auto w = std::make_unique<Writer>();
      w->c = real::connect_mariadb(target);
      w->data = std::make_unique<real::SyntheticData>(config.seed, static_cast<std::uint64_t>(i) + 1);
      w->sa = std::make_unique<real::SaWriter>(*w->c, *w->data);
      w->sa->observe([&counters](const std::string& call, double seconds, std::uint64_t, std::uint64_t) {
        counters.add("commits." + call);
        counters.add("commits");
        counters.latency("commit." + call, seconds);
      });
      pool.add(std::move(w));
    }
    target.password.assign(target.password.size(), '\0');
  } catch (const real::PinError& e) {
    std::cerr << "surge-twin-node " << config.name << ": " << e.what() << "\n";
    return kExitBadInput;
  } catch (const real::DbError& e) {
    std::cerr << "surge-twin-node " << config.name << ": cannot connect to the database: " << e.what() << "\n";
    return e.configuration() ? kExitBadInput : kExitRuntime;
  }
  SaService service(pool, counters, config.rate_per_s);
  return serve(service, counters, config);
}

}  // namespace surge::twin
