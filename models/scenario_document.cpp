#include "models/scenario_document.hpp"

#include "models/units.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace surge {
namespace {

constexpr const char* kFailuresPath = "failures";

// The node at a dotted path, walking list elements by name or index as overrides do; null when absent.
YAML::Node find_node(YAML::Node node, const std::string& path) {
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');) {
    if (!node || !node.IsDefined()) return YAML::Node();
    if (node.IsSequence()) {
      YAML::Node found;
      for (size_t i = 0; i < node.size(); ++i)
        if ((node[i].IsMap() && node[i]["name"] && node[i]["name"].Scalar() == part) || std::to_string(i) == part)
          found.reset(node[i]);
      if (!found) return YAML::Node();
      node.reset(found);
    } else if (node.IsMap()) {
      YAML::Node child = node[part];
      if (!child) return YAML::Node();
      node.reset(child);
    } else {
      return YAML::Node();
    }
  }
  return node;
}

std::string flow_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

// Outages as a `failures` override value: [{data_center: dc2, at: 0h}, ...].
std::string failures_value(const std::vector<Outage>& outages) {
  std::string v = "[";
  for (size_t i = 0; i < outages.size(); ++i) {
    const Outage& o = outages[i];
    v += (i ? ", {" : "{") + failure_key(o.kind) + ": " + (o.kind == FailureKind::DB_WRITER ? "lost" : o.target) +
         ", at: " + exact_duration(o.at_s) + (o.until_s ? ", until: " + exact_duration(*o.until_s) : "") + "}";
  }
  return v + "]";
}

}  // namespace

std::string failure_key(FailureKind kind) {
  switch (kind) {
    case FailureKind::DATA_CENTER:
      return "data_center";
    case FailureKind::HSM:
      return "hsm";
    case FailureKind::DB_WRITER:
      return "db_writer";
    case FailureKind::LINK:
      return "link";
    case FailureKind::CT_LOG:
      return "ct_log";
    case FailureKind::CT_OPERATOR:
      return "ct_operator";
  }
  return "data_center";
}

std::string exact_duration(double seconds) {
  if (seconds == std::floor(seconds / kSecondsPerHour) * kSecondsPerHour)
    return std::to_string(static_cast<long long>(seconds / kSecondsPerHour)) + "h";
  if (seconds == std::floor(seconds / kSecondsPerMinute) * kSecondsPerMinute)
    return std::to_string(static_cast<long long>(seconds / kSecondsPerMinute)) + "min";
  std::ostringstream o;
  o.precision(17);
  o << seconds << "s";
  return o.str();
}

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() &&
      arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/=:%+") ==
          std::string::npos)
    return arg;
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

ScenarioDocument::ScenarioDocument(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)), scenario_(parse_scenario(text_, path_)) {}

ScenarioDocument ScenarioDocument::open(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError({Diagnostic{path, 0, 0, "cannot read the scenario file", ""}});
  std::stringstream buf;
  buf << in.rdbuf();
  return ScenarioDocument(path, buf.str());
}

std::vector<Outage> ScenarioDocument::outages() const {
  std::vector<Outage> out;
  for (const Failure& f : scenario_.failures)
    out.push_back(
        Outage{f.kind, f.target, f.at_s, std::isfinite(f.until_s) ? std::optional<double>(f.until_s) : std::nullopt});
  return out;
}

void ScenarioDocument::apply(State next) {
  Scenario parsed = parse_scenario(text_, path_, next.overrides);  // throws, changing nothing
  undo_.push_back(State{overrides_, last_change_});
  redo_.clear();
  overrides_ = std::move(next.overrides);
  last_change_ = std::move(next.description);
  scenario_ = std::move(parsed);
}

void ScenarioDocument::set(const std::vector<Override>& edits, const std::string& description) {
  State next{overrides_, description};
  std::string said;
  for (const Override& e : edits) {
    auto it =
        std::find_if(next.overrides.begin(), next.overrides.end(), [&](const Override& o) { return o.path == e.path; });
    if (e.value.empty()) {
      if (it != next.overrides.end()) next.overrides.erase(it);
    } else if (it != next.overrides.end()) {
      it->value = e.value;
    } else {
      next.overrides.push_back(e);
    }
    said += (said.empty() ? "" : ", ") + e.path + "=" + (e.value.empty() ? "(file)" : e.value);
  }
  if (next.description.empty()) next.description = said;
  apply(std::move(next));
}

void ScenarioDocument::set_all(const std::vector<Override>& overrides, const std::string& description) {
  apply(State{overrides, description});
}

std::string ScenarioDocument::value(const std::string& path) const {
  for (const Override& o : overrides_)
    if (o.path == path) return o.value;
  // An edit of a containing list or map (e.g. a whole fabric) holds the value.
  for (const Override& o : overrides_)
    if (path.rfind(o.path + ".", 0) == 0 && !o.value.empty() && (o.value.front() == '{' || o.value.front() == '[')) {
      const YAML::Node n = find_node(YAML::Load(o.value), path.substr(o.path.size() + 1));
      return n && n.IsScalar() ? n.Scalar() : "";
    }
  const YAML::Node n = find_node(YAML::Load(text_), path);  // the file parsed only when no edit holds the value
  if (!n) return "";
  return n.IsScalar() ? n.Scalar() : flow_text(n);
}

void ScenarioDocument::set_down(FailureKind kind, const std::string& target, std::optional<double> at_s) {
  std::vector<Outage> list = outages();
  const std::string name = kind == FailureKind::DB_WRITER ? "" : target;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const Outage& o) {
                              return o.kind == kind && (o.target == name || kind == FailureKind::DB_WRITER);
                            }),
             list.end());
  const std::string label = kind == FailureKind::DB_WRITER ? std::string("DB writer") : target;
  std::string description = label + " up";
  if (at_s) {
    list.push_back(Outage{kind, name, *at_s, std::nullopt});
    description = label + " down at " + exact_duration(*at_s);
  }
  set({{kFailuresPath, failures_value(list)}}, description);
}

std::optional<double> ScenarioDocument::down_at(FailureKind kind, const std::string& target) const {
  for (const Failure& f : scenario_.failures)
    if (f.kind == kind && (kind == FailureKind::DB_WRITER || f.target == target)) return f.at_s;
  return std::nullopt;
}

void ScenarioDocument::undo() {
  if (undo_.empty()) return;
  State prev = undo_.back();
  scenario_ = parse_scenario(text_, path_, prev.overrides);  // was valid when it was current
  undo_.pop_back();
  redo_.push_back(State{overrides_, last_change_});
  overrides_ = std::move(prev.overrides);
  last_change_ = std::move(prev.description);
}

void ScenarioDocument::redo() {
  if (redo_.empty()) return;
  State next = redo_.back();
  scenario_ = parse_scenario(text_, path_, next.overrides);
  redo_.pop_back();
  undo_.push_back(State{overrides_, last_change_});
  overrides_ = std::move(next.overrides);
  last_change_ = std::move(next.description);
}

std::vector<std::string> ScenarioDocument::cli_arguments() const {
  std::vector<std::string> args;
  for (const Override& o : overrides_) {
    args.push_back("--set");
    args.push_back(o.path + "=" + o.value);
  }
  return args;
}

std::string ScenarioDocument::command_line(const std::string& program) const {
  std::string line = program + " " + shell_quote(path_);
  for (const std::string& a : cli_arguments()) line += " " + shell_quote(a);
  return line;
}

std::string ScenarioDocument::to_yaml(const std::string& save_path) const {
  return write_scenario_yaml(text_, path_, overrides_, save_path);
}

}  // namespace surge
