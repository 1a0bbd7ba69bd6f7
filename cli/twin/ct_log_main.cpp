// surge-ctlog: one local Certificate Transparency log for the twin (docs/TWIN.md). It answers RFC 6962's
// add-pre-chain over HTTP on 127.0.0.1 with real SCTs (real/ct_log: a fresh P-256 key per run), enforces
// the scenario's per-log rate limit (a token bucket holding one second of submissions; over it, 429 with
// Retry-After), and counts what it did on /metrics in Prometheus' text format.
//   surge-ctlog --name NAME --rate R --port P --public-key FILE
// --port 0 picks a free port; the port is printed on standard output ("listening 127.0.0.1:PORT") once
// the log accepts submissions. Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad arguments, 3 cannot listen.
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "models/exit_codes.hpp"
#include "real/ct_log.hpp"
#include "real/sct.hpp"
#include "real/structures.hpp"

namespace {

using surge::real::Bytes;

using surge::real::base64;
using surge::real::unbase64;

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// The log's rate limit: up to one second's submissions at once, refilled at `rate` per second.
class TokenBucket {
 public:
  explicit TokenBucket(double rate) : rate_(rate), tokens_(std::max(1.0, rate)) {}
  bool take() {
    std::lock_guard<std::mutex> lock(m_);
    const auto now = std::chrono::steady_clock::now();
    tokens_ = std::min(std::max(1.0, rate_), tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  std::mutex m_;
  double rate_;
  double tokens_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

struct Counts {
  std::atomic<long> accepted{0}, rate_limited{0}, rejected{0};
};

void add_pre_chain(const surge::real::CtLogKey& key, TokenBucket& bucket, Counts& counts, const httplib::Request& req,
                   httplib::Response& res) {
  if (!bucket.take()) {
    ++counts.rate_limited;
    res.status = 429;
    res.set_header("Retry-After", "1");
    return;
  }
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  Bytes precert, issuer;
  if (body.is_object() && body.contains("chain") && body["chain"].is_array() && body["chain"].size() >= 2 &&
      body["chain"][0].is_string() && body["chain"][1].is_string()) {
    precert = unbase64(body["chain"][0].get<std::string>());
    issuer = surge::real::certificate_public_key(unbase64(body["chain"][1].get<std::string>()));
  }
  try {
    if (precert.empty() || issuer.empty())
      throw std::invalid_argument("the chain needs a precertificate and its issuer");
    const surge::real::SignedTimestamp sct = key.sign_precertificate(precert, issuer, now_ms());
    const nlohmann::json out = {{"sct_version", 0},
                                {"id", base64(sct.log_id)},
                                {"timestamp", sct.timestamp_ms},
                                {"extensions", ""},
                                {"signature", base64(sct.signature)}};
    ++counts.accepted;
    res.set_content(out.dump(), "application/json");
  } catch (const std::invalid_argument& e) {
    ++counts.rejected;
    res.status = 400;
    res.set_content(e.what(), "text/plain");
  }
}

httplib::Server* g_server = nullptr;
void on_stop(int) {
  if (g_server) g_server->stop();
}

}  // namespace

int main(int argc, char** argv) {
  std::string name, public_key_file;
  double rate = 0;
  int port = 0;
  CLI::App app{"surge-ctlog: a local RFC 6962 CT log for the twin (add-pre-chain, real SCTs, a rate limit)"};
  app.add_option("--name", name, "The log's name, as the scenario's ct.logs name it")->required();
  app.add_option("--rate", rate, "Submissions per second it accepts (its rate limit)")
      ->required()
      ->check(CLI::Range(0.001, 1e9));
  app.add_option("--port", port, "TCP port on 127.0.0.1; 0 picks a free one")->check(CLI::Range(0, 65535));
  app.add_option("--public-key", public_key_file, "Where to write the log's public key (DER)")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : surge::kExitBadInput;
  }
  // A twin's part ends with the twin: SIGTERM when the process that started it dies, even by SIGKILL.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return surge::kExitRuntime;
  const surge::real::CtLogKey key = surge::real::CtLogKey::generate();
  std::ofstream(public_key_file, std::ios::binary)
      .write(reinterpret_cast<const char*>(key.public_key_der().data()),
             static_cast<std::streamsize>(key.public_key_der().size()));
  TokenBucket bucket(rate);
  Counts counts;
  httplib::Server server;
  server.Post("/ct/v1/add-pre-chain", [&](const httplib::Request& req, httplib::Response& res) {
    add_pre_chain(key, bucket, counts, req, res);
  });
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    const std::string log = "{log=\"" + name + "\"}";
    res.set_content("surge_ctlog_submissions_total" + log + " " + std::to_string(counts.accepted) + "\n" +
                        "surge_ctlog_rate_limited_total" + log + " " + std::to_string(counts.rate_limited) + "\n" +
                        "surge_ctlog_rejected_total" + log + " " + std::to_string(counts.rejected) + "\n",
                    "text/plain; version=0.0.4");
  });
  const int bound =
      port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::cerr << "surge-ctlog: cannot listen on 127.0.0.1:" << port << "\n";
    return surge::kExitRuntime;
  }
  g_server = &server;
  std::signal(SIGTERM, on_stop);
  std::signal(SIGINT, on_stop);
  std::cout << "listening 127.0.0.1:" << bound << std::endl;
  server.listen_after_bind();
  return surge::kExitOk;
}
