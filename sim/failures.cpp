#include "sim/model.hpp"

#include <xbt/log.h>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(failures, surge_sim,
                                "surge: failures: HSM members, the DB writer, data centers and links going down");

namespace surge::sim::detail {

void Model::failure(size_t i) {
  const Failure& f = s_.failures[i];
  if (f.kind == FailureKind::CT_LOG || f.kind == FailureKind::CT_OPERATOR) return ct_outage(f);
  sg4::this_actor::sleep_until(f.at_s);
  XBT_INFO("failure: %s", f.kind == FailureKind::DB_WRITER ? "DB writer" : f.target.c_str());
  // First the model stops routing work to what fails; then, one scheduling round later, SimGrid turns it
  // off. Actors that already chose it in this round see their activity fail instead of starting on a
  // host that is off.
  std::vector<int> hosts;
  std::vector<sg4::SplitDuplexLink*> links;
  switch (f.kind) {
    case FailureKind::HSM: {
      const int v = topo_.find(f.target);
      if (!up(v)) return;
      down_[static_cast<size_t>(v)] = true;
      hosts.push_back(v);
      set_hsm_capacity(topo_.node(v).dc);
      break;
    }
    case FailureKind::DB_WRITER:
      if (!writer_up_) return;
      hosts.push_back(writer_);
      lose_writer();
      break;
    case FailureKind::DATA_CENTER: {
      const int dc = s_.data_center_index(f.target);
      if (!dc_up_[static_cast<size_t>(dc)]) return;
      dc_up_[static_cast<size_t>(dc)] = false;
      if (writer_up_ && topo_.node(writer_).dc == dc) lose_writer();
      for (int v : topo_.hosts())
        if (topo_.node(v).dc == dc) {
          if (up(v)) hosts.push_back(v);
          down_[static_cast<size_t>(v)] = true;
        }
      for (const LinkProps& lp : topo_.links())
        if (lp.dc == dc) {
          Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + lp.index)];
          t.alive = false;
          t.timeline.set(sg4::Engine::get_clock(), 0);
          links.push_back(platform_.links[static_cast<size_t>(lp.index)]);
        }
      set_hsm_capacity(dc);
      for (std::vector<FrontStation>* stations : {&api_, &va_})
        if (!stations->empty() && (*stations)[static_cast<size_t>(dc)].tracked >= 0) {
          Tracked& t = tracked_[static_cast<size_t>((*stations)[static_cast<size_t>(dc)].tracked)];
          t.alive = false;
          t.timeline.set(sg4::Engine::get_clock(), 0);
        }
      break;
    }
    case FailureKind::CT_LOG:
    case FailureKind::CT_OPERATOR:
      return;  // ct_outage
    case FailureKind::LINK: {
      const int l = topo_.find_link(f.target);  // the parser names only links of the topology
      if (l < 0 || link_cut_[static_cast<size_t>(l)]) return;
      link_cut_[static_cast<size_t>(l)] = true;
      Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + l)];
      t.alive = false;
      t.timeline.set(sg4::Engine::get_clock(), 0);
      links.push_back(platform_.links[static_cast<size_t>(l)]);
      // Data centers behind the link stop issuing; their queues go to those still reaching the writer.
      // Flows in flight across it fail when it goes off: RPC flows are resent from a data center that
      // issues, replication waits, and transfers fail for good.
      update_reachability();
      break;
    }
  }
  update_read_capacity();
  sg4::this_actor::yield();
  for (int v : hosts) host(v)->turn_off();
  for (sg4::SplitDuplexLink* l : links) l->turn_off();
}

}  // namespace surge::sim::detail
