#include "models/scenario_ranges.hpp"

#include <cassert>
#include <cmath>
#include <cstddef>

namespace surge {
namespace {

// Reasons shared by several rows.
constexpr std::string_view kHostReason = "each one is a simulated host with its own actors";
constexpr std::string_view kActorReason = "each one is a simulator actor with its own stack";
constexpr std::string_view kWireReason = "no network link of this kind is slower or faster";
constexpr std::string_view kRateReason = "a slower station never drains an incident; 1G/s is past any hardware";
constexpr std::string_view kTimeReason = "the simulator and the planner step through the horizon";

// clang-format off
const std::vector<KeyRange> kRanges = {
  // top level
  {"schema", RangeKind::INTEGER, "1", "1", "this surge reads schema 1"},
  {"seed", RangeKind::INTEGER, "0", "18446744073709551615", "a 64-bit random seed"},
  {"warm_up", RangeKind::DURATION, "0s", "30d", kTimeReason},
  {"time_scale", RangeKind::COUNT, "1", "1M", "a twin's clock runs at most a million times faster"},
  {"service_times.*.cv", RangeKind::COUNT, "0", "10", "", true},
  {"service_times.*.sample", RangeKind::DURATION, "1us", "1d", ""},
  // data_centers[]
  {"data_centers.*.fabric.bandwidth", RangeKind::BANDWIDTH, "1Mbps", "10Tbps", kWireReason},
  {"data_centers.*.fabric.latency", RangeKind::DURATION, "0s", "1s", ""},
  {"data_centers.*.hsm.count", RangeKind::INTEGER, "1", "64", kHostReason},
  {"data_centers.*.hsm.sessions", RangeKind::INTEGER, "1", "256", kActorReason},
  {"data_centers.*.hsm.signatures_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason},
  {"data_centers.*.hsm.signatures_per_s.*", RangeKind::RATE, "0.001/s", "1G/s", kRateReason},
  {"data_centers.*.hsm.sigma", RangeKind::COUNT, "0", "1", "the share of work that is serial"},
  {"data_centers.*.hsm.kappa", RangeKind::COUNT, "0", "1", "the cost of coherency between sessions"},
  {"data_centers.*.db.replicas", RangeKind::INTEGER, "0", "16", kHostReason},
  {"data_centers.*.db.connections", RangeKind::INTEGER, "1", "1024", kActorReason},
  {"data_centers.*.db.commits_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason},
  {"data_centers.*.db.reads_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason},
  {"data_centers.*.db.sigma", RangeKind::COUNT, "0", "1", "the share of work that is serial"},
  {"data_centers.*.db.kappa", RangeKind::COUNT, "0", "1", "the cost of coherency between connections"},
  {"data_centers.*.api.requests_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason},
  // wan[]
  {"wan.*.bandwidth", RangeKind::BANDWIDTH, "1Mbps", "10Tbps", kWireReason},
  {"wan.*.latency", RangeKind::DURATION, "0s", "10s", ""},
  // workload
  {"workload.certificates", RangeKind::COUNT, "0", "1G", "about twice the Web PKI's unexpired certificates"},
  {"workload.signatures_per_issuance", RangeKind::COUNT, "0", "16", "", true},
  {"workload.signatures_per_revocation", RangeKind::COUNT, "0", "16", ""},
  {"workload.key_types.*.share", RangeKind::FRACTION, "0", "1", "", true},
  {"workload.names_per_certificate", RangeKind::COUNT, "1", "100", "a certificate holds at most 100 names"},
  {"workload.new_authz_share", RangeKind::FRACTION, "0", "1", ""},
  {"workload.api_requests_per_issuance", RangeKind::COUNT, "0", "1000", ""},
  {"workload.rpc_bytes.*", RangeKind::SIZE, "0B", "100MB", ""},
  {"workload.crl_shards", RangeKind::INTEGER, "1", "4096", "each shard is re-signed every crl_period"},
  {"workload.crl_period", RangeKind::DURATION, "1min", "30d", kTimeReason},
  {"workload.crl_entry_bytes", RangeKind::SIZE, "1B", "10KB", ""},
  {"workload.active_certificates", RangeKind::COUNT, "0", "1G", "about twice the Web PKI's unexpired certificates",
   true},
  {"workload.ocsp_resign_period", RangeKind::DURATION, "1h", "30d",
     "or 0: off; re-signing every active response more often outruns any HSM"},
  {"workload.cohort_size", RangeKind::INTEGER, "1", "1G", "each cohort is a simulated message; at most 2,000,000 travel"},
  // clients
  {"clients.ari_share", RangeKind::FRACTION, "0", "1", ""},
  {"clients.classes.*.share", RangeKind::FRACTION, "0", "1", ""},
  {"clients.classes.*.runs_per_day", RangeKind::COUNT, "0", "2880", "at most every 30 seconds", true},
  {"clients.classes.*.random_sleep", RangeKind::DURATION, "0s", "1d", ""},
  {"clients.classes.*.response.mean", RangeKind::DURATION, "1s", "90d", ""},
  {"clients.classes.*.response.cv", RangeKind::COUNT, "0", "10", "", true},
  {"clients.classes.*.response.sample", RangeKind::DURATION, "1us", "90d", ""},
  {"clients.retry_after", RangeKind::DURATION, "1s", "7d", ""},
  {"clients.retry_after_jitter", RangeKind::FRACTION, "0", "1", ""},
  {"clients.normal_renewal_span", RangeKind::DURATION, "1h", "398d", "no certificate lives longer than 398 days"},
  {"clients.background_issuance", RangeKind::RATE, "0/s", "1M/s", ""},
  {"clients.ari_polling.certificates", RangeKind::COUNT, "1", "1G", "about twice the Web PKI's unexpired certificates"},
  {"clients.window.start", RangeKind::DURATION, "0s", "365d", kTimeReason},
  {"clients.window.end", RangeKind::DURATION, "0s", "365d", kTimeReason},
  {"clients.clustering.share", RangeKind::FRACTION, "0", "1", ""},
  {"clients.clustering.width", RangeKind::DURATION, "1s", "365d", ""},
  // incident
  {"incident.decision_delay", RangeKind::DURATION, "0s", "90d", kTimeReason},
  {"incident.deadline", RangeKind::DURATION, "1min", "90d", kTimeReason},
  {"incident.horizon", RangeKind::DURATION, "1min", "365d", kTimeReason},
  {"incident.revocation_margin", RangeKind::FRACTION, "0", "1", ""},
  {"incident.revocation_slack", RangeKind::DURATION, "0s", "90d", ""},
  {"incident.db_promotion_delay", RangeKind::DURATION, "0s", "1d", ""},
  {"incident.batches.count", RangeKind::INTEGER, "1", "1000", "the planner steps through every batch"},
  {"incident.batches.every", RangeKind::DURATION, "1s", "90d", ""},
  {"incident.batches.*.share", RangeKind::FRACTION, "0", "1", ""},
  {"incident.batches.*.at", RangeKind::DURATION, "0s", "90d", ""},
  // validation, admission, ct
  {"validation.reuse_period", RangeKind::DURATION, "0s", "398d", "no authorization is reused for longer"},
  {"validation.validations_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason},
  {"validation.dns_latency", RangeKind::DURATION, "0s", "60s", ""},
  {"validation.http_latency", RangeKind::DURATION, "0s", "60s", ""},
  {"admission.queue", RangeKind::COUNT, "1", "1G", ""},
  {"admission.retry_after", RangeKind::DURATION, "1s", "7d", ""},
  {"ct.scts_required", RangeKind::INTEGER, "1", "16", ""},
  {"ct.logs.*.rate", RangeKind::RATE, "0.001/s", "1G/s", kRateReason},
  {"ct.logs.*.latency", RangeKind::DURATION, "0s", "60s", ""},
  // failures[], transfers[]
  {"failures.*.at", RangeKind::DURATION, "0s", "365d", kTimeReason},
  {"failures.*.until", RangeKind::DURATION, "0s", "365d", kTimeReason},
  {"transfers.*.size", RangeKind::SIZE, "1B", "1000TB", ""},
  {"transfers.*.start", RangeKind::DURATION, "0s", "365d", kTimeReason},
  // the hardware catalogue
  {"schema", RangeKind::INTEGER, "1", "1", "this surge reads catalogue schema 1", false, true},
  {"hsm.*.signatures_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason, false, true},
  {"hsm.*.signatures_per_s.*", RangeKind::RATE, "0.001/s", "1G/s", kRateReason, false, true},
  {"hsm.*.sessions", RangeKind::INTEGER, "1", "256", kActorReason, false, true},
  {"hsm.*.sigma", RangeKind::COUNT, "0", "1", "the share of work that is serial", false, true},
  {"hsm.*.kappa", RangeKind::COUNT, "0", "1", "the cost of coherency between sessions", false, true},
  {"db.*.commits_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason, false, true},
  {"db.*.connections", RangeKind::INTEGER, "1", "1024", kActorReason, false, true},
  {"db.*.reads_per_s", RangeKind::RATE, "0.001/s", "1G/s", kRateReason, false, true},
  {"db.*.sigma", RangeKind::COUNT, "0", "1", "the share of work that is serial", false, true},
  {"db.*.kappa", RangeKind::COUNT, "0", "1", "the cost of coherency between connections", false, true},
  {"fabric.*.bandwidth", RangeKind::BANDWIDTH, "1Mbps", "10Tbps", kWireReason, false, true},
  {"fabric.*.latency", RangeKind::DURATION, "0s", "1s", "", false, true},
};
// clang-format on

// '*' matches one name or index, which may itself hold dots (a data center called "eu.west").
bool matches(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return path.empty();
  if (pattern.front() == '*') {
    for (size_t n = 1; n <= path.size(); ++n)
      if (matches(pattern.substr(1), path.substr(n))) return true;
    return false;
  }
  return !path.empty() && path.front() == pattern.front() && matches(pattern.substr(1), path.substr(1));
}

QuantityKind quantity_kind(RangeKind kind) {
  switch (kind) {
    case RangeKind::INTEGER:
    case RangeKind::COUNT:
      return QuantityKind::COUNT;
    case RangeKind::FRACTION:
      return QuantityKind::FRACTION;
    case RangeKind::DURATION:
      return QuantityKind::DURATION;
    case RangeKind::RATE:
      return QuantityKind::RATE;
    case RangeKind::SIZE:
      return QuantityKind::SIZE;
    case RangeKind::BANDWIDTH:
      return QuantityKind::BANDWIDTH;
  }
  return QuantityKind::COUNT;
}

double bound(RangeKind kind, std::string_view text) {
  const Quantity q = parse_quantity(text, quantity_kind(kind));
  assert(q.value && "a range bound in the table does not parse");
  return q.value.value_or(NAN);
}

const char* kind_name(RangeKind kind) {
  switch (kind) {
    case RangeKind::INTEGER:
      return "whole number";
    case RangeKind::COUNT:
      return "count";
    case RangeKind::FRACTION:
      return "fraction";
    case RangeKind::DURATION:
      return "duration";
    case RangeKind::RATE:
      return "rate";
    case RangeKind::SIZE:
      return "size";
    case RangeKind::BANDWIDTH:
      return "bandwidth";
  }
  return "";
}

}  // namespace

const std::vector<KeyRange>& key_ranges() {
  return kRanges;
}

namespace {
// Whether `path` could match `pattern`: it starts with the pattern's text before its first '*' and ends
// with the text after its last one. Cheap, and it leaves matches() (which backtracks) one or two rows.
struct Fixed {
  std::string_view head, tail;
  bool wild;  // the pattern has a '*'
};
Fixed fixed_parts(std::string_view pattern) {
  const size_t first = pattern.find('*');
  if (first == std::string_view::npos) return {pattern, {}, false};
  return {pattern.substr(0, first), pattern.substr(pattern.rfind('*') + 1), true};
}
bool may_match(const Fixed& f, std::string_view path) {
  if (!f.wild) return f.head == path;
  return path.size() >= f.head.size() + f.tail.size() && path.substr(0, f.head.size()) == f.head &&
         path.substr(path.size() - f.tail.size()) == f.tail;
}
// Every row's fixed parts, found once (a parse checks a hundred numbers against every row).
const std::vector<Fixed>& fixed_of_rows() {
  static const std::vector<Fixed> rows = [] {
    std::vector<Fixed> out;
    out.reserve(kRanges.size());
    for (const KeyRange& r : kRanges) out.push_back(fixed_parts(r.pattern));
    return out;
  }();
  return rows;
}

// Every row's bounds in SI units, parsed from the table's text once (not once per value checked).
struct Bounds {
  double lo, hi;
};
const std::vector<Bounds>& bounds_of_rows() {
  static const std::vector<Bounds> rows = [] {
    std::vector<Bounds> out;
    out.reserve(kRanges.size());
    for (const KeyRange& r : kRanges) out.push_back({bound(r.kind, r.min), bound(r.kind, r.max)});
    return out;
  }();
  return rows;
}

// The row's index in kRanges, or -1 for a KeyRange that is not one of them.
std::ptrdiff_t row_of(const KeyRange& range) {
  const std::ptrdiff_t i = &range - kRanges.data();
  return i >= 0 && i < static_cast<std::ptrdiff_t>(kRanges.size()) ? i : -1;
}

}  // namespace

const KeyRange* find_key_range(std::string_view path, bool catalogue) {
  const std::vector<Fixed>& fixed = fixed_of_rows();
  for (size_t i = 0; i < kRanges.size(); ++i) {
    const KeyRange& r = kRanges[i];
    if (r.catalogue == catalogue && may_match(fixed[i], path) && matches(r.pattern, path)) return &r;
  }
  return nullptr;
}

double range_min(const KeyRange& range) {
  const std::ptrdiff_t i = row_of(range);
  return i >= 0 ? bounds_of_rows()[static_cast<size_t>(i)].lo : bound(range.kind, range.min);
}

double range_max(const KeyRange& range) {
  const std::ptrdiff_t i = row_of(range);
  return i >= 0 ? bounds_of_rows()[static_cast<size_t>(i)].hi : bound(range.kind, range.max);
}

std::string range_text(const KeyRange& range) {
  return std::string(range.min_open ? "(" : "[") + std::string(range.min) + ", " + std::string(range.max) + "]";
}

std::optional<std::string> range_problem(const KeyRange& range, const std::string& path, double value,
                                         const std::string& written) {
  const double lo = range_min(range), hi = range_max(range);
  const bool low = range.min_open ? !(value > lo) : !(value >= lo);  // NaN is out of every range
  if (!low && value <= hi) return std::nullopt;
  std::string out = "'" + path + "' must be in " + range_text(range) + ", got '" + written + "'";
  if (!range.reason.empty()) out += " (" + std::string(range.reason) + ")";
  return out;
}

std::string ranges_markdown() {
  std::string out = "| key | kind | valid range | why |\n|---|---|---|---|\n";
  for (const KeyRange& r : kRanges) {
    out += "| `" + std::string(r.catalogue ? "catalogue: " : "") + std::string(r.pattern) + "` | " + kind_name(r.kind) +
           " | " + range_text(r) + " | " + std::string(r.reason) + " |\n";
  }
  return out;
}

}  // namespace surge
