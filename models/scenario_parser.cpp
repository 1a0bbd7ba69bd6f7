#include "scenario_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "calibration_profile.hpp"
#include "scenario_invariants.hpp"
#include "scenario_ranges.hpp"
#include "scenario_reader.hpp"
#include "topology.hpp"
#include "units.hpp"
#include "yaml_reader.hpp"

namespace surge {
namespace {

using namespace detail;  // the readers' shared internals (scenario_reader.hpp)

constexpr double kDefaultHorizonDeadlines = 4.0;  // horizon defaults to 4 deadlines
// ACME requests per issuance: new order, authorization, challenge, finalize, poll, download (planning value).
constexpr double kApiRequestsPerIssuance = 6;

// Reads a distribution's shape from dm: {distribution: deterministic | exponential | lognormal (cv) |
// empirical (sample)}. An empirical sample is rescaled to mean 1 (the sample gives the shape, the rated
// capacity or the given mean the scale); returns the sample's mean before that (0 for the other kinds).
double read_distribution(MapReader& dm, Distribution& target) {
  Context& ctx = ctx_of(dm);
  const std::string& path = dm.path();
  const YAML::Node d = dm.node();
  double sample_mean = 0;
  if (auto kind = dm.text("distribution", true)) {
    if (*kind == "deterministic") {
      target.kind = DistributionKind::DETERMINISTIC;
    } else if (*kind == "exponential") {
      target.kind = DistributionKind::EXPONENTIAL;
    } else if (*kind == "lognormal") {
      target.kind = DistributionKind::LOGNORMAL;
      if (auto cv = dm.quantity("cv", QuantityKind::COUNT, true, true)) target.cv = *cv;
    } else if (*kind == "empirical") {
      target.kind = DistributionKind::EMPIRICAL;
      YAML::Node sample = dm.get("sample", true);
      if (sample && (!sample.IsSequence() || sample.size() == 0)) {
        ctx.error(sample, path + ".sample", "'sample' must be a non-empty list of measured times");
      } else if (sample) {
        double sum = 0;
        for (size_t i = 0; i < sample.size(); ++i) {
          Quantity q = sample[i].IsScalar() ? parse_quantity(sample[i].Scalar(), QuantityKind::DURATION) : Quantity{};
          if (!q.value) {
            ctx.error(sample[i], path + ".sample", "sample values must be positive durations, such as 0.12ms");
            continue;
          }
          if (!ctx.in_range(sample[i], path + ".sample", *q.value)) continue;
          target.sample.push_back(*q.value);
          sum += *q.value;
        }
        if (!target.sample.empty()) sample_mean = sum / static_cast<double>(target.sample.size());
        for (double& x : target.sample) x *= static_cast<double>(target.sample.size()) / sum;
      }
    } else {
      ctx.error(d["distribution"], path + ".distribution",
                "unknown distribution '" + *kind + "'; expected deterministic, exponential, lognormal or empirical");
    }
  }
  return sample_mean;
}

// The ARI clients' Retry-After and window are the clients map's own keys; a class adds only its kind's.
void read_client_class_kind(MapReader& m, const YAML::Node& node, ClientClass& c) {
  Context& ctx = ctx_of(m);
  const auto kind = m.text("kind", true);
  if (!kind) return;
  if (*kind == "ari") {
    c.kind = ClientKind::ARI;
  } else if (*kind == "cron") {
    c.kind = ClientKind::CRON;
    if (auto v = m.quantity("runs_per_day", QuantityKind::COUNT, false, true)) c.runs_per_day = *v;
    if (auto v = m.quantity("random_sleep", QuantityKind::DURATION, false, false)) c.random_sleep_s = *v;
  } else if (*kind == "email") {
    c.kind = ClientKind::EMAIL;
    if (YAML::Node r = m.get("response", true); r && !r.IsNull()) {
      MapReader rm(ctx, r, join(m.path(), "response"));
      if (rm.ok()) {
        const double sample_mean = read_distribution(rm, c.response);
        // An empirical sample carries its own scale; every other shape needs its mean.
        const bool sampled = c.response.kind == DistributionKind::EMPIRICAL;
        if (auto v = rm.quantity("mean", QuantityKind::DURATION, !sampled, true)) {
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

// Shares of a whole (client classes, key types, incident batches) must add up to 100%, to within what
// percentages written in decimal lose in binary.
void check_share_total(Context& ctx, const YAML::Node& node, const std::string& path, const std::string& what,
                       double total) {
  constexpr double kShareTolerance = 1e-9;
  if (std::abs(total - 1.0) <= kShareTolerance) return;
  char sum[32];
  std::snprintf(sum, sizeof sum, "%.6g%%", total * 100);
  ctx.error(node, path, what + " sum to " + sum + ", not 100%");
}

// clients.classes: a list of {name, kind, share, ...}; names unique, shares summing to 100%.
void read_client_classes(Context& ctx, const YAML::Node& list, std::vector<ClientClass>& out) {
  if (!list.IsSequence() || list.size() == 0) {
    ctx.error(list, "clients.classes", "'classes' must be a non-empty list of client classes");
    return;
  }
  double total = 0;
  bool shares_read = true;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string label = item.IsMap() ? scalar_or(item["name"], std::to_string(i)) : std::to_string(i);
    MapReader m(ctx, item, "clients.classes." + label);
    if (!m.ok()) {
      shares_read = false;
      continue;
    }
    ClientClass c;
    c.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
    if (auto v = m.text("name", true)) {
      c.name = *v;
      for (const ClientClass& other : out)
        if (other.name == c.name)
          ctx.error(item["name"], m.path() + ".name", "client class '" + c.name + "' is defined twice");
    }
    if (auto v = m.quantity("share", QuantityKind::FRACTION, true, false)) {
      c.share = *v;
      total += *v;
    } else {
      shares_read = false;
    }
    read_client_class_kind(m, item, c);
    m.finish();
    out.push_back(c);
  }
  if (shares_read) check_share_total(ctx, list, "clients.classes", "class shares", total);
}

// workload.key_types: a list of {key, share}; keys distinct, shares in (0, 1] summing to 100%.
void read_key_types(Context& ctx, const YAML::Node& list, std::vector<KeyShare>& out) {
  if (!list.IsSequence() || list.size() == 0) {
    ctx.error(list, "workload.key_types", "'key_types' must be a non-empty list of {key, share}");
    return;
  }
  double total = 0;
  bool shares_read = true;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string label = item.IsMap() ? scalar_or(item["key"], std::to_string(i)) : std::to_string(i);
    MapReader m(ctx, item, "workload.key_types." + label);
    if (!m.ok()) {
      shares_read = false;
      continue;
    }
    KeyShare k;
    k.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
    if (auto v = m.text("key", true)) {
      k.key = *v;
      for (const KeyShare& other : out)
        if (other.key == k.key) ctx.error(item["key"], m.path() + ".key", "key type '" + k.key + "' is listed twice");
    }
    if (auto v = m.quantity("share", QuantityKind::FRACTION, true, true)) {
      k.share = *v;
      total += k.share;
    } else {
      shares_read = false;
    }
    m.finish();
    out.push_back(k);
  }
  if (shares_read) check_share_total(ctx, list, "workload.key_types", "key type shares", total);
}

// incident.batches: a list of {share, at}, or {count, every} for equal shares at 0, every, 2 x every, ...;
// enabling times from the decision, non-decreasing and before the deadline; shares summing to 100%.
void read_incident_batches(Context& ctx, const YAML::Node& node, Incident& inc) {
  const double before = inc.deadline_s - inc.decision_delay_s;  // every batch is enabled before the deadline
  auto too_late = [&](double at_s) {
    return "batch enabled at " + format_duration(at_s) + ", not before the deadline (" + format_duration(before) +
           " after the decision)";
  };
  if (node.IsMap()) {
    MapReader m(ctx, node, "incident.batches");
    const std::optional<int> count = m.integer("count", true, 1);
    const std::optional<double> every = m.quantity("every", QuantityKind::DURATION, true, true);
    m.finish();
    if (!count || !every) return;
    const SourceLoc loc{node.Mark().line + 1, node.Mark().column + 1};
    for (int b = 0; b < *count; ++b) inc.batches.push_back(IncidentBatch{1.0 / *count, b * *every, loc});
    if (inc.batches.back().enabled_s >= before)
      ctx.error(node["every"], "incident.batches.every", too_late(inc.batches.back().enabled_s));
    return;
  }
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(node, "incident.batches", "'batches' must be a non-empty list of {share, at} or a map {count, every}");
    return;
  }
  // A list holds no more batches than `count` may make: the planner steps through each one.
  const KeyRange* most = find_key_range("incident.batches.count", false);
  if (static_cast<double>(node.size()) > range_max(*most)) {
    ctx.error(node, "incident.batches",
              "'incident.batches' lists " + std::to_string(node.size()) + " batches, more than " +
                  std::string(most->max) + " (" + std::string(most->reason) + ")");
    return;
  }
  double total = 0;
  bool complete = true;
  for (size_t i = 0; i < node.size(); ++i) {
    MapReader m(ctx, node[i], "incident.batches." + std::to_string(i));
    if (!m.ok()) {
      complete = false;
      continue;
    }
    IncidentBatch batch;
    batch.loc = SourceLoc{node[i].Mark().line + 1, node[i].Mark().column + 1};
    const std::optional<double> share = m.quantity("share", QuantityKind::FRACTION, true, false);
    const std::optional<double> at = m.quantity("at", QuantityKind::DURATION, true, false);
    m.finish();
    if (!share || !at) {
      complete = false;
      continue;
    }
    batch.share = *share, batch.enabled_s = *at;
    total += *share;
    if (!inc.batches.empty() && batch.enabled_s < inc.batches.back().enabled_s)
      ctx.error(node[i]["at"], m.path() + ".at",
                "batch " + std::to_string(i) + " is enabled at " + format_duration(batch.enabled_s) +
                    ", before batch " + std::to_string(i - 1) + " (" + format_duration(inc.batches.back().enabled_s) +
                    "): batches are listed in enabling order");
    else if (batch.enabled_s >= before)
      ctx.error(node[i]["at"], m.path() + ".at", too_late(batch.enabled_s));
    inc.batches.push_back(batch);
  }
  if (complete) check_share_total(ctx, node, "incident.batches", "batch shares", total);
}

template <typename Map>
std::string names_of(const Map& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// Looks a catalogue entry up by m["model"]; reports unknown names at the model value.
template <typename Spec>
std::optional<Spec> catalogue_entry(Context& ctx, MapReader& m, const std::map<std::string, Spec>& entries,
                                    const std::string& what, const Catalogue& cat) {
  YAML::Node n = m.get("model", true);
  if (!n || n.IsNull()) return std::nullopt;  // reported as missing by get()
  if (!n.IsScalar()) {  // e.g. `model: : luna-2021`, a map: left silent, the entry kept no capacity at all
    ctx.error(n, join(m.path(), "model"),
              "'model' must be a name from the catalogue's " + what + " models, not a list or a map; the catalogue (" +
                  cat.file + ") has: " + names_of(entries));
    return std::nullopt;
  }
  auto it = entries.find(n.Scalar());
  if (it == entries.end()) {
    ctx.error(
        n, join(m.path(), "model"),
        "unknown " + what + " model '" + n.Scalar() + "'; the catalogue (" + cat.file + ") has: " + names_of(entries));
    return std::nullopt;
  }
  return it->second;
}

// ---- the scenario ------------------------------------------------------------------------------

std::optional<Era> era_from(const std::string& s) {
  if (s == "seed-2021") return Era::SEED_2021;
  if (s == "precert-2021") return Era::PRECERT_2021;
  if (s == "crl") return Era::CRL;
  return std::nullopt;
}

// Reads one data center; `note` receives the HSM's profile (the entry's, else its catalogue model's).
void read_data_center(Context& ctx, MapReader& m, const Catalogue& cat, const std::filesystem::path& base_dir,
                      DataCenter& dc, std::optional<ProfileNote>& note) {
  dc.loc = SourceLoc{m.node().Mark().line + 1, m.node().Mark().column + 1};
  if (auto v = m.text("name", true)) dc.name = *v;

  // fabric: a catalogue name, or a map {model, bandwidth?, latency?}
  YAML::Node fab = m.get("fabric", true);
  if (fab && fab.IsScalar()) {
    auto it = cat.fabric.find(fab.Scalar());
    if (it == cat.fabric.end())
      ctx.error(
          fab, join(m.path(), "fabric"),
          "unknown fabric model '" + fab.Scalar() + "'; the catalogue (" + cat.file + ") has: " + names_of(cat.fabric));
    else
      dc.fabric = it->second;
  } else if (fab) {
    MapReader f(ctx, fab, join(m.path(), "fabric"));
    if (auto spec = catalogue_entry(ctx, f, cat.fabric, "fabric", cat)) dc.fabric = *spec;
    read_fabric_fields(f, dc.fabric, false);
    f.finish();
  }

  YAML::Node hsm = m.get("hsm", true);
  if (hsm) {
    dc.hsm_loc = SourceLoc{hsm.Mark().line + 1, hsm.Mark().column + 1};
    MapReader h(ctx, hsm, join(m.path(), "hsm"));
    if (auto spec = catalogue_entry(ctx, h, cat.hsm, "HSM", cat)) {
      dc.hsm = *spec;
      if (auto it = cat.hsm_profile.find(spec->model); it != cat.hsm_profile.end()) note = it->second;
    }
    if (auto v = h.integer("count", true, 1)) dc.hsm_count = *v;
    read_hsm_fields(h, dc.hsm, false, base_dir, note);
    h.finish();
  }

  YAML::Node db = m.get("db", true);
  if (db) {
    MapReader d(ctx, db, join(m.path(), "db"));
    std::optional<Diagnostic> unfitted;  // the entry's profile's, else its catalogue model's
    if (auto spec = catalogue_entry(ctx, d, cat.db, "database", cat)) {
      dc.db = *spec;
      if (auto it = cat.db_unfitted.find(spec->model); it != cat.db_unfitted.end()) unfitted = it->second;
    }
    if (auto v = d.boolean("writer")) dc.db_writer = *v;
    if (auto v = d.integer("replicas", false, 0)) dc.db_replicas = *v;
    read_db_fields(d, dc.db, false, base_dir, unfitted);
    resolve_db_rate(ctx, dc.db, unfitted);
    d.finish();
  }

  // The ACME front end fleet's capacity (optional: without it the API is not modelled here).
  if (YAML::Node api = m.get("api", false); api && !api.IsNull()) {
    MapReader a(ctx, api, join(m.path(), "api"));
    if (auto v = a.quantity("requests_per_s", QuantityKind::RATE, true, true)) dc.api_requests_per_s = *v;
    a.finish();
  }
  m.finish();
}

// "dc1", "dc1/db-writer", "dc1/hsm-2", "cloud": checks that the place exists.
bool place_exists(const Scenario& s, const std::string& place, bool allow_cloud, std::string& why) {
  if (allow_cloud && place == "cloud") return true;
  const size_t slash = place.find('/');
  const std::string dc_name = place.substr(0, slash);
  const int dc = s.data_center_index(dc_name);
  if (dc < 0) {
    why = "no data center named '" + dc_name + "'";
    return false;
  }
  if (slash == std::string::npos) return true;
  const std::string host = place.substr(slash + 1);
  const DataCenter& d = s.data_centers[dc];
  if (host == "frontend" || host == "ca" || host == "sa") return true;
  if (host == "db-writer") {
    if (d.db_writer) return true;
    why = "data center '" + dc_name + "' has no DB writer";
    return false;
  }
  auto numbered = [&](const std::string& prefix, int count) {
    if (host.rfind(prefix, 0) != 0) return false;
    const std::string num = host.substr(prefix.size());
    // Nine digits at most: a longer number is past any count, and std::stoi would throw on it.
    constexpr size_t kMaxDigits = 9;
    if (num.empty() || num.size() > kMaxDigits || num.find_first_not_of("0123456789") != std::string::npos)
      return false;
    const int i = std::stoi(num);
    return i >= 1 && i <= count;
  };
  if (numbered("hsm-", d.hsm_count) || numbered("db-replica-", d.db_replicas)) return true;
  why = "data center '" + dc_name + "' has no host '" + host + "' (hosts: frontend, ca, sa, hsm-1.." +
        std::to_string(d.hsm_count) + (d.db_writer ? ", db-writer" : "") +
        (d.db_replicas > 0 ? ", db-replica-1.." + std::to_string(d.db_replicas) : "") + ")";
  return false;
}

// The topology name of the WAN link a failure writes as "dc1-dc2", "dc2-dc1" or "wan/dc1-dc2" (a link
// fails both ways, so either order of its ends names it; the order written in `wan` wins a tie). Empty,
// with `why`, when the scenario has no such link.
// " (logs: a, b)" or " (operators: x, y)", or " (the scenario has no ct logs)", for messages.
std::string ct_names(const Scenario& s, bool operators) {
  if (s.ct.logs.empty()) return " (the scenario has no ct logs)";
  std::vector<std::string> names = s.ct.operators();
  if (!operators) {
    names.clear();
    for (const CtLog& l : s.ct.logs) names.push_back(l.name);
  }
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return std::string(operators ? " (operators: " : " (logs: ") + out + ")";
}

std::string wan_link_named(const Scenario& s, const std::string& written, std::string& why) {
  const std::string prefix = "wan/";
  const std::string ends = written.rfind(prefix, 0) == 0 ? written.substr(prefix.size()) : written;
  // Data center names may hold '-' themselves (us-east-1), so whole names are compared, never split.
  for (const bool reversed : {false, true})
    for (const WanLink& w : s.wan)
      if (ends == (reversed ? w.to + "-" + w.from : w.from + "-" + w.to)) return wan_link_name(w.from, w.to);
  std::string links;
  for (const WanLink& w : s.wan) links += (links.empty() ? "" : ", ") + w.from + "-" + w.to;
  why = "'" + written + "' is not a WAN link (" + (links.empty() ? "the scenario has none" : "links: " + links) + ")";
  return "";
}

Scenario read_scenario(Context& ctx, YAML::Node root, const std::string& file, std::vector<Diagnostic>& diags) {
  Scenario s;
  s.file = file;
  MapReader top(ctx, root, "");
  if (!top.ok()) return s;

  if (auto v = top.integer("schema", true, 1)) {
    if (*v != kSchemaVersion)
      ctx.error(
          root["schema"], "schema",
          "unsupported schema " + std::to_string(*v) + "; this surge reads schema " + std::to_string(kSchemaVersion));
    s.schema = *v;
  }
  if (auto v = top.text("name", true)) s.name = *v;
  if (auto v = top.text("question", true)) s.question = *v;
  if (auto v = top.text("randomness", false)) {
    if (*v == "on" || *v == "off") {
      s.randomness = *v == "on";
    } else {
      ctx.error(root["randomness"], "randomness", "'randomness' must be on or off");
    }
  }
  if (auto v = top.quantity("warm_up", QuantityKind::DURATION, false, false)) s.warm_up_s = *v;
  // Service-time variability per station: {distribution: exponential | lognormal (cv) | empirical (sample)}.
  if (YAML::Node st = top.get("service_times", false); st && !st.IsNull()) {
    MapReader m(ctx, st, "service_times");
    for (auto [key, target] : {std::pair<const char*, Distribution*>{"hsm", &s.hsm_service},
                               {"db", &s.db_service},
                               {"network", &s.network_service}}) {
      YAML::Node d = m.get(key, false);
      if (!d || d.IsNull()) continue;
      MapReader dm(ctx, d, join("service_times", key));
      read_distribution(dm, *target);
      dm.finish();
    }
    m.finish();
  }
  if (YAML::Node seed = top.get("seed", false); seed && !seed.IsNull()) {
    if (auto v = seed.IsScalar() ? yaml_input::parse_seed(seed.Scalar()) : std::nullopt) {
      s.seed = *v;
    } else {
      ctx.error(seed, "seed", yaml_input::kSeedMessage);
    }
  }

  // The catalogue: named relative to the scenario, else data/catalogue.yaml beside scenarios/.
  std::filesystem::path cat_path;
  Diagnostic cat_at{file, 1, 1, "", ctx.source_line(1)};  // where an unreadable catalogue is reported
  if (auto v = top.text("catalogue", false)) {
    cat_path = std::filesystem::path(file).parent_path() / *v;
    cat_at = ctx.locate(root["catalogue"], "catalogue");
  } else {
    cat_path = std::filesystem::path(file).parent_path() / ".." / "data" / "catalogue.yaml";
    if (!std::filesystem::exists(cat_path))
      cat_path = std::filesystem::path(SURGE_SOURCE_DIR) / "data" / "catalogue.yaml";
  }
  const std::shared_ptr<const Catalogue> shared_cat =
      cached_catalogue(cat_path.lexically_normal().string(), cat_at, diags);
  const Catalogue& cat = *shared_cat;
  if (!cat.readable) return s;  // every model would be "unknown": the one problem is the catalogue

  // data centers, and the calibration profile each one's HSM uses (if any)
  std::vector<std::optional<ProfileNote>> profile_notes;
  YAML::Node dcs = top.get("data_centers", true);
  if (dcs) {
    if (!dcs.IsSequence() || dcs.size() == 0) {
      ctx.error(dcs, "data_centers", "'data_centers' must be a non-empty list");
    } else {
      for (size_t i = 0; i < dcs.size(); ++i) {
        std::string label = dcs[i].IsMap() ? scalar_or(dcs[i]["name"], std::to_string(i)) : std::to_string(i);
        MapReader m(ctx, dcs[i], "data_centers." + label);
        if (!m.ok()) continue;
        DataCenter dc;
        std::optional<ProfileNote> note;
        read_data_center(ctx, m, cat, std::filesystem::path(file).parent_path(), dc, note);
        profile_notes.push_back(note);
        // A missing name is reported once, as missing (a second unnamed one is not "defined twice").
        if (!dc.name.empty() && s.data_center_index(dc.name) >= 0)
          ctx.error(dcs[i]["name"], m.path() + ".name", "data center '" + dc.name + "' is defined twice");
        s.data_centers.push_back(dc);
      }
      int writers = 0;
      for (const DataCenter& dc : s.data_centers) writers += dc.db_writer ? 1 : 0;
      if (writers != 1 && !s.data_centers.empty())
        ctx.error(
            dcs, "data_centers",
            "exactly one data center must hold the DB writer (db: {writer: true}), found " + std::to_string(writers));
    }
  }

  // WAN
  if (YAML::Node wan = top.get("wan", false); wan && !wan.IsNull()) {
    if (!wan.IsSequence()) {
      ctx.error(wan, "wan", "'wan' must be a list of links");
    } else {
      for (size_t i = 0; i < wan.size(); ++i) {
        MapReader m(ctx, wan[i], "wan." + std::to_string(i));
        if (!m.ok()) continue;
        WanLink w;
        w.loc = SourceLoc{wan[i].Mark().line + 1, wan[i].Mark().column + 1};
        for (const char* end : {"from", "to"}) {
          if (auto v = m.text(end, true)) {
            std::string why;
            if (v->find('/') != std::string::npos || !place_exists(s, *v, std::string(end) == "to", why))
              ctx.error(wan[i][end], join(m.path(), end),
                        why.empty() ? "a WAN link joins data centers (or 'cloud'), not hosts: '" + *v + "'" : why);
            (std::string(end) == "from" ? w.from : w.to) = *v;
          }
        }
        if (auto v = m.quantity("bandwidth", QuantityKind::BANDWIDTH, true, true)) w.bandwidth_Bps = *v;
        if (auto v = m.quantity("latency", QuantityKind::DURATION, true, false)) w.latency_s = *v;
        m.finish();
        s.wan.push_back(w);
      }
    }
  }

  // workload
  if (YAML::Node wl = top.get("workload", true)) {
    MapReader m(ctx, wl, "workload");
    Workload& w = s.workload;
    if (auto v = m.quantity("certificates", QuantityKind::COUNT, true, false)) w.certificates = *v;
    if (auto v = m.text("era", true)) {
      if (auto e = era_from(*v)) {
        w.era = *e;
      } else {
        ctx.error(wl["era"], "workload.era", "unknown era '" + *v + "'; expected seed-2021, precert-2021 or crl");
      }
    }
    // Signatures by era (DOMAIN.md), each overridable.
    switch (w.era) {
      case Era::SEED_2021:
        w.signatures_per_issuance = 2, w.signatures_per_revocation = 1;
        break;
      case Era::PRECERT_2021:
        w.signatures_per_issuance = 3, w.signatures_per_revocation = 1;
        break;
      case Era::CRL:
        w.signatures_per_issuance = 2, w.signatures_per_revocation = 0;
        break;
    }
    if (auto v = m.quantity("signatures_per_issuance", QuantityKind::COUNT, false, true))
      w.signatures_per_issuance = *v;
    if (auto v = m.quantity("signatures_per_revocation", QuantityKind::COUNT, false, false))
      w.signatures_per_revocation = *v;
    // One issuing key, or several issuers by share (the first is the reference key).
    const auto single_key = m.text("key_type", false);
    if (single_key) w.key_type = *single_key;
    if (YAML::Node kt = m.get("key_types", false); kt && !kt.IsNull()) {
      if (single_key)
        ctx.error(kt, "workload.key_types",
                  "'key_type' and 'key_types' exclude each other: list the one key with share 100%");
      read_key_types(ctx, kt, w.key_types);
      if (!w.key_types.empty()) w.key_type = w.key_types.front().key;
    }
    w.names_per_certificate = m.quantity("names_per_certificate", QuantityKind::COUNT, false, true).value_or(1.6);
    w.new_authz_share = m.quantity("new_authz_share", QuantityKind::FRACTION, false, false).value_or(0.0);
    w.api_requests_per_issuance =
        m.quantity("api_requests_per_issuance", QuantityKind::COUNT, false, false).value_or(kApiRequestsPerIssuance);
    // Bytes per issuance by hop of Boulder's pipeline (planning values): the ACME exchange with the
    // client (new order, finalize, certificate and chain), then WFE -> RA -> CA -> SA gRPC calls.
    w.rpc_bytes = {{"acme", 6.0 * 1024}, {"wfe_ra", 2.0 * 1024}, {"ra_ca", 2.0 * 1024}, {"ca_sa", 2.0 * 1024}};
    if (YAML::Node rb = m.get("rpc_bytes", false); rb && !rb.IsNull()) {
      MapReader r(ctx, rb, "workload.rpc_bytes");
      for (const auto& [hop, bytes] : std::map<std::string, double>(w.rpc_bytes))
        if (auto v = r.quantity(hop, QuantityKind::SIZE, false, false)) w.rpc_bytes[hop] = *v;
      r.finish();
    }
    // Background signing: CRL keys belong to the CRL era and OCSP re-signing to the OCSP eras; a key of
    // the other era is an error (a planner who writes it expects it to count).
    const bool crl = w.era == Era::CRL;
    for (const char* key :
         {"crl_shards", "crl_period", "crl_entry_bytes", "ocsp_resign_period", "active_certificates"}) {
      const bool crl_key = std::string(key).rfind("crl_", 0) == 0;
      if (YAML::Node k = m.get(key, false); k && !k.IsNull() && crl_key != crl)
        ctx.error(
            k, join("workload", key),
            std::string(key) + (crl_key ? " is for era crl; era " + era_name(w.era) + " publishes OCSP responses"
                                        : " is for the OCSP eras (seed-2021, precert-2021); era crl has no OCSP"));
    }
    w.crl_shards = m.quantity("crl_shards", QuantityKind::COUNT, false, true).value_or(128);
    w.crl_period_s = m.quantity("crl_period", QuantityKind::DURATION, false, true).value_or(6 * kSecondsPerHour);
    // DOMAIN.md: "over 8 GB across shards at 200M revocations", ~40 bytes per entry.
    constexpr double kCrlEntryBytes = 40;
    w.crl_entry_bytes = m.quantity("crl_entry_bytes", QuantityKind::SIZE, false, true).value_or(kCrlEntryBytes);
    w.active_certificates =
        m.quantity("active_certificates", QuantityKind::COUNT, false, true).value_or(w.certificates);
    // 0 turns re-signing off, as absence does; any other period lies in its range.
    const YAML::Node resign = m.get("ocsp_resign_period", false);
    const bool resign_off =
        resign && resign.IsScalar() && parse_quantity(resign.Scalar(), QuantityKind::DURATION).value == 0.0;
    if (!resign_off)
      w.ocsp_resign_period_s = m.quantity("ocsp_resign_period", QuantityKind::DURATION, false, false).value_or(0.0);
    if (YAML::Node k = m.get("cohort_size", false); k && !k.IsNull()) {
      if (k.IsScalar() && k.Scalar() == "auto") {
        w.cohort_size = 0;
      } else if (auto v = m.integer("cohort_size", false, 1)) {
        w.cohort_size = *v;
      }
    }
    m.finish();
  }

  // clients
  if (YAML::Node cl = top.get("clients", true)) {
    MapReader m(ctx, cl, "clients");
    Clients& c = s.clients;
    // Either client classes, each with its share, or ari_share: the ARI clients' share, the rest unreached.
    if (YAML::Node classes = m.get("classes", false); classes && !classes.IsNull()) {
      read_client_classes(ctx, classes, c.classes);
      if (YAML::Node ari = m.get("ari_share", false); ari && !ari.IsNull())
        ctx.error(ari, "clients.ari_share",
                  "'ari_share' and 'classes' exclude each other: give the ARI clients a class with its share");
    } else if (auto v = m.quantity("ari_share", QuantityKind::FRACTION, true, false)) {
      c.ari_share = *v;
    }
    if (auto v = m.quantity("retry_after", QuantityKind::DURATION, false, true)) c.retry_after_s = *v;
    if (auto v = m.quantity("retry_after_jitter", QuantityKind::FRACTION, false, false)) c.retry_after_jitter = *v;
    if (auto v = m.quantity("normal_renewal_span", QuantityKind::DURATION, false, true)) c.normal_renewal_span_s = *v;
    if (auto v = m.quantity("background_issuance", QuantityKind::RATE, false, false)) c.background_issuance_per_s = *v;
    if (YAML::Node poll = m.get("ari_polling", false); poll && !poll.IsNull()) {
      MapReader pm(ctx, poll, "clients.ari_polling");
      if (auto v = pm.quantity("certificates", QuantityKind::COUNT, true, true)) c.ari_polling_certificates = *v;
      pm.finish();
      for (const DataCenter& dc : s.data_centers)
        if (dc.db.reads_per_s <= 0)
          ctx.error(poll, "clients.ari_polling",
                    "'ari_polling' needs 'reads_per_s' on the db of data center '" + dc.name + "'");
    }
    if (YAML::Node win = m.get("window", false); win && !win.IsNull()) {
      MapReader wm(ctx, win, "clients.window");
      if (auto v = wm.quantity("start", QuantityKind::DURATION, false, false)) c.window_start_s = *v;
      c.window_end_s = c.window_start_s;  // a window given by its start alone has no width
      if (auto v = wm.quantity("end", QuantityKind::DURATION, false, false)) c.window_end_s = *v;
      if (c.window_end_s < c.window_start_s)
        ctx.error(win["end"], "clients.window.end", "window end is before its start");
      wm.finish();
    }
    if (YAML::Node b = m.get("clustering", false); b && !b.IsNull()) {
      MapReader bm(ctx, b, "clients.clustering");
      if (auto v = bm.quantity("share", QuantityKind::FRACTION, false, false)) c.burst_share = *v;
      if (auto v = bm.quantity("width", QuantityKind::DURATION, false, true)) c.burst_width_s = *v;
      if (auto v = bm.text("shape", false)) {
        if (*v == "uniform")
          c.burst_shape = BurstShape::UNIFORM;
        else if (*v == "exponential")
          c.burst_shape = BurstShape::EXPONENTIAL;
        else
          ctx.error(b["shape"], "clients.clustering.shape",
                    "unknown shape '" + *v + "'; expected uniform or exponential");
      }
      bm.finish();
    }
    m.finish();
  }

  // incident
  if (YAML::Node inc = top.get("incident", true)) {
    MapReader m(ctx, inc, "incident");
    Incident& i = s.incident;
    if (auto v = m.quantity("decision_delay", QuantityKind::DURATION, true, false)) i.decision_delay_s = *v;
    if (auto v = m.quantity("deadline", QuantityKind::DURATION, true, true)) {
      i.deadline_s = *v;
      if (i.deadline_s <= i.decision_delay_s)
        ctx.error(inc["deadline"], "incident.deadline",
                  "deadline (" + inc["deadline"].Scalar() + ") is not after the decision (" +
                      (inc["decision_delay"] ? inc["decision_delay"].Scalar() : std::string("0s")) + ")");
    }
    i.horizon_s =
        m.quantity("horizon", QuantityKind::DURATION, false, true).value_or(kDefaultHorizonDeadlines * i.deadline_s);
    if (i.horizon_s < i.deadline_s && inc["horizon"])
      ctx.error(inc["horizon"], "incident.horizon", "horizon is before the deadline");
    i.revocation_margin = m.quantity("revocation_margin", QuantityKind::FRACTION, false, false).value_or(0.1);
    i.revocation_slack_s =
        m.quantity("revocation_slack", QuantityKind::DURATION, false, false).value_or(kSecondsPerHour);
    i.db_promotion_delay_s = m.quantity("db_promotion_delay", QuantityKind::DURATION, false, false).value_or(300.0);
    if (YAML::Node batches = m.get("batches", false); batches && !batches.IsNull())
      read_incident_batches(ctx, batches, i);
    m.finish();
  }

  // Each HSM's rate for every key type of the workload, and its curve for the reference key (the
  // first). A profile's fitted key types are rated at the entry's sessions, lambda shape(sessions),
  // unless a rate is written for them.
  const std::vector<KeyShare> keys = s.workload.keys();
  for (size_t d = 0; d < s.data_centers.size(); ++d) {
    DataCenter& dc = s.data_centers[d];
    HsmSpec& hsm = dc.hsm;
    auto& rates = hsm.signatures_per_s_by_key;
    for (const auto& [k, lambda] : hsm.session_rate_by_key) {
      auto curve = hsm.curve_by_key.find(k);
      if (!rates.count(k) && !rates.count("*"))
        rates[k] = lambda * (curve != hsm.curve_by_key.end() ? curve->second : hsm.curve).shape(hsm.sessions);
    }
    const std::string& reference = keys.front().key;
    if (auto curve = hsm.curve_by_key.find(reference); curve != hsm.curve_by_key.end()) hsm.curve = curve->second;
    const std::optional<ProfileNote>& note = profile_notes[d];
    hsm.key_rates_per_s.clear();
    for (const KeyShare& ks : keys) {
      const std::string& key = ks.key;
      auto it = rates.find(key);
      if (it == rates.end()) it = rates.find("*");
      if (it != rates.end()) {
        hsm.key_rates_per_s.push_back(it->second);
      } else if (note) {
        Diagnostic problem = note->at;
        auto unfitted = note->unfitted.find(key);
        if (unfitted != note->unfitted.end()) {
          problem.message = hsm_unfitted_message(note->name, key, unfitted->second);
        } else {
          std::string has;
          for (const std::string& k : note->key_types) has += (has.empty() ? "" : ", ") + k;
          problem.message = "profile " + note->name + ": no key type '" + key + "' (it has: " + has + ")";
        }
        diags.push_back(problem);
      } else if (!rates.empty()) {
        ctx.error_at(dc.hsm_loc, "HSM model '" + dc.hsm.model + "' has no signatures_per_s for key type '" + key +
                                     "' (it has: " + names_of(rates) + ")");
      }
    }
    if (hsm.key_rates_per_s.size() == keys.size()) {
      hsm.signatures_per_s = hsm.key_rates_per_s.front();
    } else {
      hsm.key_rates_per_s.clear();  // a rate is missing: reported above
    }
  }

  // validation: its share of names needing a new validation replaces workload.new_authz_share
  if (YAML::Node va = top.get("validation", false); va && !va.IsNull()) {
    MapReader m(ctx, va, "validation");
    Validation& v = s.validation;
    v.enabled = true;
    if (auto x = m.quantity("reuse_period", QuantityKind::DURATION, false, false)) v.reuse_period_s = *x;
    if (auto x = m.boolean("revalidate_all")) v.revalidate_all = *x;
    if (auto x = m.quantity("validations_per_s", QuantityKind::RATE, true, true)) v.validations_per_s = *x;
    if (auto x = m.quantity("dns_latency", QuantityKind::DURATION, false, false)) v.dns_latency_s = *x;
    if (auto x = m.quantity("http_latency", QuantityKind::DURATION, false, false)) v.http_latency_s = *x;
    m.finish();
    const YAML::Node wl = top.node()["workload"];
    const YAML::Node authz = wl && wl.IsMap() ? wl["new_authz_share"] : YAML::Node();
    if (authz && !authz.IsNull())
      ctx.error(authz, "workload.new_authz_share",
                "'new_authz_share' and 'validation' exclude each other: the validation section sets the share "
                "(reuse_period, revalidate_all)");
    s.workload.new_authz_share = v.new_share(s.clients.normal_renewal_span_s);
  }

  // admission control: both keys required, so that a bound never comes without the retry it causes
  if (YAML::Node ad = top.get("admission", false); ad && !ad.IsNull()) {
    MapReader m(ctx, ad, "admission");
    if (auto v = m.quantity("queue", QuantityKind::COUNT, true, true)) s.admission.queue_certificates = *v;
    if (auto v = m.quantity("retry_after", QuantityKind::DURATION, true, true)) s.admission.retry_after_s = *v;
    m.finish();
  }

  // Certificate Transparency (before the failures, which may name its logs and operators)
  if (YAML::Node ct = top.get("ct", false); ct && !ct.IsNull()) {
    MapReader m(ctx, ct, "ct");
    if (auto v = m.integer("scts_required", false, 1)) s.ct.scts_required = *v;
    YAML::Node logs = m.get("logs", true);
    if (logs && !logs.IsNull() && !logs.IsSequence()) {
      ctx.error(logs, "ct.logs", "'ct.logs' must be a list");
    } else if (logs && logs.IsSequence()) {
      for (size_t i = 0; i < logs.size(); ++i) {
        const std::string label = logs[i].IsMap() ? scalar_or(logs[i]["name"], std::to_string(i)) : std::to_string(i);
        MapReader lm(ctx, logs[i], "ct.logs." + label);
        if (!lm.ok()) continue;
        CtLog l;
        l.loc = SourceLoc{logs[i].Mark().line + 1, logs[i].Mark().column + 1};
        if (auto v = lm.text("name", true)) {
          l.name = *v;
          if (s.ct.log_index(l.name) >= 0)
            ctx.error(logs[i]["name"], join(lm.path(), "name"), "CT log '" + l.name + "' is listed twice");
        }
        if (auto v = lm.text("operator", true)) l.operator_name = *v;
        if (auto v = lm.quantity("rate", QuantityKind::RATE, true, true)) l.rate_per_s = *v;
        if (auto v = lm.quantity("latency", QuantityKind::DURATION, false, false)) l.latency_s = *v;
        lm.finish();
        s.ct.logs.push_back(l);
      }
      const size_t operators = s.ct.operators().size();
      if (!s.ct.logs.empty() && operators < static_cast<size_t>(s.ct.scts_required))
        ctx.error(ct, "ct",
                  "needs SCTs from " + std::to_string(s.ct.scts_required) + " different operators but the logs have " +
                      std::to_string(operators) + " operator(s)");
      if (logs.size() == 0) ctx.error(logs, "ct.logs", "'ct.logs' must list at least one log");
    }
    m.finish();
  }

  // failures
  if (YAML::Node fl = top.get("failures", false); fl && !fl.IsNull()) {
    if (!fl.IsSequence()) {
      ctx.error(fl, "failures", "'failures' must be a list");
    } else {
      for (size_t i = 0; i < fl.size(); ++i) {
        MapReader m(ctx, fl[i], "failures." + std::to_string(i));
        if (!m.ok()) continue;
        Failure f;
        f.loc = SourceLoc{fl[i].Mark().line + 1, fl[i].Mark().column + 1};
        int kinds = 0;
        std::string why;
        if (auto v = m.text("data_center", false)) {
          ++kinds, f.kind = FailureKind::DATA_CENTER, f.target = *v;
          if (v->find('/') != std::string::npos || !place_exists(s, *v, false, why))
            ctx.error(fl[i]["data_center"], m.path() + ".data_center",
                      why.empty() ? "'" + *v + "' is not a data center" : why);
        }
        if (auto v = m.text("hsm", false)) {
          ++kinds, f.kind = FailureKind::HSM, f.target = *v;
          if (v->find("/hsm-") == std::string::npos || !place_exists(s, *v, false, why))
            ctx.error(fl[i]["hsm"], m.path() + ".hsm",
                      why.empty() ? "'" + *v + "' is not an HSM; write <data center>/hsm-<n>" : why);
        }
        if (auto v = m.text("db_writer", false)) {
          ++kinds, f.kind = FailureKind::DB_WRITER;
          if (*v != "lost") ctx.error(fl[i]["db_writer"], m.path() + ".db_writer", "db_writer failure must be 'lost'");
        }
        if (auto v = m.text("link", false)) {
          std::string not_a_link;
          ++kinds, f.kind = FailureKind::LINK, f.target = wan_link_named(s, *v, not_a_link);
          if (f.target.empty()) ctx.error(fl[i]["link"], m.path() + ".link", not_a_link);
        }
        if (auto v = m.text("ct_log", false)) {
          ++kinds, f.kind = FailureKind::CT_LOG, f.target = *v;
          if (s.ct.log_index(*v) < 0)
            ctx.error(fl[i]["ct_log"], m.path() + ".ct_log", "'" + *v + "' is not a CT log" + ct_names(s, false));
        }
        if (auto v = m.text("ct_operator", false)) {
          ++kinds, f.kind = FailureKind::CT_OPERATOR, f.target = *v;
          const std::vector<std::string> ops = s.ct.operators();
          if (std::find(ops.begin(), ops.end(), *v) == ops.end())
            ctx.error(fl[i]["ct_operator"], m.path() + ".ct_operator",
                      "'" + *v + "' is not a CT log operator" + ct_names(s, true));
        }
        if (kinds != 1)
          ctx.error(fl[i], m.path(),
                    "a failure names exactly one of data_center, hsm, db_writer, link, ct_log, ct_operator");
        if (auto v = m.quantity("at", QuantityKind::DURATION, true, false)) f.at_s = *v;
        // Only a CT log comes back: the other failures' repairs (a data center's return, a writer
        // rejoining) are not modelled.
        const bool ct_kind = f.kind == FailureKind::CT_LOG || f.kind == FailureKind::CT_OPERATOR;
        if (YAML::Node u = m.get("until", false); u && !u.IsNull()) {
          if (!ct_kind || kinds != 1) {
            ctx.error(u, m.path() + ".until",
                      "'until' is only for ct_log and ct_operator failures: other failures are permanent");
          } else if (auto v = m.quantity("until", QuantityKind::DURATION, false, false)) {
            f.until_s = *v;
            if (f.until_s <= f.at_s) ctx.error(u, m.path() + ".until", "'until' must be after 'at'");
          }
        }
        m.finish();
        s.failures.push_back(f);
      }
    }
  }

  // background transfers
  if (YAML::Node tl = top.get("transfers", false); tl && !tl.IsNull()) {
    if (!tl.IsSequence()) {
      ctx.error(tl, "transfers", "'transfers' must be a list");
    } else {
      for (size_t i = 0; i < tl.size(); ++i) {
        const std::string label = tl[i].IsMap() ? scalar_or(tl[i]["name"], std::to_string(i)) : std::to_string(i);
        MapReader m(ctx, tl[i], "transfers." + label);
        if (!m.ok()) continue;
        Transfer t;
        t.loc = SourceLoc{tl[i].Mark().line + 1, tl[i].Mark().column + 1};
        if (auto v = m.text("name", true)) t.name = *v;
        for (const char* end : {"from", "to"}) {
          if (auto v = m.text(end, true)) {
            std::string why;
            if (!place_exists(s, *v, std::string(end) == "to", why)) ctx.error(tl[i][end], join(m.path(), end), why);
            (std::string(end) == "from" ? t.from : t.to) = *v;
          }
        }
        if (auto v = m.quantity("size", QuantityKind::SIZE, true, true)) t.bytes = *v;
        if (auto v = m.quantity("start", QuantityKind::DURATION, false, false)) t.start_s = *v;
        m.finish();
        s.transfers.push_back(t);
      }
    }
  }

  top.finish();
  return s;
}

// ---- overrides ---------------------------------------------------------------------------------

// A copy of a YAML tree whose nodes carry no position, so that errors on them name the override that
// wrote them instead of a line of the scenario file.
YAML::Node without_marks(const YAML::Node& n) {
  if (n.IsScalar()) {
    YAML::Node out;
    out = n.Scalar();
    return out;
  }
  if (n.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const YAML::Node& el : n) out.push_back(without_marks(el));
    return out;
  }
  if (n.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& kv : n) out[kv.first.Scalar()] = without_marks(kv.second);
    return out;
  }
  return YAML::Node(YAML::NodeType::Null);
}

// Applies one override to the YAML tree; returns the normalised path (list elements by name) or
// reports why it cannot apply.
std::optional<std::string> apply_override(YAML::Node root, const Override& o, std::vector<Diagnostic>& diags) {
  std::vector<std::string> parts;
  std::stringstream in(o.path);
  for (std::string p; std::getline(in, p, '.');) parts.push_back(p);
  auto bad = [&](const std::string& why) {
    diags.push_back(Diagnostic{"--set " + o.path + "=" + o.value, 0, 0, why, ""});
    return std::nullopt;
  };
  if (parts.empty() || o.path.empty()) return bad("empty path");
  YAML::Node node = root;
  std::string normal;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty()) return bad("empty path element");
    const bool last = i + 1 == parts.size();
    if (node.IsSequence()) {
      std::optional<size_t> index;
      for (size_t j = 0; j < node.size(); ++j)
        if (node[j].IsMap() && scalar_or(node[j]["name"], "") == part) index = j;
      constexpr size_t kMaxIndexDigits = 9;  // std::stoul would throw on a longer one; no list is that long
      if (!index && part.size() <= kMaxIndexDigits && part.find_first_not_of("0123456789") == std::string::npos &&
          std::stoul(part) < node.size())
        index = std::stoul(part);
      if (!index) return bad("no element '" + part + "' in '" + normal + "'");
      YAML::Node el = node[*index];
      normal = join(normal, el.IsMap() ? scalar_or(el["name"], std::to_string(*index)) : std::to_string(*index));
      if (last) return bad("'" + normal + "' is a list element, not a value");
      node.reset(el);
      continue;
    }
    if (!node.IsMap() && !node.IsNull() && node.IsDefined()) return bad("'" + normal + "' is a value, not a map");
    normal = join(normal, part);
    if (last) {
      YAML::Node value;
      if (!o.value.empty() && (o.value.front() == '[' || o.value.front() == '{')) {
        // A list or a map written whole in YAML flow style, e.g. failures=[{data_center: dc2, at: 0h}].
        try {
          value = without_marks(YAML::Load(o.value));
        } catch (const YAML::Exception& e) {
          return bad("YAML syntax in the value: " + e.msg);
        }
      } else {
        value = o.value;  // a plain scalar with no mark: errors on it name the override
      }
      node[part] = value;
      return normal;
    }
    YAML::Node child = node[part];
    if (!child.IsDefined() || child.IsNull()) {
      node[part] = YAML::Node(YAML::NodeType::Map);
      child = node[part];
    }
    node.reset(child);
  }
  return normal;
}

// Every data center must reach the writer's (issuance and replication cross the WAN), and every
// transfer must have a path: a scenario that cannot route its traffic is bad input, not a crash.
void check_connectivity(Context& ctx, const Scenario& s) {
  const Topology topo(s);
  const int writer_dc = s.writer_data_center();
  const int writer = topo.find(host_name(s.data_centers[static_cast<size_t>(writer_dc)].name, "db-writer"));
  for (const DataCenter& dc : s.data_centers) {
    if (dc.db_writer) continue;
    if (topo.route(topo.find(host_name(dc.name, "frontend")), writer).empty())
      ctx.error_at(dc.loc, "data center '" + dc.name + "' has no WAN path to the DB writer in '" +
                               s.data_centers[static_cast<size_t>(writer_dc)].name + "'");
  }
  for (const Transfer& t : s.transfers) {
    const int a = topo.place(t.from), b = topo.place(t.to);
    if (a >= 0 && a == b) {
      ctx.error_at(t.loc, "transfer '" + t.name + "' goes from '" + t.from + "' to the same host");
    } else if (a < 0 || b < 0 || topo.route(a, b).empty())
      ctx.error_at(t.loc, "transfer '" + t.name + "' has no network path from '" + t.from + "' to '" + t.to + "'" +
                              (t.to == "cloud" || t.from == "cloud" ? " (no WAN link reaches the cloud)" : ""));
  }
}

// At most kMaxCohorts cohorts travel through the simulator, so a cohort_size written out has a floor that
// grows with what travels (the affected certificates and the normal issuance over the horizon).
void check_cohorts(Context& ctx, const YAML::Node& root, const Scenario& s) {
  const int k = s.workload.cohort_size;
  if (k <= 0) return;  // auto: a fixed number of cohorts
  const double travelling = s.workload.certificates + s.clients.background_issuance_per_s * s.incident.horizon_s;
  const double least = std::max(1.0, std::ceil(travelling / kMaxCohorts));
  if (k >= least) return;
  const YAML::Node& top = root;
  const YAML::Node n = top["workload"]["cohort_size"];
  const KeyRange* range = find_key_range("workload.cohort_size", false);
  ctx.error(n, "workload.cohort_size",
            "'workload.cohort_size' must be in [" + std::to_string(static_cast<long long>(least)) + ", " +
                std::string(range->max) + "], got '" + scalar_or(n, std::to_string(k)) + "' (at most " +
                format_count(kMaxCohorts) + " cohorts of " + format_count(travelling) +
                " travelling certificates: each cohort is a simulated message)");
}

}  // namespace

std::string Diagnostic::headline() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string Diagnostic::render() const {
  std::string out = headline();
  if (line > 0 && !source_line.empty()) {
    out += "\n" + source_line + "\n" + std::string(static_cast<size_t>(column > 0 ? column - 1 : 0), ' ') + "^";
  }
  return out;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics) : diagnostics_(std::move(diagnostics)) {}

const char* ScenarioError::what() const noexcept {
  if (what_.empty()) {
    try {
      for (const Diagnostic& d : diagnostics_) what_ += (what_.empty() ? "" : "\n") + d.render();
    } catch (const std::bad_alloc&) {
      return "scenario error (out of memory while rendering its diagnostics)";
    }
  }
  return what_.c_str();
}

Override parse_override(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError({Diagnostic{"--set " + text, 0, 0, "expected path=value, e.g. incident.deadline=20h", ""}});
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

Scenario parse_scenario(const std::string& text, const std::string& file, const std::vector<Override>& overrides) {
  std::vector<Diagnostic> diags;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const std::string src = e.mark.line >= 0 ? line_at(text, static_cast<size_t>(e.mark.line)) : "";
    throw ScenarioError({Diagnostic{file, e.mark.line + 1, e.mark.column + 1, "YAML syntax: " + e.msg, src}});
  }
  if (!root.IsMap()) throw ScenarioError({Diagnostic{file, 1, 1, "a scenario is a YAML map of keys to values", ""}});

  std::map<std::string, std::string> applied;  // normalised path -> value, for error messages
  for (const Override& o : overrides)
    if (auto normal = apply_override(root, o, diags)) applied[*normal] = o.value;
  if (!diags.empty()) throw ScenarioError(std::move(diags));

  Context ctx(file, text, &applied, diags);
  ctx.use_ranges(KeyRanges::SCENARIO);
  Scenario s = read_scenario(ctx, root, file, diags);
  if (diags.empty()) check_cohorts(ctx, root, s);
  if (diags.empty()) check_connectivity(ctx, s);
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  // Once, here, for every front end (run, analyze, sweep points, the workbench, the fuzz targets): a value
  // that got past the ranges is a bug report (InvariantError), never an answer.
  check_invariants(s);
  return s;
}

namespace {
// A path written in a file in `from_dir` (or given on the command line, relative to the current directory),
// rewritten for a file in `to_dir`. Absolute paths stay as they are.
std::string rebase_path(const std::string& written, const std::filesystem::path& from_dir,
                        const std::filesystem::path& to_dir) {
  namespace fs = std::filesystem;
  const fs::path p(written);
  if (p.is_absolute()) return written;
  const fs::path target = fs::absolute(from_dir / p).lexically_normal();
  const fs::path rel = target.lexically_relative(fs::absolute(to_dir).lexically_normal());
  return rel.empty() ? target.string() : rel.string();
}

bool from_file(const YAML::Node& n) {
  return !n.Mark().is_null() && n.Mark().line >= 0;
}
}  // namespace

std::string write_scenario_yaml(const std::string& text, const std::string& file,
                                const std::vector<Override>& overrides, const std::string& save_path) {
  namespace fs = std::filesystem;
  parse_scenario(text, file, overrides);  // the same validation, the same errors: nothing is written otherwise
  YAML::Node root = YAML::Load(text);
  std::vector<Diagnostic> diags;
  for (const Override& o : overrides) apply_override(root, o, diags);
  const fs::path old_dir = fs::path(file).parent_path(), new_dir = fs::path(save_path).parent_path();
  const fs::path cwd = fs::current_path();
  if (root["catalogue"]) {
    root["catalogue"] = rebase_path(root["catalogue"].Scalar(), from_file(root["catalogue"]) ? old_dir : cwd, new_dir);
  } else if (fs::absolute(old_dir).lexically_normal() != fs::absolute(new_dir).lexically_normal()) {
    // The default catalogue is found beside the scenario's folder: name it, so that the copy finds the same.
    fs::path cat = old_dir / ".." / "data" / "catalogue.yaml";
    if (!fs::exists(cat)) cat = fs::path(SURGE_SOURCE_DIR) / "data" / "catalogue.yaml";
    root["catalogue"] = rebase_path(cat.string(), ".", new_dir);
  }
  if (root["data_centers"] && root["data_centers"].IsSequence()) {
    for (YAML::Node dc : root["data_centers"]) {
      for (const char* part : {"hsm", "db"}) {
        YAML::Node n = dc[part];
        if (!n.IsMap() || !n["profile"]) continue;
        n["profile"] = rebase_path(n["profile"].Scalar(), from_file(n["profile"]) ? old_dir : cwd, new_dir);
      }
    }
  }
  // The file's leading comment block (name, question, sources), then a note of what was changed.
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && line.rfind('#', 0) == 0;) out += line + "\n";
  if (!overrides.empty()) {
    out += "# Edited from " + file + " with:\n";
    for (const Override& o : overrides) out += "#   --set '" + o.path + "=" + o.value + "'\n";
  }
  YAML::Emitter emit;
  emit << root;
  return out + emit.c_str() + "\n";
}

Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  std::ifstream in(path);
  if (!in) throw ScenarioError({Diagnostic{path, 0, 0, "cannot read the scenario file", ""}});
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_scenario(buf.str(), path, overrides);
}

}  // namespace surge
