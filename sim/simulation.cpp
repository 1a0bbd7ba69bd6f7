#include "sim/simulation.hpp"

#include <xbt/log.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <chrono>

#include "models/broken_sites.hpp"
#include "models/resources.hpp"
#include "sim/child_process.hpp"
#include "sim/model.hpp"

XBT_LOG_NEW_DEFAULT_CATEGORY(surge_sim, "surge: the incident simulation");

namespace surge::sim {
namespace detail {

// The job's service-time factor (mean 1) at its station: drawn from a stream of its own, keyed by
// station, cohort and kind, so that two scenarios with one seed give the same entity the same draw
// (common random numbers).
double Model::service_factor(const Job& j) const {
  if (j.kind == JobKind::SIGN) return 1.0;  // background batches: their size is their rate x the batch
  const Stage st = j.stage();
  const Distribution& d = st == Stage::HSM ? s_.hsm_service : st == Stage::DB ? s_.db_service : s_.network_service;
  if (d.kind == DistributionKind::DETERMINISTIC) return 1.0;
  constexpr std::uint64_t kServiceStreams = 1ULL << 40;  // far from the arrival streams (1, 2, 3)
  std::uint64_t stream = kServiceStreams + (static_cast<std::uint64_t>(st) << 36) +
                         (static_cast<std::uint64_t>(j.kind) << 35) + static_cast<std::uint64_t>(j.cohort);
  constexpr std::uint64_t kSecondHsmVisit = 1ULL << 34;  // after the SCTs: a draw of its own
  if (j.with_ct() && j.step == kFinalHsmStep) stream += kSecondHsmVisit;
  Rng rng(seed_, stream);
  return d.draw(rng);
}

void Model::enqueue(Job j, bool front) {
  if (j.kind == JobKind::SIGN) return enqueue_background(j, front);
  CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
  if (j.stage() == Stage::HSM && job_signatures(j) <= 0) {  // CRL era: a revocation needs no signature
    ++j.step;
  }
  const double now = sg4::Engine::get_clock();
  if (!front) j.enqueued = now;  // a fresh arrival at this station (front: a retry keeps its time)
  const bool urgent = j.kind == JobKind::REVOKE;
  switch (j.stage()) {
    case Stage::HSM:
      if (c.dc < 0 || !dc_up_[static_cast<size_t>(c.dc)] || !dc_can_sign(c.dc))
        c.dc = route_dc(job_signatures(j), c.c.key);
      if (c.dc < 0) return;  // nothing left that can sign: the work is lost, and the report shows it
      hsm_[static_cast<size_t>(c.dc)].queue.push(j, urgent, front, c.c.size);
      hsm_[static_cast<size_t>(c.dc)].stats.arrive(now);
      break;
    case Stage::NET:
      net_queue_.push(j, urgent, front, c.c.size);
      break;
    case Stage::DB:
      db_queue_.push(j, urgent, front, c.c.size);
      db_stats_.arrive(now);
      break;
    case Stage::CT:
      ct_enter(j);
      break;
  }
}

void Model::reroute(Job j) {
  if (j.kind == JobKind::SIGN) {
    background_[static_cast<size_t>(j.cohort)].dc = -1;
    return enqueue(j, true);
  }
  cohorts_[static_cast<size_t>(j.cohort)].dc = -1;
  enqueue(j, true);
}

void Model::mark_revoke_queued(CohortState& c) {
  c.revoke_queued = true;
  unqueued_revocations_ -= c.c.size;
}

// Moves a job past the step it finished. With keep_hsm, a follow-up step at the HSM (the revocation's
// signature right after the replacement's) is returned for the same session instead of queued.
std::optional<Job> Model::advance(Job j, bool keep_hsm) {
  CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
  const double now = sg4::Engine::get_clock();
  ++j.step;
  // An issuance whose only signature was the precertificate's is done once its SCTs are back.
  if (j.with_ct() && j.step == kFinalHsmStep && job_signatures(j) <= 0) j.step = j.steps();
  if (j.step < j.steps()) {
    enqueue(j);
    return std::nullopt;
  }
  if (j.kind == JobKind::ISSUE) {
    pending_issuance_ -= c.c.size;
    if (!c.affected()) return std::nullopt;
    c.replaced_s = now;
    replaced_ += c.c.size;
    if (!c.revoke_queued) {
      mark_revoke_queued(c);
      Job next{j.cohort, JobKind::REVOKE, 0};
      if (keep_hsm && cost_.revocation.signatures > 0) return next;
      enqueue(next);
    }
  } else {
    c.revoked_s = now;
    revoked_ += c.c.size;
    if (site_breaks(c.replaced_s, c.revoked_s)) broken_ += c.c.size;
  }
  return std::nullopt;
}

// Blocking work (signatures, commits) on a host; throws if it is down or fails meanwhile.
void Model::execute(int v, double amount) {
  if (!up(v)) throw Unreachable("host down");
  ++activities_;
  BusyMeter& meter = busy_[static_cast<size_t>(v)];
  meter.change(+1, sg4::Engine::get_clock());
  try {
    sg4::this_actor::exec_init(amount)->set_host(host(v))->start()->wait();
  } catch (...) {
    meter.change(-1, sg4::Engine::get_clock());
    throw;
  }
  meter.change(-1, sg4::Engine::get_clock());
}

Report Model::run() {
  wall_start_ = std::chrono::steady_clock::now();
  platform_ = build_platform(s_, topo_);
  set_up_cohorts();
  set_up_hsm_groups();
  set_up_db_writer();
  set_up_links();
  set_up_ct_logs();
  set_up_front_ends();
  set_up_series();
  start_actors();
  sg4::Engine::get_instance()->run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  return build_report(wall);
}

// The cohorts in arrival order, and the state by data center, link and host; every host's busy meter.
void Model::set_up_cohorts() {
  const ArrivalPlan plan = plan_arrivals(s_, seed_);
  for (const Cohort& c : plan.cohorts) {
    cohorts_.push_back(CohortState{c});
    if (c.affected()) affected_total_ += c.size;
  }
  unqueued_revocations_ = affected_total_;
  dc_up_.assign(s_.data_centers.size(), true);
  reaches_writer_.assign(s_.data_centers.size(), true);  // checked at loading: every data center does
  link_cut_.assign(topo_.links().size(), false);
  down_.assign(boost::num_vertices(topo_.graph()), false);
  busy_.assign(boost::num_vertices(topo_.graph()), BusyMeter{});
  const int k = s_.effective_cohort_size();
  for (int v : topo_.hosts()) {
    const NodeProps& n = topo_.node(v);
    if (n.dc < 0) continue;
    const DataCenter& dc = s_.data_centers[static_cast<size_t>(n.dc)];
    const int c = n.kind == NodeKind::HSM ? dc.hsm.sessions : dc.db.connections;
    busy_[static_cast<size_t>(v)].servers = c;
    busy_[static_cast<size_t>(v)].per_cohort = std::min(k, c);
  }
}

// One HSM group per data center (tracked first, by data center index), the key costs, and where the
// writer and each front end are.
void Model::set_up_hsm_groups() {
  hsm_ = std::vector<HsmGroup>(s_.data_centers.size());
  for (HsmGroup& g : hsm_) g.stats.warm_up = s_.warm_up_s;
  const std::vector<KeyShare> keys = s_.workload.keys();
  signed_by_key_.assign(keys.size(), 0.0);
  for (const DataCenter& dc : s_.data_centers) {
    key_cost_.emplace_back();
    for (size_t key = 0; key < keys.size(); ++key) key_cost_.back().push_back(signature_cost(dc.hsm, key));
    mix_cost_.push_back(mixed_signature_cost(s_, dc.hsm));
  }
  for (size_t d = 0; d < s_.data_centers.size(); ++d) {
    const DataCenter& dc = s_.data_centers[d];
    hsm_[d].members = topo_.hsms(static_cast<int>(d));
    hsm_[d].live_capacity = dc.hsm_count * dc.hsm.signatures_per_s;
    Tracked t = tracked_resource(ResourceKind::HSM, dc.name, hsm_[d].live_capacity, s_);
    t.servers = hsm_[d].members;
    t.servers_per_capacity = dc.hsm.sessions / dc.hsm.signatures_per_s;
    tracked_.push_back(t);
    if (dc.db_writer) writer_ = topo_.find(host_name(dc.name, "db-writer"));
    frontends_.push_back(topo_.find(host_name(dc.name, "frontend")));
  }
}

// The writer, whose busy connections count those of every replica (one may be promoted).
void Model::set_up_db_writer() {
  db_stats_.warm_up = s_.warm_up_s;
  const DbSpec& db = s_.data_centers[static_cast<size_t>(topo_.node(writer_).dc)].db;
  Tracked t = tracked_resource(ResourceKind::DB, "", db.commits_per_s, s_);
  writer_rate_ = db.commits_per_s;
  t.servers.push_back(writer_);
  t.servers_per_capacity = db.connections / db.commits_per_s;
  for (size_t d = 0; d < s_.data_centers.size(); ++d)
    for (int r : topo_.replicas(static_cast<int>(d))) t.servers.push_back(r);
  db_tracked_ = static_cast<int>(tracked_.size());
  tracked_.push_back(t);
}

void Model::set_up_links() {
  first_link_tracked_ = static_cast<int>(tracked_.size());
  for (const LinkProps& l : topo_.links()) {
    Tracked t = tracked_resource(ResourceKind::LINK, l.name, l.bandwidth_Bps, s_);
    t.link = platform_.links[static_cast<size_t>(l.index)];
    tracked_.push_back(t);
  }
}

// CT logs, each a resource in submissions/s (after the links, so that nothing else moves).
void Model::set_up_ct_logs() {
  if (s_.ct.logs.empty()) return;
  const std::vector<std::string> ops = s_.ct.operators();
  first_ct_tracked_ = static_cast<int>(tracked_.size());
  ct_logs_ = std::vector<CtLogState>(s_.ct.logs.size());
  ct_visits_.resize(cohorts_.size());
  ct_cursor_.assign(ops.size(), 0);
  ct_stats_.warm_up = s_.warm_up_s;
  precert_signatures_ = precertificate_signatures(s_.workload);
  for (size_t l = 0; l < s_.ct.logs.size(); ++l) {
    const CtLog& log = s_.ct.logs[l];
    ct_logs_[l].op = static_cast<int>(std::find(ops.begin(), ops.end(), log.operator_name) - ops.begin());
    ct_logs_[l].stats.warm_up = s_.warm_up_s;
    tracked_.push_back(tracked_resource(ResourceKind::CT, log.name, log.rate_per_s, s_));
  }
}

// The API and VA of each data center that has them, then the replicas' reads for ARI polling (after
// everything else, so that nothing else moves).
void Model::set_up_front_ends() {
  auto add_front = [&](std::vector<FrontStation>& stations, ResourceKind kind, auto rate_of) {
    stations = std::vector<FrontStation>(s_.data_centers.size());
    for (size_t d = 0; d < s_.data_centers.size(); ++d) {
      stations[d].rate = rate_of(s_.data_centers[d]);
      if (stations[d].rate <= 0) continue;
      stations[d].tracked = static_cast<int>(tracked_.size());
      tracked_.push_back(tracked_resource(kind, s_.data_centers[d].name, stations[d].rate, s_));
    }
  };
  const bool api_modelled = std::any_of(s_.data_centers.begin(), s_.data_centers.end(),
                                        [](const DataCenter& dc) { return dc.api_requests_per_s > 0; });
  if (api_modelled) add_front(api_, ResourceKind::API, [](const DataCenter& dc) { return dc.api_requests_per_s; });
  if (s_.validation.enabled) {
    add_front(va_, ResourceKind::VA, [this](const DataCenter&) { return s_.validation.validations_per_s; });
    if (cost_.issuance.validations > 0) va_latency_s_ = s_.validation.latency_s();
  }
  poll_rate_ = s_.clients.ari_poll_rate_per_s();
  if (poll_rate_ > 0) {
    reads_tracked_ = static_cast<int>(tracked_.size());
    tracked_.push_back(tracked_resource(ResourceKind::READS, "", read_capacity(), s_));
  }
}

// The time series' columns (in the order monitor fills a row) and the transfers' outcomes.
void Model::set_up_series() {
  columns_ = {"t_s", "arrived", "replaced", "revoked", "revoked_before_replaced"};
  for (const Tracked& t : tracked_) columns_.push_back(utilisation_column(t.name));
  for (const Tracked& t : tracked_)
    if (!t.servers.empty()) columns_.push_back(busy_column(t.name));
  for (const DataCenter& dc : s_.data_centers)
    columns_.push_back(queue_column(resource_name(ResourceKind::HSM, dc.name)));
  columns_.push_back(queue_column(kNetworkQueue));
  columns_.push_back(queue_column(resource_name(ResourceKind::DB)));
  columns_.push_back("replication_lag_s");
  if (!ct_logs_.empty()) columns_.push_back(queue_column(resource_name(ResourceKind::CT)));
  for (const Transfer& t : s_.transfers)
    transfers_.push_back(TransferOutcome{t.name, t.bytes, t.start_s, std::nullopt});
  in_flight_.resize(s_.transfers.size());
}

// Actors: all on the control host, which never fails; all daemons but the controller.
void Model::start_actors() {
  sg4::Host* ctl = platform_.control;
  auto daemon = [&](const std::string& name, std::function<void()> fn) {
    sg4::Actor::create(name, ctl, std::move(fn))->daemonize();
  };
  daemon("source", [this] { source(); });
  // A cohort of k certificates occupies min(k, c) of a station's c servers, so a station runs ceil(c / k)
  // cohorts at once (platform.cpp shares X(min(n k, c)) among them).
  const int k = s_.effective_cohort_size();
  auto slots = [k](int servers) { return (servers + k - 1) / k; };
  for (size_t d = 0; d < s_.data_centers.size(); ++d)
    for (int m : hsm_[d].members)
      for (int i = 0; i < slots(s_.data_centers[d].hsm.sessions); ++i)
        daemon("hsm-session", [this, d, m] { hsm_worker(static_cast<int>(d), m); });
  const int connections = s_.data_centers[static_cast<size_t>(topo_.node(writer_).dc)].db.connections;
  for (int i = 0; i < slots(connections); ++i) {
    daemon("rpc", [this] { net_worker(); });
    daemon("db-connection", [this] { db_worker(); });
  }
  for (size_t d = 0; d < s_.data_centers.size(); ++d)
    for (int r : topo_.replicas(static_cast<int>(d))) daemon("replication", [this, r] { replication(r); });
  for (size_t i = 0; i < s_.transfers.size(); ++i) daemon("transfer", [this, i] { transfer(i); });
  for (size_t i = 0; i < s_.failures.size(); ++i) daemon("failure", [this, i] { failure(i); });
  for (size_t l = 0; l < ct_logs_.size(); ++l) {
    daemon("ct-log", [this, l] { ct_server(static_cast<int>(l)); });
    daemon("ct-sct", [this, l] { ct_returner(static_cast<int>(l)); });
  }
  if (cost_.ocsp_resign_signatures_per_s > 0) daemon("ocsp-updater", [this] { ocsp_updater(); });
  if (crl_generation(s_)) daemon("crl-updater", [this] { crl_updater(); });
  for (size_t d = 0; d < api_.size(); ++d)
    if (api_[d].rate > 0) daemon("api", [this, d] { front_worker(static_cast<int>(d), false); });
  for (size_t d = 0; d < va_.size(); ++d)
    if (va_[d].rate > 0) daemon("va", [this, d] { front_worker(static_cast<int>(d), true); });
  if (va_latency_s_ > 0) daemon("validation-latency", [this] { validation_delay(); });
  if (poll_rate_ > 0) {  // after the failures: a data center down from t = 0 gets no polls
    daemon("ari-poller", [this] { poller(); });
    daemon("replica-reads", [this] { reader(); });
  }
  daemon("monitor", [this] { monitor(); });
  sg4::Actor::create("controller", ctl, [this] { controller(); });
}

}  // namespace detail

namespace {
bool g_engine_used = false;
}  // namespace

Report run_simulation(const Scenario& scenario, const RunOptions& options) {
  if (g_engine_used) throw RunError("a SimGrid engine already ran in this process; use run_in_child");
  g_engine_used = true;
  // SimGrid reads --log=... (and --cfg=...) from its argv: surge's own messages are category surge_sim,
  // quiet below warnings unless asked (e.g. --log=surge_sim.thres:info).
  std::vector<std::string> args{"surge"};
  for (const std::string& l : options.log) args.push_back("--log=" + l);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  xbt_log_control_set("root.thresh:warning");
  sg4::Engine engine(&argc, argv.data());
  // CM02: transfer time = latency + size / shared bandwidth, no TCP slow-start factors (the default
  // model multiplies latency by 13.01); no reverse ACK traffic; no TCP window cap on long flows.
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/crosstraffic:0");
  sg4::Engine::set_config("network/TCP-gamma:0");
  detail::Model model(scenario, options, options.seed.value_or(scenario.seed));
  return model.run();
}

Report run_in_child(const Scenario& scenario, const RunOptions& options) {
  const ChildResult child = run_child([&](int& code) {
    try {
      return to_json(run_simulation(scenario, options), true).dump();
    } catch (const std::exception& e) {
      code = 3;
      return nlohmann::json{{"error", e.what()}}.dump();
    }
  });
  if (child.signal != 0) throw RunError("simulation child died from signal " + std::to_string(child.signal));
  nlohmann::json j = nlohmann::json::parse(child.output, nullptr, false);
  if (j.is_discarded())
    throw RunError("simulation child returned no report (exit " + std::to_string(child.exit_code) + ")");
  if (j.contains("error")) throw RunError(j["error"].get<std::string>());
  return report_from_json(j);
}

}  // namespace surge::sim
