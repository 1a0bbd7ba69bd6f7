// Unknown commands are errors: `surge twin x.yaml` (or `surge calibrate nope`) names the word it does not know
// and lists the commands it does, instead of CLI11's "A subcommand is required" or the main help; a missing
// command (`surge` alone) lists them too.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace surge::cli {

/// The error for a command line whose command (or a command's command, at any depth) `app` does not have:
/// "surge: unknown command 'twin'" (or "surge calibrate: unknown command 'nope'") and the commands there,
/// one a line with their description; "surge: a command is required" and the list when the words end at a
/// level that needs one more (`surge` alone). Empty when every command word is known and none is missing.
/// Only a level with commands and no positional arguments is checked; options end the walk (their values
/// are not commands, and `surge --help` stays help).
std::string unknown_command(const CLI::App& app, int argc, const char* const* argv);

}  // namespace surge::cli
