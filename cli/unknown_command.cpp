#include "cli/unknown_command.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

namespace surge::cli {
namespace {

std::vector<const CLI::App*> commands_of(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

bool takes_positionals(const CLI::App& app) {
  return !app.get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
}

// A description's first clause, for a one-line listing: up to the first ": " or ". " outside parentheses.
std::string first_clause(const std::string& description) {
  int depth = 0;
  for (size_t i = 0; i + 1 < description.size(); ++i) {
    const char c = description[i];
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (depth == 0 && (c == ':' || c == '.') && description[i + 1] == ' ') return description.substr(0, i);
  }
  return description;
}

// "PATH: HEADLINE; the commands are:", then one a line with the first clause of its description.
std::string listing(const std::string& path, const std::string& headline,
                    const std::vector<const CLI::App*>& commands) {
  size_t width = 0;
  for (const CLI::App* c : commands) width = std::max(width, c->get_name().size());
  std::ostringstream o;
  o << path << ": " << headline << "; the commands are:\n";
  for (const CLI::App* c : commands)
    o << "  " << c->get_name() << std::string(width - c->get_name().size() + 2, ' ')
      << first_clause(c->get_description()) << "\n";
  o << "Run '" << path << " --help' for more.\n";
  return o.str();
}

}  // namespace

std::string unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  const CLI::App* at = &app;
  std::string path = app.get_name().empty() ? std::string("surge") : app.get_name();
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return "";
    const std::vector<const CLI::App*> commands = commands_of(*at);
    if (commands.empty() || takes_positionals(*at)) return "";
    const auto known =
        std::find_if(commands.begin(), commands.end(), [&](const CLI::App* c) { return c->check_name(word); });
    if (known == commands.end()) return listing(path, "unknown command '" + word + "'", commands);
    at = *known;
    path += " " + at->get_name();
  }
  // Every word was a command and the last one needs one more (`surge`, `surge calibrate`).
  const std::vector<const CLI::App*> commands = commands_of(*at);
  if (!commands.empty() && at->get_require_subcommand_min() > 0)
    return listing(path, "a command is required", commands);
  return "";
}

}  // namespace surge::cli
