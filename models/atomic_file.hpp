// Output files written whole or not at all: a temporary file in the same folder, fsynced, then renamed
// over the target (and the folder fsynced), so a crash leaves the old file or the new one, never half.
#pragma once

#include <string>

namespace surge {

/// Writes `text` to `path` through a temporary file in the same folder, fsynced, then renamed.
/// Throws std::runtime_error (and leaves no temporary file) when it cannot.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace surge
