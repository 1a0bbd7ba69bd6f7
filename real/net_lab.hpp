// Two data centers on one machine (the twin's two-data-center regime, docs/TWIN.md): two network
// namespaces joined by a veth pair, each direction shaped with tc's token bucket filter (tbf) to one
// bandwidth, and removed when the lab goes (also on failure; a lab whose owner died is removed by the
// next one). Making namespaces needs CAP_SYS_ADMIN (root): where it is not allowed, `unavailable()`
// says why, before anything is made.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge::real {

/// A namespace or tc command that failed (exit 3).
class NetLabError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One data center of the lab.
struct NetSite {
  std::string name;     ///< the scenario's data center name ("dc1")
  std::string ns;       ///< its network namespace ("surge-PID-dc1")
  std::string address;  ///< its end of the link ("10.77.0.1"): where its servers listen
  std::string device;   ///< its end of the veth pair
};

class NetLab {
 public:
  /// Makes the two sites' namespaces (loopback up), the veth pair between them with addresses
  /// 10.77.0.1/30 and 10.77.0.2/30, and a tbf of `bandwidth_Bps` on each end's egress. Throws NetLabError
  /// naming the command and what it printed, having removed what it made.
  NetLab(const std::string& first, const std::string& second, double bandwidth_Bps);
  ~NetLab();
  NetLab(const NetLab&) = delete;
  NetLab& operator=(const NetLab&) = delete;

  const NetSite& site(std::size_t i) const { return sites_.at(i); }
  /// The site of a data center, or nullptr.
  const NetSite* find(const std::string& data_center) const;
  /// Cuts the link (both ends down): nothing more crosses it; connections across it hang.
  void cut();
  /// Bytes the first site's end has sent and received so far (/proc/net/dev, read in that namespace).
  std::pair<double, double> first_site_bytes() const;
  /// The addresses and qdiscs as ip and tc print them in each namespace (the run's evidence; tc's as JSON,
  /// its rate in bytes/s).
  std::string describe() const;
  /// Why network namespaces cannot be made here, or nullopt when they can.
  static std::optional<std::string> unavailable();

 private:
  void remove();
  std::vector<NetSite> sites_;
  double bandwidth_Bps_ = 0;
};

/// Moves the calling thread into a namespace of the lab (the threads and processes it starts afterwards
/// are in it too). Throws NetLabError.
void enter_net_namespace(const std::string& ns);

/// A command prefix that runs a program in a namespace (`ip netns exec NS`), empty for "".
std::vector<std::string> in_namespace(const std::string& ns);

}  // namespace surge::real
