#include "sim/model.hpp"

#include <xbt/log.h>

#include "models/failover.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(net_station, surge_sim,
                                "surge: RPCs to the writer, routes and reachability over cut links, bulk transfers");

namespace surge::sim::detail {

const std::vector<RouteHop>& Model::route(int from, int to) {
  auto key = std::make_pair(from, to);
  auto it = routes_.find(key);
  if (it == routes_.end()) it = routes_.emplace(key, topo_.route(from, to)).first;
  return it->second;
}

// A blocking transfer between two hosts; its bytes are counted on every link it crossed. Throws if an
// end is down (or its transfer fails on the way).
// With bulk, the bytes count as bulk transfer bytes (not certificate work) on the links.
void Model::send(int from, int to, double bytes, bool bulk) {
  if (!up(from) || !up(to)) throw Unreachable("host down");
  ++activities_;
  sg4::Comm::sendto(host(from), host(to), static_cast<std::uint64_t>(bytes));
  for (const RouteHop& hop : route(from, to)) {
    Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + hop.link)];
    if (bulk)
      (hop.forward ? t.transfer_up : t.transfer_down) += bytes;
    else
      (hop.forward ? t.work_up : t.work_down) += bytes;
  }
}

void Model::net_worker() {
  Waiter& me = new_waiter();
  while (true) {
    const Job j = net_queue_.pop(me, cohorts_);
    if (!wait_for_writer()) return;  // no replica left to promote
    CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
    const OperationCost& op = j.kind == JobKind::ISSUE ? cost_.issuance : cost_.revocation;
    if (c.dc < 0 || !dc_issues(c.dc)) c.dc = route_dc(0, c.c.key);
    if (c.dc < 0) c.dc = any_dc_issuing();  // nothing can sign, but a revocation may need no signature (CRL era)
    if (c.dc < 0) continue;
    try {
      send(frontends_[static_cast<size_t>(c.dc)], writer_, c.c.size * (op.rpc_bytes + op.db_bytes) * service_factor(j));
    } catch (const std::exception&) {
      net_queue_.push(j, j.kind == JobKind::REVOKE, true, c.c.size);  // resent from wherever is up
      continue;
    }
    advance(j);
  }
}

// True when no link on the static route from one host to another was taken down by a link failure.
bool Model::route_live(int from, int to) {
  return !route_cut(route(from, to), [&](int link) { return link_cut_[static_cast<size_t>(link)]; });
}

// Which data centers' front ends reach the writer (the replica being promoted, while one is) over links
// that are up; a data center that changes side gains or loses its signing capacity. Routes are static,
// so a cut link is not routed around.
void Model::update_reachability() {
  const int target = promoting_ >= 0 ? promoting_ : writer_;
  std::vector<int> gained, lost;
  for (size_t d = 0; d < reaches_writer_.size(); ++d) {
    const bool reaches = route_live(frontends_[d], target);
    if (reaches == reaches_writer_[d]) continue;
    reaches_writer_[d] = reaches;
    (reaches ? gained : lost).push_back(static_cast<int>(d));
    XBT_INFO("data center %s %s the DB writer (%s)", s_.data_centers[d].name.c_str(),
             reaches ? "reaches" : "is cut off from", topo_.name(target).c_str());
  }
  // Capacity first where it appears, so that the queues handed on from where it vanishes find it.
  for (int d : gained) set_hsm_capacity(d);
  for (int d : lost) set_hsm_capacity(d);
}

// A bulk transfer: one long flow whose progress the monitor counts on its links as it goes (counting it
// only at the end would put terabytes into one sample).
void Model::transfer(size_t i) {
  const Transfer& t = s_.transfers[i];
  sg4::this_actor::sleep_until(t.start_s);
  const int from = topo_.place(t.from), to = topo_.place(t.to);
  InFlight& f = in_flight_[i];
  try {
    if (!up(from) || !up(to)) throw Unreachable("host down");
    ++activities_;
    f.from = from;
    f.to = to;
    f.comm = sg4::Comm::sendto_async(host(from), host(to), static_cast<std::uint64_t>(t.bytes));
    f.comm->wait();
    count_progress(f, t.bytes);
    transfers_[i].done_s = sg4::Engine::get_clock();
  } catch (const std::exception&) {
    XBT_INFO("transfer %s failed", t.name.c_str());
  }
  f.comm = nullptr;
}

// Adds a transfer's bytes sent since the last count to the links of its route, as transfer bytes.
void Model::count_progress(InFlight& f, double sent) {
  const double delta = sent - f.counted;
  if (delta <= 0) return;
  f.counted = sent;
  for (const RouteHop& hop : route(f.from, f.to)) {
    Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + hop.link)];
    (hop.forward ? t.transfer_up : t.transfer_down) += delta;
  }
}

}  // namespace surge::sim::detail
