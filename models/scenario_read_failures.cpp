// The scenario's `failures`: what fails and when (a data center, an HSM member, the DB writer, a WAN
// link, a CT log or a CT log operator), each checked against the places, links and logs read before.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/scenario_reader.hpp"
#include "models/topology.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// " (logs: a, b)" or " (operators: x, y)", or " (the scenario has no ct logs)", for messages.
std::string ct_names(const Scenario& s, bool operators) {
  if (s.ct.logs.empty()) return " (the scenario has no ct logs)";
  std::vector<std::string> names = s.ct.operators();
  if (!operators) {
    names.clear();
    for (const CtLog& l : s.ct.logs) names.push_back(l.name);
  }
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return std::string(operators ? " (operators: " : " (logs: ") + out + ")";
}

// The topology name of the WAN link a failure writes as "dc1-dc2", "dc2-dc1" or "wan/dc1-dc2" (a link
// fails both ways, so either order of its ends names it; the order written in `wan` wins a tie). Empty,
// with `why`, when the scenario has no such link.
std::string wan_link_named(const Scenario& s, const std::string& written, std::string& why) {
  const std::string prefix = "wan/";
  const std::string ends = written.rfind(prefix, 0) == 0 ? written.substr(prefix.size()) : written;
  // Data center names may hold '-' themselves (us-east-1), so whole names are compared, never split.
  for (const bool reversed : {false, true})
    for (const WanLink& w : s.wan)
      if (ends == (reversed ? w.to + "-" + w.from : w.from + "-" + w.to)) return wan_link_name(w.from, w.to);
  std::string links;
  for (const WanLink& w : s.wan) links += (links.empty() ? "" : ", ") + w.from + "-" + w.to;
  why = "'" + written + "' is not a WAN link (" + (links.empty() ? "the scenario has none" : "links: " + links) + ")";
  return "";
}

// What the failure `item` (read by m) names, into f; returns how many kinds of failure it names (one is
// right; the caller reports any other count).
int read_failure_target(Context& ctx, MapReader& m, YAML::Node item, const Scenario& s, Failure& f) {
  int kinds = 0;
  std::string why;
  if (auto v = m.text("data_center", Need::OPTIONAL)) {
    ++kinds, f.kind = FailureKind::DATA_CENTER, f.target = *v;
    if (v->find('/') != std::string::npos || !place_exists(s, *v, false, why))
      ctx.error(item["data_center"], m.path() + ".data_center",
                why.empty() ? "'" + *v + "' is not a data center" : why);
  }
  if (auto v = m.text("hsm", Need::OPTIONAL)) {
    ++kinds, f.kind = FailureKind::HSM, f.target = *v;
    if (v->find("/hsm-") == std::string::npos || !place_exists(s, *v, false, why))
      ctx.error(item["hsm"], m.path() + ".hsm",
                why.empty() ? "'" + *v + "' is not an HSM; write <data center>/hsm-<n>" : why);
  }
  if (auto v = m.text("db_writer", Need::OPTIONAL)) {
    ++kinds, f.kind = FailureKind::DB_WRITER;
    if (*v != "lost") ctx.error(item["db_writer"], m.path() + ".db_writer", "db_writer failure must be 'lost'");
  }
  if (auto v = m.text("link", Need::OPTIONAL)) {
    std::string not_a_link;
    ++kinds, f.kind = FailureKind::LINK, f.target = wan_link_named(s, *v, not_a_link);
    if (f.target.empty()) ctx.error(item["link"], m.path() + ".link", not_a_link);
  }
  if (auto v = m.text("ct_log", Need::OPTIONAL)) {
    ++kinds, f.kind = FailureKind::CT_LOG, f.target = *v;
    if (s.ct.log_index(*v) < 0)
      ctx.error(item["ct_log"], m.path() + ".ct_log", "'" + *v + "' is not a CT log" + ct_names(s, false));
  }
  if (auto v = m.text("ct_operator", Need::OPTIONAL)) {
    ++kinds, f.kind = FailureKind::CT_OPERATOR, f.target = *v;
    const std::vector<std::string> ops = s.ct.operators();
    if (std::find(ops.begin(), ops.end(), *v) == ops.end())
      ctx.error(item["ct_operator"], m.path() + ".ct_operator",
                "'" + *v + "' is not a CT log operator" + ct_names(s, true));
  }
  return kinds;
}

// One failure of the list (`item`, read by m), appended to s.failures.
void read_failure(MapReader& m, const YAML::Node& item, Scenario& s) {
  Context& ctx = ctx_of(m);
  Failure f;
  f.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
  const int kinds = read_failure_target(ctx, m, item, s, f);
  if (kinds != 1)
    ctx.error(item, m.path(), "a failure names exactly one of data_center, hsm, db_writer, link, ct_log, ct_operator");
  if (auto v = m.quantity("at", QuantityKind::DURATION, Need::REQUIRED, Sign::NON_NEGATIVE)) f.at_s = *v;
  // Only a CT log comes back: the other failures' repairs (a data center's return, a writer
  // rejoining) are not modelled.
  const bool ct_kind = f.kind == FailureKind::CT_LOG || f.kind == FailureKind::CT_OPERATOR;
  if (YAML::Node u = m.get("until", Need::OPTIONAL); u && !u.IsNull()) {
    if (!ct_kind || kinds != 1) {
      ctx.error(u, m.path() + ".until",
                "'until' is only for ct_log and ct_operator failures: other failures are permanent");
    } else if (auto v = m.quantity("until", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE)) {
      f.until_s = *v;
      if (f.until_s <= f.at_s) ctx.error(u, m.path() + ".until", "'until' must be after 'at'");
    }
  }
  m.finish();
  s.failures.push_back(f);
}

}  // namespace

void read_failures(MapReader& top, Scenario& s) {
  const YAML::Node list = optional_list(top, "failures", "'failures' must be a list");
  for_each_map(ctx_of(top), list, "failures", nullptr,
               [&](MapReader& m, const YAML::Node& item, size_t) { read_failure(m, item, s); });
}

}  // namespace surge::detail
