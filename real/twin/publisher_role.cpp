// The publisher: submits a precertificate and its issuer to one CT log's RFC 6962 add-pre-chain over
// HTTP and returns the log's SCT serialized (or the log's refusal: 429 with an empty SCT). Counted per
// log: submissions, SCTs, 429s, and each submission's latency.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "real/sct.hpp"
#include "real/twin/roles.hpp"

namespace surge::twin {
namespace {

class PublisherService final : public Publisher::Service {
 public:
  PublisherService(const std::vector<LogEndpoint>& logs, Counters& counters) : logs_(logs), counters_(counters) {}

  grpc::Status SubmitToSingleCTWithResult(grpc::ServerContext*, const SubmitRequest* r, SubmitResponse* out) override {
    const nlohmann::json body = {{"chain",
                                  {real::base64(real::Bytes(r->precertificate().begin(), r->precertificate().end())),
                                   real::base64(real::Bytes(r->issuer().begin(), r->issuer().end()))}}};
    const double start = now_s();
    httplib::Client client(r->log_url());
    client.set_connection_timeout(5);
    client.set_read_timeout(30);
    const httplib::Result res = client.Post("/ct/v1/add-pre-chain", body.dump(), "application/json");
    const std::string log = "." + log_name(r->log_url());
    counters_.add("ct.submissions" + log);
    counters_.add("ct.submissions");
    if (!res) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the log at " + r->log_url() + " did not answer");
    out->set_http_status(res->status);
    if (res->status == 429) {
      counters_.add("ct.rate_limited" + log);
      counters_.add("ct.rate_limited");
      return grpc::Status::OK;
    }
    if (res->status != 200)
      return grpc::Status(grpc::StatusCode::INTERNAL, "the log answered HTTP " + std::to_string(res->status));
    const nlohmann::json sct = nlohmann::json::parse(res->body, nullptr, false);
    if (!sct.is_object() || !sct.contains("id") || !sct.contains("timestamp") || !sct.contains("signature"))
      return grpc::Status(grpc::StatusCode::INTERNAL, "the log's answer is not an SCT");
    real::SignedTimestamp t;
    t.log_id = real::unbase64(sct["id"].get<std::string>());
    t.timestamp_ms = sct["timestamp"].get<std::uint64_t>();
    t.signature = real::unbase64(sct["signature"].get<std::string>());
    const real::Bytes serialized = real::serialize_sct(t);
    out->set_sct(serialized.data(), serialized.size());
    counters_.add("ct.scts" + log);
    counters_.latency("ct.submission", now_s() - start);
    return grpc::Status::OK;
  }

 private:
  // The scenario's name of the log at `url` (its URL when it is not one of the configured logs).
  std::string log_name(const std::string& url) const {
    for (const LogEndpoint& l : logs_)
      if (l.url == url) return l.name;
    return url;
  }

  const std::vector<LogEndpoint>& logs_;
  Counters& counters_;
};

}  // namespace

int serve_publisher(const NodeConfig& config) {
  Counters counters;
  PublisherService service(config.logs, counters);
  return serve(service, counters, config);
}

}  // namespace surge::twin
