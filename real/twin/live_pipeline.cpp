#include "real/twin/live_pipeline.hpp"

#include <openssl/rand.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "real/ca_schema.hpp"
#include "real/key_import.hpp"
#include "real/revocation_structures.hpp"
#include "real/sct.hpp"

namespace surge::twin {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDatabase = "surge_twin";
constexpr double kStartTimeout_s = 30;
constexpr const char* kLabClients = "10.77.0.%";  // the lab's link (real/net_lab), as MariaDB matches hosts

std::string random_secret() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) out += {hex[b >> 4], hex[b & 15]};
  return out;
}

void write_bytes(const fs::path& path, const std::vector<unsigned char>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

bool down_from_start(const Scenario& s, const std::string& data_center) {
  for (const Failure& f : s.failures)
    if (f.kind == FailureKind::DATA_CENTER && f.target == data_center && f.at_s <= 0) return true;
  return false;
}

int replicas_in(const Scenario& s, const std::string& data_center) {
  for (const DataCenter& dc : s.data_centers)
    if (dc.name == data_center) return dc.db_replicas;
  return 0;
}

std::string file_name(std::string name) {
  for (char& c : name)
    if (c == '/') c = '-';
  return name;
}

}  // namespace

Pipeline::Pipeline(const LiveOptions& options, const Scenario& twin, const std::string& work) : work_(work) {
  fs::create_directories(fs::path(work) / "nodes");
  try {
    make_lab(twin, options);
    make_tokens(twin, options);
    start_database(twin, options);
    start_logs(twin, options);
    start_nodes(twin, options);
  } catch (...) {
    stop();
    drop_database();
    throw;
  }
}

Pipeline::~Pipeline() {
  stop();
  drop_database();
  release_replica();
}

// The replica goes at once (it is thrown away), and the writer's binlog dump to it is killed: across a
// cut link that thread is stuck in a write, and the writer's shutdown would wait for it for
// net_write_timeout (60 s).
void Pipeline::release_replica() {
  if (!replica_.server) return;
  replica_.server->kill_hard();
  try {
    for (const real::DbRow& r : replica_.primary_admin->query(
             "SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'"))
      if (r.at(0)) replica_.primary_admin->execute("KILL " + *r.at(0));
  } catch (const std::exception& e) {
    std::cerr << "surge twin: the writer's binlog dump: " << e.what() << "\n";
  }
  replica_ = {};
}

// Two data centers up at the start: the lab, its link shaped to the WAN link between them, and this
// process in the writer's data center.
void Pipeline::make_lab(const Scenario& twin, const LiveOptions& options) {
  std::vector<std::string> up;
  for (const DataCenter& dc : twin.data_centers)
    if (!down_from_start(twin, dc.name) && (dc.hsm_count > 0 || dc.db_writer || dc.db_replicas > 0))
      up.push_back(dc.name);
  if (up.size() < 2) return;
  if (up.size() > 2)
    throw std::invalid_argument("the twin runs one or two data centers up at the start, not " +
                                std::to_string(up.size()));
  const std::string writer = twin.data_centers[twin.writer_data_center()].name;
  const std::string other = up[0] == writer ? up[1] : up[0];
  const WanLink* link = nullptr;
  for (const WanLink& w : twin.wan)
    if ((w.from == writer && w.to == other) || (w.from == other && w.to == writer)) link = &w;
  if (!link) throw std::invalid_argument("the twin's data centers " + writer + " and " + other + " have no wan link");
  if (!options.dsn.empty())
    throw std::invalid_argument("--dsn: a two-data-center twin runs its own server and replica on the lab's link");
  if (const auto why = real::NetLab::unavailable())
    throw real::NetLabError("two data centers need network namespaces, and " + *why +
                            "; the one-data-center regimes run without them (surge twin --regimes "
                            "hsm-bound,hsm-lost,db-bound)");
  lab_ = std::make_unique<real::NetLab>(writer, other, link->bandwidth_Bps);
  real::enter_net_namespace(lab_->site(0).ns);
}

std::string Pipeline::address_of(const std::string& data_center) const {
  const real::NetSite* site = lab_ ? lab_->find(data_center) : nullptr;
  return site ? site->address : "127.0.0.1";
}

void Pipeline::make_tokens(const Scenario& twin, const LiveOptions& options) {
  for (const DataCenter& dc : twin.data_centers) {
    if (down_from_start(twin, dc.name)) continue;
    for (int i = 1; i <= dc.hsm_count; ++i)
      members_.push_back({dc.name + "/hsm-" + std::to_string(i), dc.name,
                          "twin-" + dc.name + "-hsm-" + std::to_string(i), std::max(1, dc.hsm.sessions),
                          dc.hsm.signatures_per_s, "", nullptr});
  }
  if (members_.empty()) throw std::invalid_argument("the twin scenario has no HSM member up at the start");
  const std::optional<real::KeyType> type = real::parse_key_type(twin.workload.key_type);
  if (!type) throw std::invalid_argument("the twin signs with " + twin.workload.key_type + ", which no token here has");
  key_type_ = twin.workload.key_type;
  const fs::path dir = fs::path(work_) / "softhsm";
  fs::create_directories(dir / "tokens");
  softhsm_conf_ = (dir / "softhsm2.conf").string();
  std::ofstream(softhsm_conf_) << "directories.tokendir = " << (dir / "tokens").string()
                               << "\nobjectstore.backend = file\nlog.level = ERROR\n";
  setenv("SOFTHSM2_CONF", softhsm_conf_.c_str(), 1);
  user_pin_ = std::make_unique<real::Pin>(random_secret());
  const real::Pin so_pin(random_secret());
  const real::SoftwareKey key = real::generate_software_key(*type);
  real::Pkcs11Module module(options.module);
  for (const Member& m : members_) {
    const CK_SLOT_ID slot = module.init_token(m.token, so_pin.value(), user_pin_->value());
    const CK_SESSION_HANDLE s = module.open_session(slot);
    module.login(s, user_pin_->value());
    real::import_private_key(module, s, key.get(), *type, "issuer");
    module.close_session(s);
  }
  issuer_der_ = real::issuer_certificate(*type, key.get());
  write_bytes(fs::path(work_) / "issuer.der", issuer_der_);
}

void Pipeline::start_database(const Scenario& twin, const LiveOptions& options) {
  if (options.dsn.empty()) {
    real::LocalServerOptions o;
    if (lab_) o.address = lab_->site(0).address, o.client_host = kLabClients;
    db_ = std::make_unique<real::LocalMariaDb>(o);
    target_ = db_->target();
    target_.database = kDatabase;
    if (lab_ && replicas_in(twin, lab_->site(1).name) > 0) {  // before the schema, which it then replicates
      o.net_namespace = lab_->site(1).ns;
      o.address = lab_->site(1).address;
      replica_ = real::start_local_replica(*db_, o);
    }
  } else {
    target_ = real::parse_dsn(options.dsn);  // std::invalid_argument: bad input
    const real::Pin password = real::pin_from_environment("SURGE_DB_PASSWORD", "the database password");
    target_.password = password.value();
    target_.database = std::string(kDatabase) + "_" + random_secret().substr(0, 12);  // this run's own
  }
  real::DbTarget server = target_;
  server.database.clear();
  std::unique_ptr<real::DbConnection> c = real::connect_mariadb(server);
  real::open_surge_database(*c, target_.database);
  created_ = !options.dsn.empty();
  // The replica's lag, as pt-heartbeat measures it: the writer's clock, written often, read on the replica.
  c->execute("CREATE TABLE IF NOT EXISTS `" + target_.database +
             "`.twin_heartbeat (id INT PRIMARY KEY, ts_us BIGINT NOT NULL)");
  c->execute("REPLACE INTO `" + target_.database + "`.twin_heartbeat VALUES (1, 0)");
}

// A database the run created on someone else's server goes with the run.
void Pipeline::drop_database() {
  if (!created_) return;
  created_ = false;
  try {
    real::DbTarget server = target_;
    server.database.clear();
    real::connect_mariadb(server)->execute("DROP DATABASE IF EXISTS `" + target_.database + "`");
  } catch (const std::exception& e) {
    std::cerr << "surge twin: could not drop " << target_.database << ": " << e.what() << "\n";
  }
}

void Pipeline::start_logs(const Scenario& twin, const LiveOptions& options) {
  for (const CtLog& log : twin.ct.logs) {
    const std::string key_file = (fs::path(work_) / ("ctlog-" + log.name + ".der")).string();
    logs_.push_back(std::make_unique<ChildProcess>(
        "log " + log.name,
        std::vector<std::string>{options.bin_dir + "/surge-ctlog", "--name", log.name, "--rate",
                                 std::to_string(log.rate_per_s), "--port", "0", "--public-key", key_file},
        std::map<std::string, std::string>{}, (fs::path(work_) / ("ctlog-" + log.name + ".log")).string()));
    endpoints_.push_back({log.name, log.operator_name, "http://" + logs_.back()->wait_listening(kStartTimeout_s)});
  }
}

std::unique_ptr<ChildProcess> Pipeline::start_node(const NodeConfig& config, const LiveOptions& options,
                                                   const std::map<std::string, std::string>& env, std::string& address,
                                                   const std::string& data_center) {
  const fs::path file = fs::path(work_) / "nodes" / (file_name(config.name) + ".json");
  std::ofstream(file) << config.to_json().dump(2);
  // This process is in the first site's namespace already; the second site's nodes are started in theirs.
  const bool away = lab_ && data_center == lab_->site(1).name;
  std::vector<std::string> args = real::in_namespace(away ? lab_->site(1).ns : "");
  for (const std::string& a : {options.bin_dir + "/surge-twin-node", std::string("--config"), file.string()})
    args.push_back(a);
  auto p = std::make_unique<ChildProcess>(config.name, args, env,
                                          (fs::path(work_) / "nodes" / (file_name(config.name) + ".log")).string());
  address = p->wait_listening(kStartTimeout_s);
  return p;
}

void Pipeline::start_nodes(const Scenario& twin, const LiveOptions& options) {
  NodeConfig base;
  base.era = era_name(twin.workload.era);
  base.seed = twin.seed;
  base.issuer_certificate = (fs::path(work_) / "issuer.der").string();
  const std::string home = twin.data_centers[twin.writer_data_center()].name;
  base.listen = address_of(home);
  NodeConfig sa = base;
  sa.role = "sa";
  sa.name = "sa";
  const real::DbTarget& t = target_;
  sa.db_host = t.host;
  sa.db_port = t.port;
  sa.db_user = t.user;
  sa.db_database = t.database;
  const DbSpec& writer = twin.data_centers[twin.writer_data_center()].db;
  sa.db_connections = kSaConnections;
  sa.rate_per_s = writer.commits_per_s;
  sa_ = start_node(sa, options, {{"SURGE_DB_PASSWORD", t.password}}, sa_address_);
  for (Member& m : members_) {
    NodeConfig ca = base;
    ca.role = "ca";
    ca.name = m.name;
    ca.sa = sa_address_;
    ca.module = options.module;
    ca.token = m.token;
    ca.key_type = key_type_;
    ca.sessions = m.sessions;
    ca.rate_per_s = m.rate_per_s;
    ca.listen = address_of(m.data_center);
    m.process = start_node(ca, options, {{"SURGE_PKCS11_PIN", user_pin_->value()}, {"SOFTHSM2_CONF", softhsm_conf_}},
                           m.address, m.data_center);
  }
  NodeConfig publisher = base;
  publisher.role = "publisher";
  publisher.name = "publisher";
  publisher.logs = endpoints_;
  publisher_ = start_node(publisher, options, {}, publisher_address_);
  NodeConfig ra = base;
  ra.role = "ra";
  ra.name = "ra";
  ra.sa = sa_address_;
  ra.publisher = publisher_address_;
  for (const Member& m : members_) ra.cas.push_back(m.address);
  ra.logs = endpoints_;
  ra.scts_required = twin.ct.logs.empty() ? 0 : twin.ct.scts_required;
  ra.authz_reuse = 1 - twin.workload.new_authz_share;
  ra_ = start_node(ra, options, {}, ra_address_);
}

std::vector<std::pair<std::string, pid_t>> Pipeline::processes() const {
  std::vector<std::pair<std::string, pid_t>> out;
  if (db_) out.emplace_back("mariadb", db_->pid());
  if (replica_.server) out.emplace_back("mariadb-replica", replica_.server->pid());
  for (const auto& l : logs_)
    if (l && l->running()) out.emplace_back(l->name(), l->pid());
  for (const Member& m : members_)
    if (m.process && m.process->running()) out.emplace_back(m.name, m.process->pid());
  for (const auto* p : {&sa_, &publisher_, &ra_})
    if (*p && (*p)->running()) out.emplace_back((*p)->name(), (*p)->pid());
  return out;
}

std::vector<std::pair<std::string, std::string>> Pipeline::stats_addresses() const {
  std::vector<std::pair<std::string, std::string>> out = {
      {"sa", sa_address_}, {"publisher", publisher_address_}, {"ra", ra_address_}};
  for (const Member& m : members_) out.emplace_back(m.name, m.address);
  return out;
}

nlohmann::json Pipeline::database_summary(int samples) const {
  std::unique_ptr<real::DbConnection> c = real::connect_mariadb(target_);
  nlohmann::json rows = nlohmann::json::object();
  for (const char* table : {"serials", "precertificates", "certificates", "revokedCertificates", "fqdnSets"})
    rows[table] = std::stoll(c->scalar(std::string("SELECT COUNT(*) FROM ") + table).value_or("0"));
  rows["certificateStatus.revoked"] =
      std::stoll(c->scalar("SELECT COUNT(*) FROM certificateStatus WHERE status = 'revoked'").value_or("0"));
  nlohmann::json out = {{"rows", rows}};
  for (const char* table : {"precertificates", "certificates"}) {
    nlohmann::json list = nlohmann::json::array();
    for (const real::DbRow& r :
         c->query(std::string("SELECT serial, der FROM ") + table + " ORDER BY id LIMIT " + std::to_string(samples)))
      if (r.at(0) && r.at(1))
        list.push_back({{"serial", *r.at(0)}, {"der", real::base64(real::Bytes(r.at(1)->begin(), r.at(1)->end()))}});
    out[std::string("sample_") + table] = list;
  }
  return out;
}

void Pipeline::stop() {
  // All asked at once (a signer across a cut link takes its shutdown's grace), then each waited for.
  for (const auto* p : {&ra_, &publisher_, &sa_})
    if (*p) (*p)->ask_to_stop();
  for (const Member& m : members_)
    if (m.process) m.process->ask_to_stop();
  if (ra_) ra_->stop();
  if (publisher_) publisher_->stop();
  for (Member& m : members_)
    if (m.process) m.process->stop();
  if (sa_) sa_->stop();
  for (auto& l : logs_) l->stop();
}

}  // namespace surge::twin
