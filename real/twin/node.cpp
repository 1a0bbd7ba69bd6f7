#include "real/twin/node.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "real/twin/roles.hpp"

namespace surge::twin {
namespace {

const std::vector<std::string> kRoles = {"sa", "ca", "publisher", "ra"};
const std::vector<std::string> kEras = {"seed-2021", "precert-2021", "crl"};

template <typename T>
void read_field(const nlohmann::json& j, const char* key, T& out, const std::string& path) {
  if (!j.contains(key)) return;
  try {
    out = j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(path + ": field '" + key + "' has the wrong type");
  }
}

}  // namespace

NodeConfig NodeConfig::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot read the node's configuration");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) throw std::invalid_argument(path + ": not a JSON object");
  NodeConfig c;
  read_field(j, "role", c.role, path);
  read_field(j, "name", c.name, path);
  read_field(j, "era", c.era, path);
  read_field(j, "sa", c.sa, path);
  read_field(j, "publisher", c.publisher, path);
  read_field(j, "cas", c.cas, path);
  read_field(j, "scts_required", c.scts_required, path);
  read_field(j, "module", c.module, path);
  read_field(j, "token", c.token, path);
  read_field(j, "key_label", c.key_label, path);
  read_field(j, "key_type", c.key_type, path);
  read_field(j, "issuer_certificate", c.issuer_certificate, path);
  read_field(j, "sessions", c.sessions, path);
  read_field(j, "rate_per_s", c.rate_per_s, path);
  read_field(j, "db_host", c.db_host, path);
  read_field(j, "db_port", c.db_port, path);
  read_field(j, "db_user", c.db_user, path);
  read_field(j, "db_database", c.db_database, path);
  read_field(j, "db_socket", c.db_socket, path);
  read_field(j, "listen", c.listen, path);
  read_field(j, "db_connections", c.db_connections, path);
  read_field(j, "authz_reuse", c.authz_reuse, path);
  read_field(j, "seed", c.seed, path);
  if (j.contains("logs")) {
    for (const auto& l : j.at("logs"))
      c.logs.push_back({l.value("name", ""), l.value("operator", ""), l.value("url", "")});
  }
  if (std::find(kRoles.begin(), kRoles.end(), c.role) == kRoles.end())
    throw std::invalid_argument(path + ": field 'role' is '" + c.role + "'; valid: sa, ca, publisher, ra");
  if (std::find(kEras.begin(), kEras.end(), c.era) == kEras.end())
    throw std::invalid_argument(path + ": field 'era' is '" + c.era + "'; valid: seed-2021, precert-2021, crl");
  if (c.sessions < 1 || c.db_connections < 1 || c.scts_required < 0)
    throw std::invalid_argument(path + ": sessions and db_connections must be at least 1, scts_required at least 0");
  return c;
}

nlohmann::json NodeConfig::to_json() const {
  nlohmann::json logs_json = nlohmann::json::array();
  for (const LogEndpoint& l : logs)
    logs_json.push_back({{"name", l.name}, {"operator", l.operator_name}, {"url", l.url}});
  return {{"role", role},
          {"name", name},
          {"era", era},
          {"sa", sa},
          {"publisher", publisher},
          {"cas", cas},
          {"logs", logs_json},
          {"scts_required", scts_required},
          {"module", module},
          {"token", token},
          {"key_label", key_label},
          {"key_type", key_type},
          {"issuer_certificate", issuer_certificate},
          {"sessions", sessions},
          {"rate_per_s", rate_per_s},
          {"db_host", db_host},
          {"db_port", db_port},
          {"db_user", db_user},
          {"db_database", db_database},
          {"db_socket", db_socket},
          {"listen", listen},
          {"db_connections", db_connections},
          {"authz_reuse", authz_reuse},
          {"seed", seed}};
}

void Counters::add(const std::string& name, double v) {
  std::lock_guard<std::mutex> lock(m_);
  sums_[name] += v;
}

void Counters::latency(const std::string& stage, double seconds) {
  std::lock_guard<std::mutex> lock(m_);
  latencies_[stage].record(seconds);
  sums_["busy_s." + stage] += seconds;
}

std::map<std::string, double> Counters::read() const {
  std::lock_guard<std::mutex> lock(m_);
  std::map<std::string, double> out = sums_;
  for (const auto& [stage, stats] : latencies_) {
    out["latency." + stage + ".count"] = static_cast<double>(stats.count());
    out["latency." + stage + ".p50"] = stats.quantile(0.5);
    out["latency." + stage + ".p99"] = stats.quantile(0.99);
  }
  return out;
}

int run_node(const NodeConfig& config) {
  if (config.role == "sa") return serve_sa(config);
  if (config.role == "ca") return serve_ca(config);
  if (config.role == "publisher") return serve_publisher(config);
  return serve_ra(config);
}

}  // namespace surge::twin
