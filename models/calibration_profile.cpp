#include "models/calibration_profile.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>

#include <unistd.h>

namespace surge {
namespace {

using nlohmann::json;

constexpr int kProfileVersion = 1;

// The JSON at `file`, or why it is not JSON (nlohmann's message without its tag). Parsed once per process
// and again only when the file's size or modification time changes: reading it was most of a calibrated
// scenario's parse (sweeps, the workbench and the fuzz targets parse many). At most kCachedProfiles kept.
// Shared, never copied: a deep copy of the document was most of a calibrated scenario's parse after that.
std::optional<std::string> parse_json_file(const std::string& file, std::shared_ptr<const json>& out) {
  constexpr size_t kCachedProfiles = 64;
  struct Entry {
    std::filesystem::file_time_type mtime;
    std::uintmax_t bytes = 0;
    std::shared_ptr<const json> value;
    std::optional<std::string> error;
  };
  static std::mutex mutex;
  static std::map<std::string, Entry> cache;
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(file, ec);
  const std::uintmax_t bytes = ec ? 0 : std::filesystem::file_size(file, ec);
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(file);
  if (ec || it == cache.end() || it->second.mtime != mtime || it->second.bytes != bytes) {
    Entry e{mtime, bytes, {}, {}};
    std::ifstream in(file);
    try {
      e.value = std::make_shared<const json>(json::parse(in));
    } catch (const json::parse_error& x) {
      std::string what = x.what();
      const size_t tag_end = what.find("] ");  // drop nlohmann's "[json.exception.parse_error.101] "
      e.error = tag_end != std::string::npos ? what.substr(tag_end + 2) : what;
    }
    if (ec) {
      out = e.value ? e.value : std::make_shared<const json>();
      return e.error;
    }
    if (cache.size() >= kCachedProfiles) cache.clear();
    it = cache.insert_or_assign(file, std::move(e)).first;
  }
  out = it->second.value ? it->second.value : std::make_shared<const json>();
  return it->second.error;
}

// Reads the JSON at `file` and checks its header: a surge profile of this version and of `kind`. `head`
// ("profile NAME: ") starts every message.
std::optional<std::string> read_profile_json(const std::string& file, const std::string& head, const std::string& kind,
                                             std::shared_ptr<const json>& document) {
  std::error_code ec;
  // access(), not a stream: opening one per parse was a visible part of a calibrated scenario's parse.
  if (!std::filesystem::is_regular_file(file, ec) || ::access(file.c_str(), R_OK) != 0)
    return head + "cannot read " + file;
  if (auto problem = parse_json_file(file, document)) return head + "not valid JSON (" + *problem + ")";
  const json& out = *document;
  if (!out.is_object() || !out.contains("surge_profile")) return head + "not a surge profile (no 'surge_profile')";
  if (out["surge_profile"] != kProfileVersion)
    return head + "unsupported surge_profile " + out["surge_profile"].dump() + "; this surge reads " +
           std::to_string(kProfileVersion);
  if (!out.contains("kind") || out["kind"] != kind)
    return head + "'kind' is " + (out.contains("kind") ? out["kind"].dump() : std::string("missing")) +
           ", expected \"" + kind + "\"";
  return std::nullopt;
}

// Reads one fit (an object with identified, reason, lambda, sigma and kappa). Messages are `at` followed
// by the field, quoted with `prefix` before its name: at "profile x.json: key type 'rsa-2048': " and no
// prefix give "... key type 'rsa-2048': 'lambda.value' is missing"; at "profile x.json: " and prefix
// "commits." give "... 'commits.lambda.value' is missing".
std::optional<std::string> read_fit(const json& entry, const std::string& at, const std::string& prefix,
                                    ProfileFit& out) {
  if (!entry.contains("identified") || !entry["identified"].is_boolean())
    return at + "'" + prefix + "identified' must be true or false";
  out.identified = entry["identified"].get<bool>();
  if (!out.identified) {
    const auto reason = entry.find("reason");
    out.reason = reason != entry.end() && reason->is_string() ? reason->get<std::string>() : "";
    return std::nullopt;
  }
  double values[3] = {0, 0, 0};
  const char* names[3] = {"lambda", "sigma", "kappa"};
  for (int i = 0; i < 3; ++i) {
    const std::string field = "'" + prefix + names[i] + ".value'";
    const auto param = entry.find(names[i]);
    if (param == entry.end() || !param->is_object() || !param->contains("value") || (*param)["value"].is_null())
      return at + field + " is missing";
    const json& value = (*param)["value"];
    if (!value.is_number()) return at + field + " must be a number, got '" + value.dump() + "'";
    values[i] = value.get<double>();
    if (i == 0 && values[i] <= 0) return at + field + " must be positive, got '" + value.dump() + "'";
    if (values[i] < 0) return at + field + " must not be negative, got '" + value.dump() + "'";
  }
  out.lambda = values[0];
  out.curve = CapacityCurve{values[1], values[2]};
  return std::nullopt;
}

// "profile NAME (a, b)": the named metadata fields that are strings, in order.
std::string profile_source(const json& j, const std::string& name, std::initializer_list<const char*> fields) {
  std::string details;
  if (j.contains("metadata") && j["metadata"].is_object())
    for (const char* field : fields)
      if (j["metadata"].contains(field) && j["metadata"][field].is_string())
        details += (details.empty() ? "" : ", ") + j["metadata"][field].get<std::string>();
  return "profile " + name + (details.empty() ? "" : " (" + details + ")");
}

}  // namespace

std::optional<std::string> read_hsm_profile(const std::string& file, const std::string& name, HsmProfile& out) {
  const std::string head = "profile " + name + ": ";
  std::shared_ptr<const json> document;
  if (auto problem = read_profile_json(file, head, "hsm", document)) return problem;
  const json& j = *document;
  if (!j.contains("key_types") || !j["key_types"].is_object() || j["key_types"].empty())
    return head + "'key_types' must be a non-empty object of key types";
  for (const auto& [key, entry] : j["key_types"].items()) {
    const std::string at = head + "key type '" + key + "'";
    if (!entry.is_object()) return at + " must be an object";
    if (auto problem = read_fit(entry, at + ": ", "", out.key_types[key])) return problem;
  }
  out.source = profile_source(j, name, {"module", "date"});
  return std::nullopt;
}

std::optional<std::string> read_db_profile(const std::string& file, const std::string& name, DbProfile& out) {
  const std::string head = "profile " + name + ": ";
  std::shared_ptr<const json> document;
  if (auto problem = read_profile_json(file, head, "db", document)) return problem;
  const json& j = *document;
  if (!j.contains("commits") || !j["commits"].is_object()) return head + "'commits' must be an object";
  if (auto problem = read_fit(j["commits"], head, "commits.", out.commits)) return problem;
  out.source = profile_source(j, name, {"server_version", "date"});
  return std::nullopt;
}

std::string db_unidentified_message(const std::string& name, const ProfileFit& commits) {
  return "profile " + name + ": the commits curve is unidentified" +
         (commits.reason.empty() ? "" : " (" + commits.reason + ")");
}

std::string hsm_unfitted_message(const std::string& name, const std::string& key, const std::string& reason) {
  return "profile " + name + ": key type '" + key + "' has no fitted curve" +
         (reason.empty() ? "" : " (" + reason + ")");
}

}  // namespace surge
