#include "models/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace surge {
namespace {

namespace fs = std::filesystem;

fs::path folder_of(const fs::path& p) {
  return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

fs::path temporary_for(const fs::path& p) {
  return folder_of(p) / ("." + p.filename().string() + ".tmp." + std::to_string(getpid()));
}

// Writes and syncs the temporary file of `path`; throws naming `path` (not the hidden temporary).
void stage(const fs::path& path, const std::string& text) {
  const fs::path tmp = temporary_for(path);
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      const int e = n < 0 ? errno : ENOSPC;
      close(fd);
      fs::remove(tmp);
      throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    const int e = errno;
    fs::remove(tmp);
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(e));
  }
}

void sync_folder(const fs::path& dir) {
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  write_files_atomically({{path, text}});
}

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
  size_t staged = 0;
  try {
    for (; staged < files.size(); ++staged) stage(files[staged].first, files[staged].second);
  } catch (...) {
    std::error_code ignored;
    for (size_t i = 0; i < staged; ++i) fs::remove(temporary_for(files[i].first), ignored);
    throw;
  }
  for (const auto& [path, text] : files) {
    std::error_code ec;
    fs::rename(temporary_for(path), path, ec);
    if (ec) throw std::runtime_error("cannot write " + path + ": " + ec.message());
    sync_folder(folder_of(path));
  }
}

std::string output_path_problem(const std::string& path) {
  const fs::path p(path);
  const fs::path dir = folder_of(p);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return "folder " + dir.string() + " does not exist";
  if (!fs::is_directory(dir, ec)) return dir.string() + " is not a folder";
  if (fs::is_directory(p, ec)) return path + " is a folder";
  const fs::path probe = temporary_for(p).string() + ".probe";
  const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create files in folder " + dir.string() + ": " + std::strerror(errno);
  close(fd);
  fs::remove(probe, ec);
  return "";
}

}  // namespace surge
