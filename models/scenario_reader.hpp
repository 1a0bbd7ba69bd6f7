// What the scenario parser's readers share: scenario_parser.cpp (the entry points and the order the
// sections are read in) and one scenario_read_<section>.cpp per part of the file. Internal to
// surge_models: not part of any public interface (include scenario_parser.hpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "models/scenario_parser.hpp"
#include "models/yaml_reader.hpp"

namespace surge::detail {

using yaml_input::Context;
using yaml_input::join;
using yaml_input::KeyRanges;
using yaml_input::line_at;
using yaml_input::MapReader;
using yaml_input::Need;
using yaml_input::need_if;
using yaml_input::scalar_or;
using yaml_input::Sign;

/// The schema scenarios and the catalogue are written in.
inline constexpr int kSchemaVersion = 1;

/// The Context `m` reports to.
inline Context& ctx_of(const MapReader& m) {
  return m.context();
}

// ---- the hardware catalogue and its entries (scenario_read_catalogue.cpp) -----------------------

/// A profile an HSM entry names, kept for the problems that depend on the workload's key type (read
/// after the data centers).
struct ProfileNote {
  std::string name;                             ///< the path as written
  Diagnostic at;                                ///< the `profile` value; its message is filled in later
  std::vector<std::string> key_types;           ///< every key type the profile has
  std::map<std::string, std::string> unfitted;  ///< key type -> why the calibration could not fit it
};

/// The hardware catalogue: HSM, DB and fabric models by name.
struct Catalogue {
  std::string file;
  bool readable = true;  ///< false: missing, a directory or unopenable (reported once; nothing else is checked)
  std::map<std::string, HsmSpec> hsm;
  std::map<std::string, ProfileNote> hsm_profile;  ///< by HSM model, for entries that name a profile
  std::map<std::string, DbSpec> db;
  std::map<std::string, Diagnostic> db_unfitted;  ///< by DB model, for entries naming an unidentified profile
  std::map<std::string, FabricSpec> fabric;
};

/// Reads HSM fields present in m onto spec (a catalogue entry, or overrides in a scenario). A `profile`
/// (relative to base_dir; to the current directory when it comes from --set) replaces the rates, curve
/// and source spec had; rates, sigma, kappa and source written beside it override the profile's.
void read_hsm_fields(MapReader& m, HsmSpec& spec, Need need, const std::filesystem::path& base_dir,
                     std::optional<ProfileNote>& note);

/// Reads DB fields present in m onto spec (a catalogue entry, or overrides in a scenario). A `profile`
/// (paths as for the HSM's) replaces the rate, curve and source spec had: its commits fit is rated at the
/// connections once the entry is read (resolve_db_rate); commits_per_s, sigma, kappa and source written
/// beside it override the profile's. `unfitted` receives the problem of a profile whose commits curve is
/// unidentified, reported only if no rate is written (resolve_db_rate).
void read_db_fields(MapReader& m, DbSpec& spec, Need need, const std::filesystem::path& base_dir,
                    std::optional<Diagnostic>& unfitted);

/// The DB's commits/s once its entry is read: unless a rate is written, a profile's fit at the entry's
/// connections, lambda shape(connections); a profile without a fitted curve is a problem only then.
void resolve_db_rate(Context& ctx, DbSpec& spec, const std::optional<Diagnostic>& unfitted);

/// Reads fabric fields present in m onto spec (a catalogue entry, or overrides in a scenario).
void read_fabric_fields(MapReader& m, FabricSpec& spec, Need need);

/// The catalogue a scenario in `scenario_dir` reads when it names none: data/catalogue.yaml beside its
/// folder, else the source tree's.
std::filesystem::path default_catalogue(const std::filesystem::path& scenario_dir);

/// The catalogue at `path`, read once per process and again only when the file's size or modification
/// time changes; its problems (or that it cannot be read, reported at `at`) are appended to diags.
std::shared_ptr<const Catalogue> cached_catalogue(const std::string& path, const Diagnostic& at,
                                                  std::vector<Diagnostic>& diags);

// ---- what several sections share (scenario_parser.cpp) ---------------------------------------

/// Reads a distribution's shape from dm: {distribution: deterministic | exponential | lognormal (cv) |
/// empirical (sample)}; returns an empirical sample's mean before it is rescaled to 1 (0 otherwise).
double read_distribution(MapReader& dm, Distribution& target);

/// Shares of a whole (client classes, key types, incident batches) must add up to 100%.
void check_share_total(Context& ctx, const YAML::Node& node, const std::string& path, const std::string& what,
                       double total);

/// Reads each item of the YAML list `list`, written at `path`, as a map: `item(m, node, i)` with m a
/// MapReader at "<path>.<label>", the label the item's `label_key` value (e.g. "name"; nullptr: none) or,
/// without one, its index. An item that is not a map is reported (by MapReader) and skipped. Returns
/// whether every item was a map.
template <typename Item>
bool for_each_map(Context& ctx, const YAML::Node& list, const std::string& path, const char* label_key, Item&& item) {
  bool all_maps = true;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node node = list[i];
    const std::string index = std::to_string(i);
    const std::string label = label_key && node.IsMap() ? scalar_or(node[label_key], index) : index;
    MapReader m(ctx, node, path + "." + label);
    if (!m.ok()) {
      all_maps = false;
      continue;
    }
    item(m, node, i);
  }
  return all_maps;
}

/// A list whose items are shares of a whole (client classes, key types, incident batches), read as
/// for_each_map reads it; `item` returns the item's share, or nothing when it has none to count. When
/// every item is a map with a share, the shares must add up to 100% (check_share_total, `what`).
template <typename Item>
void read_share_list(Context& ctx, const YAML::Node& list, const std::string& path, const char* label_key,
                     const std::string& what, Item&& item) {
  double total = 0;
  bool every_share = true;
  const bool all_maps = for_each_map(ctx, list, path, label_key, [&](MapReader& m, const YAML::Node& node, size_t i) {
    const std::optional<double> share = item(m, node, i);
    total += share.value_or(0.0);
    every_share = every_share && share.has_value();
  });
  if (all_maps && every_share) check_share_total(ctx, list, path, what, total);
}

/// The list at `key` of `top`, or an empty node when it is absent or null; `not_a_list` is the problem
/// reported (and an empty node returned) when it is something else.
inline YAML::Node optional_list(MapReader& top, const char* key, const std::string& not_a_list) {
  YAML::Node list = top.get(key, Need::OPTIONAL);
  if (!list || list.IsNull()) return YAML::Node();
  if (!list.IsSequence()) {
    ctx_of(top).error(list, key, not_a_list);
    return YAML::Node();
  }
  return list;
}

/// "dc1", "dc1/db-writer", "dc1/hsm-2", "cloud" (if allow_cloud): whether the place exists; `why` if not.
bool place_exists(const Scenario& s, const std::string& place, bool allow_cloud, std::string& why);

// ---- the sections, in the order read_scenario reads them (scenario_read_<section>.cpp) ------
// Each reads its top-level key from `top` onto s, reporting problems to top's Context.

/// `data_centers`; returns, by data center, the profile its HSM names (for resolve_hsm_rates).
std::vector<std::optional<ProfileNote>> read_data_centers(MapReader& top, const Catalogue& cat, Scenario& s);
void read_wan(MapReader& top, Scenario& s);
void read_workload(MapReader& top, Scenario& s);
void read_clients(MapReader& top, Scenario& s);
void read_incident(MapReader& top, Scenario& s);
/// Each HSM's rate for every key type of the workload, and its curve for the reference key (the first):
/// a profile's fitted key types are rated at the entry's sessions unless a rate is written for them.
void resolve_hsm_rates(Context& ctx, Scenario& s, const std::vector<std::optional<ProfileNote>>& profile_notes);
void read_validation(MapReader& top, Scenario& s);
void read_admission(MapReader& top, Scenario& s);
void read_ct(MapReader& top, Scenario& s);
void read_failures(MapReader& top, Scenario& s);
void read_transfers(MapReader& top, Scenario& s);

// ---- overrides (scenario_overrides.cpp) ------------------------------------------------------

/// Applies one override to the YAML tree; returns the normalised path (list elements by name) or
/// reports why it cannot apply.
std::optional<std::string> apply_override(YAML::Node root, const Override& o, std::vector<Diagnostic>& diags);

}  // namespace surge::detail
