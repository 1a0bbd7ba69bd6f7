// `surge twin SCENARIO --out DIR --predict-only [--hsm-profile P] [--db-profile P] [--duration D]`: derives
// the twin scenario (models/twin_scale) and writes it with the prediction the live run will be judged by,
// before any live run (docs/TWIN.md). The live pipeline is issue 18's next part.
#pragma once

#include <CLI/CLI.hpp>

namespace surge::cli {

/// Adds `twin` to the app.
CLI::App* add_twin_command(CLI::App& app);
/// Runs it if chosen: 0 written; 2 bad input (nothing written); 3 the prediction's simulation failed
/// (nothing written). -1 if `twin` was not chosen.
int run_twin_command(const char* argv0);

}  // namespace surge::cli
