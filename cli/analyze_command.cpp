#include "cli/analyze_command.hpp"

#include <iostream>
#include <sstream>

#include "models/analytic.hpp"
#include "models/exit_codes.hpp"
#include "models/report_check.hpp"
#include "models/scenario_parser.hpp"

namespace surge::cli {
namespace {

struct AnalyzeArgs {
  CLI::App* cmd = nullptr;
  std::string file;
  std::vector<std::string> sets;
  bool json = false;
  double headroom = AnalyticOptions{}.headroom;
  double target = AnalyticOptions{}.target_utilisation;
};
AnalyzeArgs analyze_args;

struct CheckArgs {
  CLI::App* cmd = nullptr;
  std::string file;
  std::vector<std::string> sets;
};
CheckArgs check_args;

}  // namespace

Scenario load(const std::string& file, const std::vector<std::string>& sets) {
  std::vector<Override> overrides;
  for (const std::string& s : sets) overrides.push_back(parse_override(s));
  return load_scenario(file, overrides);  // checks the invariants too: a violation exits 3
}

std::string target_utilisation_problem(double u) {
  if (u > 0 && u <= 1) return "";
  std::ostringstream o;
  o << "surge: --target-utilisation " << u << ": must be more than 0 and at most 1 (a fraction of capacity)";
  return o.str();
}

void add_target_utilisation(CLI::App* cmd, double& target) {
  cmd->add_option("--target-utilisation", target,
                  "Peak utilisation the recommended window keeps every resource under, as a fraction (0 < U <= 1, "
                  "default 0.8)");
}

CLI::App* add_analyze_command(CLI::App& app) {
  AnalyzeArgs& a = analyze_args;
  a.cmd = app.add_subcommand("analyze",
                             "The analytic answer in milliseconds, without simulating: demand per certificate, "
                             "bottleneck, fluid drain time, latest decision, capacity needed");
  a.cmd->add_option("file", a.file, "Scenario YAML file")->required();
  a.cmd->add_option("--set", a.sets, "Override a scenario field: path=value (repeatable)");
  a.cmd->add_flag("--json", a.json, "Print the report as JSON instead of text");
  a.cmd->add_option("--headroom", a.headroom, "Margin on the capacity each resource needs, as a fraction (default 0.2)")
      ->check(CLI::Range(0.0, 10.0));
  add_target_utilisation(a.cmd, a.target);
  return a.cmd;
}

CLI::App* add_check_command(CLI::App& app) {
  CheckArgs& a = check_args;
  a.cmd = app.add_subcommand("check", "Validate a scenario (and overrides) without running it");
  a.cmd->add_option("file", a.file, "Scenario YAML file")->required();
  a.cmd->add_option("--set", a.sets, "Override a scenario field: path=value (repeatable)");
  return a.cmd;
}

int run_analyze_command() {
  const AnalyzeArgs& a = analyze_args;
  if (!a.cmd || !*a.cmd) return -1;
  if (const std::string problem = target_utilisation_problem(a.target); !problem.empty()) {
    std::cerr << problem << "\n";
    return kExitBadInput;
  }
  const Scenario s = load(a.file, a.sets);
  AnalyticOptions options;
  options.headroom = a.headroom;
  options.target_utilisation = a.target;
  const Report r = analyze(s, options);
  require_report_invariants(r);
  std::cout << (a.json ? to_json(r).dump(2) + "\n" : render_text(r));
  return 0;
}

int run_check_command() {
  const CheckArgs& a = check_args;
  if (!a.cmd || !*a.cmd) return -1;
  const Scenario s = load(a.file, a.sets);
  std::cout << a.file << ": ok (" << s.name << ")\n";
  return 0;
}

}  // namespace surge::cli
