// Output files written whole or not at all: a temporary file in the same folder, fsynced, then renamed
// over the target (and the folder fsynced), so a crash leaves the old file or the new one, never half.
// A command with several outputs checks them all before its work and writes them all or none.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace surge {

/// Writes `text` to `path` through a temporary file in the same folder, fsynced, then renamed.
/// Throws std::runtime_error naming `path` and the reason (and leaves no temporary file) when it cannot.
void write_file_atomically(const std::string& path, const std::string& text);

/// Writes every (path, text) through its own temporary file; only when all are written and synced are
/// they renamed, so either every file is replaced or none is. Throws std::runtime_error as above.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

/// Why `path` cannot be written, or "" if it can: its folder is missing, is not a folder, refuses a
/// new file (tried with a probe file, removed at once), or `path` is a folder. Checked before a long
/// measurement so that its result is not lost to an output that was never writable.
std::string output_path_problem(const std::string& path);

}  // namespace surge
