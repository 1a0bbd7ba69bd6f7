// Commands another program of surge runs: `surge run` is surge-sim (SimGrid, which nothing else loads) and
// `surge plot` is surge-plot (Qt Charts, built with the GUI). surge replaces itself with that program.
#pragma once

#include <string>

namespace surge::cli {

/// Replaces this process with `program` beside this one ($env_override when set; then this program's folder,
/// then `fallback_folder` relative to it, when not empty), with argv[1..argc) as its arguments (argv[0] becomes its
/// path). Returns only when no such program can run: the exit code (3) after a message naming what is missing and
/// `how_to_build` it.
int exec_beside(const std::string& program, const char* env_override, const std::string& fallback_folder,
                const std::string& how_to_build, int argc, char** argv);

/// The path of `program` beside this one ($env_override when set), or empty when none is executable.
std::string program_beside(const std::string& program, const char* env_override);

/// This very program's path (/proc/self/exe; argv0 when that cannot be read): children run `surge run`.
std::string self_path(const char* argv0);

}  // namespace surge::cli
