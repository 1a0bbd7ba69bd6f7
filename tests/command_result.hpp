// Runs a shell command for a test and captures its exit code, standard output and standard error.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace surge::testing {

/// What a command did.
struct CommandResult {
  int code = -1;  ///< exit code; -1 if it did not exit normally
  std::string out;
  std::string err;
};

/// Runs `command` through the shell; standard error goes through a temporary file.
inline CommandResult run_command(const std::string& command) {
  static int n = 0;
  const std::filesystem::path err_file = std::filesystem::temp_directory_path() /
                                         ("surge-test-stderr-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  CommandResult r;
  FILE* p = popen((command + " 2>" + err_file.string()).c_str(), "r");
  std::array<char, 4096> buf{};
  for (size_t got; (got = fread(buf.data(), 1, buf.size(), p)) > 0;) r.out.append(buf.data(), got);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_file);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  std::filesystem::remove(err_file);
  return r;
}

/// The whole text of a file ("" if it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace surge::testing
