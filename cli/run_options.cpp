// The options of `surge run`, in both surge (its help) and surge-sim (which parses and runs them).
#include "cli/analyze_command.hpp"
#include "cli/run_command.hpp"

namespace surge::cli {

CLI::App* add_run_command(CLI::App& app, RunArgs& run) {
  CLI::App* cmd = app.add_subcommand("run", "Simulate a scenario and print the answer");
  cmd->add_option("file", run.file, "Scenario YAML file")->required();
  cmd->add_option("--set", run.sets,
                  "Override a scenario field, validated like the file: path=value, e.g. incident.deadline=20h, "
                  "data_centers.dc1.hsm.count=1 (repeatable)");
  cmd->add_option("--seed", run.seed, "Random seed (default: the scenario's)");
  cmd->add_flag("--json", run.json, "Print the summary as JSON instead of text");
  cmd->add_option("--out", run.out, "Directory for summary.json, summary.txt and series.csv (time series)");
  cmd->add_option("--progress", run.progress,
                  "Progress on stderr: auto (a bar on a terminal, a line every 5 s otherwise), bar, lines, "
                  "jsonl (one JSON object per line, for programs), none")
      ->check(CLI::IsMember({"auto", "bar", "lines", "jsonl", "none"}));
  cmd->add_flag("--quiet", run.quiet, "No progress output");
  cmd->add_flag("--fail-on-miss", run.fail_on_miss, "Exit with 1 when the deadline is missed");
  cmd->add_option("--log", run.log,
                  "SimGrid log setting, e.g. surge_sim.thres:info for failures, promotions and bulk revocation "
                  "stamped with simulated time (repeatable)");
  cmd->add_option("--replications", run.replications,
                  "Independent replications, each a child process seeded from (seed, replication); every "
                  "figure as a mean with its 95% confidence interval (Student t)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--parallel", run.parallel, "Replications run at a time (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--compare-analytic", run.compare_analytic,
                "Also compute the analytic answer and print both side by side (with --json: both reports)");
  add_target_utilisation(cmd, run.target_utilisation);
  return cmd;
}

}  // namespace surge::cli
