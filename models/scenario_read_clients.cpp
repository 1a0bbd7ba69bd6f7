// The scenario's `clients`: the client classes (or the ARI clients' share), Retry-After, the served
// renewal window, the normal day's issuance, ARI polling and the clustering at the top of the hour.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// The ARI clients' Retry-After and window are the clients map's own keys; a class adds only its kind's.
void read_client_class_kind(MapReader& m, const YAML::Node& node, ClientClass& c) {
  Context& ctx = ctx_of(m);
  const auto kind = m.text("kind", Need::REQUIRED);
  if (!kind) return;
  if (*kind == "ari") {
    c.kind = ClientKind::ARI;
  } else if (*kind == "cron") {
    c.kind = ClientKind::CRON;
    if (auto v = m.quantity("runs_per_day", QuantityKind::COUNT, Need::OPTIONAL, Sign::POSITIVE)) c.runs_per_day = *v;
    if (auto v = m.quantity("random_sleep", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE))
      c.random_sleep_s = *v;
  } else if (*kind == "email") {
    c.kind = ClientKind::EMAIL;
    if (YAML::Node r = m.get("response", Need::REQUIRED); r && !r.IsNull()) {
      MapReader rm(ctx, r, join(m.path(), "response"));
      if (rm.ok()) {
        const double sample_mean = read_distribution(rm, c.response);
        // An empirical sample carries its own scale; every other shape needs its mean.
        const bool sampled = c.response.kind == DistributionKind::EMPIRICAL;
        if (auto v = rm.quantity("mean", QuantityKind::DURATION, need_if(!sampled), Sign::POSITIVE)) {
          c.response_mean_s = *v;
        } else if (sampled) {
          c.response_mean_s = sample_mean;
        }
        rm.finish();
      }
    }
  } else if (*kind == "unreached") {
    c.kind = ClientKind::UNREACHED;
  } else {
    ctx.error(node["kind"], join(m.path(), "kind"),
              "unknown kind '" + *kind + "'; expected ari, cron, email or unreached");
  }
}

// clients.classes: a list of {name, kind, share, ...}; names unique, shares summing to 100%.
void read_client_classes(Context& ctx, const YAML::Node& list, std::vector<ClientClass>& out) {
  if (!list.IsSequence() || list.size() == 0) {
    ctx.error(list, "clients.classes", "'classes' must be a non-empty list of client classes");
    return;
  }
  auto read_class = [&](MapReader& m, const YAML::Node& item, size_t) -> std::optional<double> {
    ClientClass c;
    c.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
    if (auto v = m.text("name", Need::REQUIRED)) {
      c.name = *v;
      for (const ClientClass& other : out)
        if (other.name == c.name)
          ctx.error(item["name"], m.path() + ".name", "client class '" + c.name + "' is defined twice");
    }
    const std::optional<double> share = m.quantity("share", QuantityKind::FRACTION, Need::REQUIRED, Sign::NON_NEGATIVE);
    c.share = share.value_or(c.share);
    read_client_class_kind(m, item, c);
    m.finish();
    out.push_back(c);
    return share;
  };
  read_share_list(ctx, list, "clients.classes", "name", "class shares", read_class);
}

// ARI polling: the certificates whose clients poll renewalInfo, answered by the databases' reads.
void read_ari_polling(Context& ctx, YAML::Node poll, const Scenario& s, Clients& c) {
  MapReader pm(ctx, poll, "clients.ari_polling");
  if (auto v = pm.quantity("certificates", QuantityKind::COUNT, Need::REQUIRED, Sign::POSITIVE))
    c.ari_polling_certificates = *v;
  pm.finish();
  for (const DataCenter& dc : s.data_centers)
    if (dc.db.reads_per_s <= 0)
      ctx.error(poll, "clients.ari_polling",
                "'ari_polling' needs 'reads_per_s' on the db of data center '" + dc.name + "'");
}

// The renewal window the CA serves, relative to the decision.
void read_window(Context& ctx, YAML::Node win, Clients& c) {
  MapReader wm(ctx, win, "clients.window");
  if (auto v = wm.quantity("start", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE)) c.window_start_s = *v;
  c.window_end_s = c.window_start_s;  // a window given by its start alone has no width
  if (auto v = wm.quantity("end", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE)) c.window_end_s = *v;
  if (c.window_end_s < c.window_start_s) ctx.error(win["end"], "clients.window.end", "window end is before its start");
  wm.finish();
}

// The share of requests moved to the top of their hour, and the burst's width and shape.
void read_clustering(Context& ctx, YAML::Node b, Clients& c) {
  MapReader bm(ctx, b, "clients.clustering");
  if (auto v = bm.quantity("share", QuantityKind::FRACTION, Need::OPTIONAL, Sign::NON_NEGATIVE)) c.burst_share = *v;
  if (auto v = bm.quantity("width", QuantityKind::DURATION, Need::OPTIONAL, Sign::POSITIVE)) c.burst_width_s = *v;
  if (auto v = bm.text("shape", Need::OPTIONAL)) {
    if (*v == "uniform")
      c.burst_shape = BurstShape::UNIFORM;
    else if (*v == "exponential")
      c.burst_shape = BurstShape::EXPONENTIAL;
    else
      ctx.error(b["shape"], "clients.clustering.shape", "unknown shape '" + *v + "'; expected uniform or exponential");
  }
  bm.finish();
}

}  // namespace

void read_clients(MapReader& top, Scenario& s) {
  YAML::Node cl = top.get("clients", Need::REQUIRED);
  if (!cl) return;
  Context& ctx = ctx_of(top);
  MapReader m(ctx, cl, "clients");
  Clients& c = s.clients;
  // Either client classes, each with its share, or ari_share: the ARI clients' share, the rest unreached.
  if (YAML::Node classes = m.get("classes", Need::OPTIONAL); classes && !classes.IsNull()) {
    read_client_classes(ctx, classes, c.classes);
    if (YAML::Node ari = m.get("ari_share", Need::OPTIONAL); ari && !ari.IsNull())
      ctx.error(ari, "clients.ari_share",
                "'ari_share' and 'classes' exclude each other: give the ARI clients a class with its share");
  } else if (auto v = m.quantity("ari_share", QuantityKind::FRACTION, Need::REQUIRED, Sign::NON_NEGATIVE)) {
    c.ari_share = *v;
  }
  if (auto v = m.quantity("retry_after", QuantityKind::DURATION, Need::OPTIONAL, Sign::POSITIVE)) c.retry_after_s = *v;
  if (auto v = m.quantity("retry_after_jitter", QuantityKind::FRACTION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    c.retry_after_jitter = *v;
  if (auto v = m.quantity("normal_renewal_span", QuantityKind::DURATION, Need::OPTIONAL, Sign::POSITIVE))
    c.normal_renewal_span_s = *v;
  if (auto v = m.quantity("background_issuance", QuantityKind::RATE, Need::OPTIONAL, Sign::NON_NEGATIVE))
    c.background_issuance_per_s = *v;
  if (YAML::Node poll = m.get("ari_polling", Need::OPTIONAL); poll && !poll.IsNull()) read_ari_polling(ctx, poll, s, c);
  if (YAML::Node win = m.get("window", Need::OPTIONAL); win && !win.IsNull()) read_window(ctx, win, c);
  if (YAML::Node b = m.get("clustering", Need::OPTIONAL); b && !b.IsNull()) read_clustering(ctx, b, c);
  m.finish();
}

}  // namespace surge::detail
