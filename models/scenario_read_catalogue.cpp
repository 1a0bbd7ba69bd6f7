// The hardware catalogue (data/catalogue.yaml, or the file a scenario names) and the HSM, DB and fabric
// fields its entries share with a scenario's data centers, which may override them; the calibration
// profiles (JSON written by `surge calibrate hsm|db`, read by calibration_profile) an entry may name.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include "models/calibration_profile.hpp"
#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// The `profile` value of an entry, when one is written.
struct ProfileRef {
  YAML::Node node;   // the value, where its problems are reported
  std::string path;  // its scenario path, e.g. data_centers.dc1.db.profile
  std::string file;  // the file it names
};

// Reads m's `profile`: relative to base_dir, or to the current directory when it comes from --set;
// absolute paths as they are. Reports a value that is not a single one.
std::optional<ProfileRef> profile_ref(MapReader& m, const std::filesystem::path& base_dir) {
  YAML::Node p = m.get("profile", Need::OPTIONAL);
  if (!p || p.IsNull()) return std::nullopt;
  const std::string path = join(m.path(), "profile");
  if (!p.IsScalar()) {
    ctx_of(m).error(p, path, "'profile' must be a single value");
    return std::nullopt;
  }
  const bool from_set = p.Mark().is_null() || p.Mark().line < 0;
  std::filesystem::path file(p.Scalar());
  if (!from_set && file.is_relative()) file = base_dir / file;
  return ProfileRef{p, path, file.lexically_normal().string()};
}

void read_curve(MapReader& m, CapacityCurve& curve) {
  if (auto v = m.quantity("sigma", QuantityKind::COUNT, Need::OPTIONAL, Sign::NON_NEGATIVE)) curve.sigma = *v;
  if (auto v = m.quantity("kappa", QuantityKind::COUNT, Need::OPTIONAL, Sign::NON_NEGATIVE)) curve.kappa = *v;
}

}  // namespace

void read_hsm_fields(MapReader& m, HsmSpec& spec, Need need, const std::filesystem::path& base_dir,
                     std::optional<ProfileNote>& note) {
  const std::optional<ProfileRef> ref = profile_ref(m, base_dir);
  const bool profiled = ref.has_value();
  // A profile gives the rate, curve and source: then they may be left out.
  const Need unless_profiled = need_if(need == Need::REQUIRED && !profiled);
  if (ref) {
    // Cleared even when the profile is unusable, so that its problem is not followed by a missing rate.
    spec.signatures_per_s_by_key.clear();
    spec.session_rate_by_key.clear();
    spec.curve_by_key.clear();
    note.reset();
    HsmProfile profile;
    if (auto problem = read_hsm_profile(ref->file, ref->node.Scalar(), profile)) {
      ctx_of(m).error(ref->node, ref->path, *problem);
    } else {
      ProfileNote found{ref->node.Scalar(), ctx_of(m).locate(ref->node, ref->path), {}, {}};
      for (const auto& [key, fit] : profile.key_types) {
        found.key_types.push_back(key);
        if (!fit.identified) {
          found.unfitted[key] = fit.reason;
          continue;
        }
        spec.session_rate_by_key[key] = fit.lambda;
        spec.curve_by_key[key] = fit.curve;
      }
      spec.curve = CapacityCurve{};
      spec.source = profile.source;
      note = found;
    }
  }
  // One rate for every key type, or a map of rates by key type ({rsa-2048: 10k/s, ecdsa-p384: 7k/s}).
  YAML::Node rates = m.get("signatures_per_s", unless_profiled);
  if (rates && rates.IsMap()) {
    MapReader r(ctx_of(m), rates, join(m.path(), "signatures_per_s"));
    for (auto it = rates.begin(); it != rates.end(); ++it) {
      if (!it->first.IsScalar()) continue;  // reported by finish()
      const std::string key = it->first.Scalar();
      if (auto v = r.quantity(key, QuantityKind::RATE, Need::REQUIRED, Sign::POSITIVE))
        spec.signatures_per_s_by_key[key] = *v;
    }
    r.finish();
  } else if (auto v = m.quantity("signatures_per_s", QuantityKind::RATE, unless_profiled, Sign::POSITIVE)) {
    spec.signatures_per_s_by_key.clear();
    spec.signatures_per_s_by_key["*"] = *v;
  }
  if (auto v = m.integer("sessions", need, 1)) spec.sessions = *v;
  // sigma or kappa written here holds for every key type, the profile's included.
  const auto sigma = m.quantity("sigma", QuantityKind::COUNT, Need::OPTIONAL, Sign::NON_NEGATIVE);
  const auto kappa = m.quantity("kappa", QuantityKind::COUNT, Need::OPTIONAL, Sign::NON_NEGATIVE);
  if (sigma) spec.curve.sigma = *sigma;
  if (kappa) spec.curve.kappa = *kappa;
  for (auto& [key, curve] : spec.curve_by_key) {
    if (sigma) curve.sigma = *sigma;
    if (kappa) curve.kappa = *kappa;
  }
  if (auto v = m.text("source", unless_profiled)) spec.source = *v;
}

void read_db_fields(MapReader& m, DbSpec& spec, Need need, const std::filesystem::path& base_dir,
                    std::optional<Diagnostic>& unfitted) {
  const std::optional<ProfileRef> ref = profile_ref(m, base_dir);
  const bool profiled = ref.has_value();
  // A profile gives the rate, curve and source: then they may be left out.
  const Need unless_profiled = need_if(need == Need::REQUIRED && !profiled);
  if (ref) {
    // Cleared even when the profile is unusable, so that its problem is not followed by a missing rate.
    spec.commits_per_s = 0;
    spec.connection_rate = 0;
    unfitted.reset();
    DbProfile profile;
    if (auto problem = read_db_profile(ref->file, ref->node.Scalar(), profile)) {
      ctx_of(m).error(ref->node, ref->path, *problem);
    } else {
      spec.connection_rate = profile.commits.lambda;
      spec.curve = profile.commits.curve;
      spec.source = profile.source;
      if (!profile.commits.identified) {
        unfitted = ctx_of(m).locate(ref->node, ref->path);
        unfitted->message = db_unidentified_message(ref->node.Scalar(), profile.commits);
      }
    }
  }
  if (auto v = m.quantity("commits_per_s", QuantityKind::RATE, unless_profiled, Sign::POSITIVE))
    spec.commits_per_s = *v;
  if (auto v = m.integer("connections", need, 1)) spec.connections = *v;
  if (auto v = m.quantity("reads_per_s", QuantityKind::RATE, Need::OPTIONAL, Sign::POSITIVE)) spec.reads_per_s = *v;
  read_curve(m, spec.curve);
  if (auto v = m.text("source", unless_profiled)) spec.source = *v;
}

void resolve_db_rate(Context& ctx, DbSpec& spec, const std::optional<Diagnostic>& unfitted) {
  if (spec.commits_per_s > 0) return;
  if (spec.connection_rate > 0) {
    spec.commits_per_s = spec.connection_rate * spec.curve.shape(spec.connections);
  } else if (unfitted) {
    ctx.error_from(*unfitted);
  }
}

void read_fabric_fields(MapReader& m, FabricSpec& spec, Need need) {
  if (auto v = m.quantity("bandwidth", QuantityKind::BANDWIDTH, need, Sign::POSITIVE)) spec.bandwidth_Bps = *v;
  if (auto v = m.quantity("latency", QuantityKind::DURATION, need, Sign::NON_NEGATIVE)) spec.latency_s = *v;
  m.text("source", Need::OPTIONAL);
}

namespace {

// The catalogue at `path` cannot be read: reported at `at` (the scenario's `catalogue:` value, or its 1:1
// when the default catalogue is missing).
Catalogue catalogue_unreadable(const std::string& path, const Diagnostic& at, const std::string& why,
                               std::vector<Diagnostic>& diags) {
  Catalogue cat;
  cat.file = path;
  cat.readable = false;
  Diagnostic d = at;
  d.message = "cannot read the hardware catalogue '" + path + "': " + why;
  diags.push_back(d);
  return cat;
}

// Reads each named entry of the catalogue's `section` (a map of entries) with fn(name, m).
template <typename ReadEntry>
void read_entries(Context& ctx, MapReader& top, const std::string& section, ReadEntry&& fn) {
  YAML::Node sec = top.get(section, Need::REQUIRED);
  if (!sec) return;
  if (!sec.IsMap()) {
    ctx.error(sec, section, "'" + section + "' must be a map of named entries");
    return;
  }
  for (auto it = sec.begin(); it != sec.end(); ++it) {
    if (!it->first.IsScalar()) {
      ctx.error(it->first, section, "an entry of '" + section + "' must be named, not a list or a map");
      continue;
    }
    const std::string name = it->first.Scalar();
    MapReader m(ctx, it->second, section + "." + name);
    fn(name, m);
    m.finish();
  }
}

// The catalogue's hsm, db and fabric entries into cat; the profiles they name are relative to base_dir.
void read_catalogue_entries(Context& ctx, MapReader& top, const std::filesystem::path& base_dir, Catalogue& cat) {
  read_entries(ctx, top, "hsm", [&](const std::string& name, MapReader& m) {
    HsmSpec s;
    s.model = name;
    std::optional<ProfileNote> note;
    read_hsm_fields(m, s, Need::REQUIRED, base_dir, note);
    cat.hsm[name] = s;
    if (note) cat.hsm_profile[name] = *note;
  });
  read_entries(ctx, top, "db", [&](const std::string& name, MapReader& m) {
    DbSpec s;
    s.model = name;
    std::optional<Diagnostic> unfitted;
    read_db_fields(m, s, Need::REQUIRED, base_dir, unfitted);
    cat.db[name] = s;
    if (unfitted) cat.db_unfitted[name] = *unfitted;
  });
  read_entries(ctx, top, "fabric", [&](const std::string& name, MapReader& m) {
    FabricSpec s;
    s.model = name;
    read_fabric_fields(m, s, Need::REQUIRED);
    cat.fabric[name] = s;
  });
}

Catalogue load_catalogue(const std::string& path, const Diagnostic& at, std::vector<Diagnostic>& diags) {
  Catalogue cat;
  cat.file = path;
  std::ifstream in(path);
  if (!in) return catalogue_unreadable(path, at, "it cannot be opened", diags);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  Context ctx(path, text, nullptr, diags);
  ctx.use_ranges(KeyRanges::CATALOGUE);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags.push_back(Diagnostic{path, e.mark.line + 1, e.mark.column + 1, e.msg, ""});
    return cat;
  }
  if (!root.IsMap()) {  // also an empty file, whose root has no position
    diags.push_back(Diagnostic{path, 1, 1, "the hardware catalogue must be a map of keys to values", ""});
    return cat;
  }
  MapReader top(ctx, root, "", "catalogue");
  if (auto v = top.integer("schema", Need::REQUIRED, 1); v && *v != kSchemaVersion)
    ctx.error(root["schema"], "schema", "unsupported catalogue schema " + std::to_string(*v));
  read_catalogue_entries(ctx, top, std::filesystem::path(path).parent_path(), cat);
  top.finish();
  return cat;
}

}  // namespace

std::filesystem::path default_catalogue(const std::filesystem::path& scenario_dir) {
  std::filesystem::path cat = scenario_dir / ".." / "data" / "catalogue.yaml";
  if (!std::filesystem::exists(cat)) cat = std::filesystem::path(SURGE_SOURCE_DIR) / "data" / "catalogue.yaml";
  return cat;
}

// load_catalogue, read once per process and again only when the file's size or modification time changes:
// reading and parsing it was most of a small scenario's parse (sweeps, the workbench and the fuzz targets
// parse many). The profiles a catalogue entry names are not watched. At most kCachedCatalogues are kept.
// Shared, never copied: a copy of the catalogue per parse showed in the fuzz target's profile.
std::shared_ptr<const Catalogue> cached_catalogue(const std::string& path, const Diagnostic& at,
                                                  std::vector<Diagnostic>& diags) {
  constexpr size_t kCachedCatalogues = 8;
  struct Entry {
    std::filesystem::file_time_type mtime;
    std::uintmax_t bytes = 0;
    std::shared_ptr<const Catalogue> cat;
    std::vector<Diagnostic> diags;
  };
  static std::mutex mutex;
  static std::map<std::string, Entry> cache;
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path, ec);
  const std::uintmax_t bytes = ec ? 0 : std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) {  // reported afresh each time
    const bool dir = std::filesystem::is_directory(path, ec);
    return std::make_shared<const Catalogue>(
        catalogue_unreadable(path, at, dir ? "it is a directory" : "no such file", diags));
  }
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(path);
  if (it == cache.end() || it->second.mtime != mtime || it->second.bytes != bytes) {
    if (cache.size() >= kCachedCatalogues) cache.clear();
    Entry e{mtime, bytes, {}, {}};
    e.cat = std::make_shared<const Catalogue>(load_catalogue(path, at, e.diags));
    it = cache.insert_or_assign(path, std::move(e)).first;
  }
  diags.insert(diags.end(), it->second.diags.begin(), it->second.diags.end());
  return it->second.cat;
}

}  // namespace surge::detail
