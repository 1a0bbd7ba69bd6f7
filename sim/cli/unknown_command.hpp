// Unknown commands are errors: `surge twin x.yaml` (or `surge calibrate nope`) names the word it does not know
// and lists the commands it does, instead of CLI11's "A subcommand is required" or the main help.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace surge::cli {

/// The error for a command line whose command (or a command's command, at any depth) `app` does not have:
/// "surge: unknown command 'twin'" (or "surge calibrate: unknown command 'nope'") and the commands there,
/// one a line with their description. Empty when every command word is known. Only a level with commands
/// and no positional arguments is checked; options end the walk (their values are not commands).
std::string unknown_command(const CLI::App& app, int argc, const char* const* argv);

}  // namespace surge::cli
