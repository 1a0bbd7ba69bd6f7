// The server loop every role shares, the Stats service, and the order conversion.
#include <signal.h>

#include <chrono>
#include <iostream>

#include "models/exit_codes.hpp"
#include "real/twin/roles.hpp"

namespace surge::twin {
namespace {

constexpr int kKeepalive_ms = 500;

class StatsService final : public Stats::Service {
 public:
  explicit StatsService(Counters& counters) : counters_(counters) {}
  grpc::Status Read(grpc::ServerContext*, const Empty*, CounterSet* out) override {
    for (const auto& [name, value] : counters_.read()) {
      Counter* c = out->add_counters();
      c->set_name(name);
      c->set_value(value);
    }
    return grpc::Status::OK;
  }

 private:
  Counters& counters_;
};

}  // namespace

void block_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
}

int serve(grpc::Service& service, Counters& counters, const NodeConfig& config) {
  StatsService stats(counters);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen + ":0", grpc::InsecureServerCredentials(), &port);
  // The clients' keepalive pings (channel_to) are welcome however often they come.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, kKeepalive_ms / 2);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.RegisterService(&service);
  builder.RegisterService(&stats);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "surge-twin-node " << config.name << ": cannot listen on " << config.listen << "\n";
    return kExitRuntime;
  }
  std::cout << "listening " << config.listen << ":" << port << std::endl;
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  int signal = 0;
  sigwait(&stop, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return kExitOk;
}

std::shared_ptr<grpc::Channel> channel_to(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // A peer across a cut link answers nothing, not even a reset: keepalive pings find it gone within
  // about a second, and the calls in flight fail UNAVAILABLE (the RA then fails over).
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepalive_ms);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepalive_ms);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

real::PendingOrder pending(const Order& o) {
  real::PendingOrder p;
  p.registration_id = o.registration_id();
  p.order_id = o.order_id();
  p.new_authz_ids.assign(o.new_authz_ids().begin(), o.new_authz_ids().end());
  p.names.assign(o.names().begin(), o.names().end());
  p.set_hash = o.set_hash();
  if (!o.replaces().empty()) p.replaces = o.replaces();
  return p;
}

Order wire(const real::PendingOrder& p) {
  Order o;
  o.set_registration_id(p.registration_id);
  o.set_order_id(p.order_id);
  for (std::int64_t id : p.new_authz_ids) o.add_new_authz_ids(id);
  for (const std::string& n : p.names) o.add_names(n);
  o.set_set_hash(p.set_hash);
  if (p.replaces) o.set_replaces(*p.replaces);
  return o;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace surge::twin
