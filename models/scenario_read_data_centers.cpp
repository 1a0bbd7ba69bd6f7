// The scenario's `data_centers`: each one's fabric, HSM group, database and API, from the catalogue's
// models with the fields written beside them; then, once the workload's key types are known, each HSM's
// rate for every key type. Also where a place ("dc1", "dc1/hsm-2", "cloud") exists, for the sections that
// name one.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/calibration_profile.hpp"
#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

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
  YAML::Node n = m.get("model", Need::REQUIRED);
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

// The data center's fabric: a catalogue name, or a map {model, bandwidth?, latency?}.
void read_dc_fabric(Context& ctx, MapReader& m, const Catalogue& cat, DataCenter& dc) {
  YAML::Node fab = m.get("fabric", Need::REQUIRED);
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
    read_fabric_fields(f, dc.fabric, Need::OPTIONAL);
    f.finish();
  }
}

// The data center's HSM group; `note` receives its profile (the entry's, else its catalogue model's).
void read_dc_hsm(Context& ctx, MapReader& m, const Catalogue& cat, const std::filesystem::path& base_dir,
                 DataCenter& dc, std::optional<ProfileNote>& note) {
  YAML::Node hsm = m.get("hsm", Need::REQUIRED);
  if (hsm) {
    dc.hsm_loc = SourceLoc{hsm.Mark().line + 1, hsm.Mark().column + 1};
    MapReader h(ctx, hsm, join(m.path(), "hsm"));
    if (auto spec = catalogue_entry(ctx, h, cat.hsm, "HSM", cat)) {
      dc.hsm = *spec;
      if (auto it = cat.hsm_profile.find(spec->model); it != cat.hsm_profile.end()) note = it->second;
    }
    if (auto v = h.integer("count", Need::REQUIRED, 1)) dc.hsm_count = *v;
    read_hsm_fields(h, dc.hsm, Need::OPTIONAL, base_dir, note);
    h.finish();
  }
}

// The data center's database server(s): the writer, if it is here, and its replicas.
void read_dc_db(Context& ctx, MapReader& m, const Catalogue& cat, const std::filesystem::path& base_dir,
                DataCenter& dc) {
  YAML::Node db = m.get("db", Need::REQUIRED);
  if (db) {
    MapReader d(ctx, db, join(m.path(), "db"));
    std::optional<Diagnostic> unfitted;  // the entry's profile's, else its catalogue model's
    if (auto spec = catalogue_entry(ctx, d, cat.db, "database", cat)) {
      dc.db = *spec;
      if (auto it = cat.db_unfitted.find(spec->model); it != cat.db_unfitted.end()) unfitted = it->second;
    }
    if (auto v = d.boolean("writer")) dc.db_writer = *v;
    if (auto v = d.integer("replicas", Need::OPTIONAL, 0)) dc.db_replicas = *v;
    read_db_fields(d, dc.db, Need::OPTIONAL, base_dir, unfitted);
    resolve_db_rate(ctx, dc.db, unfitted);
    d.finish();
  }
}

// Reads one data center; `note` receives the HSM's profile (the entry's, else its catalogue model's).
void read_data_center(Context& ctx, MapReader& m, const Catalogue& cat, const std::filesystem::path& base_dir,
                      DataCenter& dc, std::optional<ProfileNote>& note) {
  dc.loc = SourceLoc{m.node().Mark().line + 1, m.node().Mark().column + 1};
  if (auto v = m.text("name", Need::REQUIRED)) dc.name = *v;
  read_dc_fabric(ctx, m, cat, dc);
  read_dc_hsm(ctx, m, cat, base_dir, dc, note);
  read_dc_db(ctx, m, cat, base_dir, dc);
  // The ACME front end fleet's capacity (optional: without it the API is not modelled here).
  if (YAML::Node api = m.get("api", Need::OPTIONAL); api && !api.IsNull()) {
    MapReader a(ctx, api, join(m.path(), "api"));
    if (auto v = a.quantity("requests_per_s", QuantityKind::RATE, Need::REQUIRED, Sign::POSITIVE))
      dc.api_requests_per_s = *v;
    a.finish();
  }
  m.finish();
}

// The problem of a key type the workload issues with and the HSM's profile has no rate for.
Diagnostic missing_profile_key(const ProfileNote& note, const std::string& key) {
  Diagnostic problem = note.at;
  auto unfitted = note.unfitted.find(key);
  if (unfitted != note.unfitted.end()) {
    problem.message = hsm_unfitted_message(note.name, key, unfitted->second);
  } else {
    std::string has;
    for (const std::string& k : note.key_types) has += (has.empty() ? "" : ", ") + k;
    problem.message = "profile " + note.name + ": no key type '" + key + "' (it has: " + has + ")";
  }
  return problem;
}

// One data center's HSM rate for every key type of the workload (`keys`), and its curve for the reference
// key (the first); `note` is its profile, if any.
void resolve_dc_hsm_rates(Context& ctx, DataCenter& dc, const std::vector<KeyShare>& keys,
                          const std::optional<ProfileNote>& note) {
  HsmSpec& hsm = dc.hsm;
  auto& rates = hsm.signatures_per_s_by_key;
  for (const auto& [k, lambda] : hsm.session_rate_by_key) {
    auto curve = hsm.curve_by_key.find(k);
    if (!rates.count(k) && !rates.count("*"))
      rates[k] = lambda * (curve != hsm.curve_by_key.end() ? curve->second : hsm.curve).shape(hsm.sessions);
  }
  const std::string& reference = keys.front().key;
  if (auto curve = hsm.curve_by_key.find(reference); curve != hsm.curve_by_key.end()) hsm.curve = curve->second;
  hsm.key_rates_per_s.clear();
  for (const KeyShare& ks : keys) {
    const std::string& key = ks.key;
    auto it = rates.find(key);
    if (it == rates.end()) it = rates.find("*");
    if (it != rates.end()) {
      hsm.key_rates_per_s.push_back(it->second);
    } else if (note) {
      ctx.error_from(missing_profile_key(*note, key));
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

}  // namespace

std::vector<std::optional<ProfileNote>> read_data_centers(MapReader& top, const Catalogue& cat, Scenario& s) {
  Context& ctx = ctx_of(top);
  std::vector<std::optional<ProfileNote>> profile_notes;
  YAML::Node dcs = top.get("data_centers", Need::REQUIRED);
  if (!dcs) return profile_notes;
  if (!dcs.IsSequence() || dcs.size() == 0) {
    ctx.error(dcs, "data_centers", "'data_centers' must be a non-empty list");
    return profile_notes;
  }
  for_each_map(ctx, dcs, "data_centers", "name", [&](MapReader& m, const YAML::Node& item, size_t) {
    DataCenter dc;
    std::optional<ProfileNote> note;
    read_data_center(ctx, m, cat, std::filesystem::path(s.file).parent_path(), dc, note);
    profile_notes.push_back(note);
    // A missing name is reported once, as missing (a second unnamed one is not "defined twice").
    if (!dc.name.empty() && s.data_center_index(dc.name) >= 0)
      ctx.error(item["name"], m.path() + ".name", "data center '" + dc.name + "' is defined twice");
    s.data_centers.push_back(dc);
  });
  int writers = 0;
  for (const DataCenter& dc : s.data_centers) writers += dc.db_writer ? 1 : 0;
  if (writers != 1 && !s.data_centers.empty())
    ctx.error(dcs, "data_centers",
              "exactly one data center must hold the DB writer (db: {writer: true}), found " + std::to_string(writers));
  return profile_notes;
}

void resolve_hsm_rates(Context& ctx, Scenario& s, const std::vector<std::optional<ProfileNote>>& profile_notes) {
  const std::vector<KeyShare> keys = s.workload.keys();
  for (size_t d = 0; d < s.data_centers.size(); ++d)
    resolve_dc_hsm_rates(ctx, s.data_centers[d], keys, profile_notes[d]);
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

}  // namespace surge::detail
