#include "models/scenario.hpp"
#include "models/units.hpp"

#include <algorithm>
#include <cmath>

namespace surge {

namespace {
constexpr double kAutoCohorts = 200000.0;  // default k = ceil(N / 200,000)
}

int Scenario::effective_cohort_size() const {
  if (workload.cohort_size > 0) return workload.cohort_size;
  // Everything that travels: the affected certificates and the normal issuance over the horizon.
  const double travelling = workload.certificates + clients.background_issuance_per_s * incident.horizon_s;
  return std::max(1, static_cast<int>(std::ceil(travelling / kAutoCohorts)));
}

std::vector<KeyShare> Workload::keys() const {
  if (!key_types.empty()) return key_types;
  return {KeyShare{key_type, 1.0, {}}};
}

int Scenario::writer_data_center() const {
  for (size_t i = 0; i < data_centers.size(); ++i)
    if (data_centers[i].db_writer) return static_cast<int>(i);
  return -1;
}

int Scenario::data_center_index(const std::string& name) const {
  for (size_t i = 0; i < data_centers.size(); ++i)
    if (data_centers[i].name == name) return static_cast<int>(i);
  return -1;
}

double Validation::new_share(double normal_renewal_span_s) const {
  if (revalidate_all) return 1.0;
  return std::max(0.0, 1.0 - reuse_period_s / normal_renewal_span_s);
}

double ClientClass::period_s(const Clients& c) const {
  return kSecondsPerDay / c.time_scale / runs_per_day;
}

std::string client_kind_name(ClientKind kind) {
  switch (kind) {
    case ClientKind::ARI:
      return "ari";
    case ClientKind::CRON:
      return "cron";
    case ClientKind::EMAIL:
      return "email";
    case ClientKind::UNREACHED:
      return "unreached";
  }
  return "?";
}

std::string era_name(Era era) {
  switch (era) {
    case Era::SEED_2021:
      return "seed-2021";
    case Era::PRECERT_2021:
      return "precert-2021";
    case Era::CRL:
      return "crl";
  }
  return "?";
}

}  // namespace surge

namespace surge {

std::vector<std::string> CtSpec::operators() const {
  std::vector<std::string> out;
  for (const CtLog& l : logs)
    if (std::find(out.begin(), out.end(), l.operator_name) == out.end()) out.push_back(l.operator_name);
  return out;
}

int CtSpec::log_index(const std::string& name) const {
  for (size_t i = 0; i < logs.size(); ++i)
    if (logs[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace surge
