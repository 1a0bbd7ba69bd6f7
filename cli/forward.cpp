#include "cli/forward.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "models/exit_codes.hpp"

namespace surge::cli {

std::string program_beside(const std::string& program, const char* env_override) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv(env_override); env && *env && access(env, X_OK) == 0) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && access((self.parent_path() / program).c_str(), X_OK) == 0) return (self.parent_path() / program).string();
  return {};
}

int exec_beside(const std::string& program, const char* env_override, const std::string& fallback_folder,
                const std::string& how_to_build, int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv(env_override); env && *env) candidates.emplace_back(env);
  std::error_code ec;
  if (const fs::path self = fs::read_symlink("/proc/self/exe", ec); !ec) {
    candidates.push_back(self.parent_path() / program);
    if (!fallback_folder.empty()) candidates.push_back(self.parent_path() / fallback_folder / program);
  }
  for (const fs::path& c : candidates) {
    if (access(c.c_str(), X_OK) != 0) continue;
    std::vector<char*> args{const_cast<char*>(c.c_str())};
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    execv(c.c_str(), args.data());
  }
  std::fprintf(stderr, "surge: %s is not built (%s) or not beside surge ($%s names it elsewhere)\n", program.c_str(),
               how_to_build.c_str(), env_override);
  return kExitRuntime;
}

std::string self_path(const char* argv0) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : exe.string();
}

}  // namespace surge::cli
