#include "cli/command.hpp"

#include <iostream>

#include "cli/unknown_command.hpp"
#include "models/exit_codes.hpp"
#include "models/heap.hpp"
#include "models/scenario_parser.hpp"

namespace surge::cli {

int run_commands(CLI::App& app, const std::vector<Command>& commands, int argc, char** argv) {
  std::vector<CLI::App*> subcommands;
  for (const Command& c : commands) subcommands.push_back(c.add(app));
  if (const std::string unknown = unknown_command(app, argc, argv); !unknown.empty()) {
    std::cerr << unknown;
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    for (size_t i = 0; i < commands.size(); ++i)
      if (*subcommands[i]) return commands[i].run();
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "surge: " << e.what() << "\n";
    return kExitRuntime;
  }
  return 0;
}

int run_handed_command(const std::string& description, const Command& command, int argc, char** argv) {
  surge::keep_freed_heap();
  CLI::App app{description, "surge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SURGE_VERSION);
  return run_commands(app, {command}, argc, argv);
}

}  // namespace surge::cli
