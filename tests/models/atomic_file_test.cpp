// Output files written whole or not at all, and all of a command's outputs or none of them.
#include "models/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace surge {
namespace {

namespace fs = std::filesystem;

class AtomicFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("surge-atomic-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string text(const fs::path& p) const {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Every entry of the folder (temporary files included).
  size_t entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(AtomicFiles, AllAreWrittenOrNoneAndNoTemporaryFileIsLeft) {
  const fs::path profile = dir_ / "profile.json", csv = dir_ / "levels.csv";
  write_files_atomically({{profile.string(), "old profile"}});
  // The second output cannot be written (/proc/self takes no new file): the first is not replaced either.
  try {
    write_files_atomically({{profile.string(), "new profile"}, {"/proc/self/levels.csv", "rows"}});
    FAIL() << "wrote into /proc/self";
  } catch (const std::runtime_error& e) {
    // The target is named, not a hidden temporary file.
    EXPECT_EQ(std::string(e.what()).rfind("cannot write /proc/self/levels.csv: ", 0), 0u) << e.what();
  }
  EXPECT_EQ(text(profile), "old profile");
  EXPECT_EQ(entries(), 1u) << "no temporary file left";
  write_files_atomically({{profile.string(), "new profile"}, {csv.string(), "rows"}});
  EXPECT_EQ(text(profile), "new profile");
  EXPECT_EQ(text(csv), "rows");
  EXPECT_EQ(entries(), 2u);
}

TEST_F(AtomicFiles, AnOutputPathIsProbedBeforeAnyWork) {
  EXPECT_EQ(output_path_problem((dir_ / "p.json").string()), "");
  EXPECT_EQ(entries(), 0u) << "the probe file is removed";
  EXPECT_EQ(output_path_problem((dir_ / "missing" / "p.json").string()),
            "folder " + (dir_ / "missing").string() + " does not exist");
  EXPECT_EQ(output_path_problem(dir_.string()), dir_.string() + " is a folder");
  std::ofstream(dir_ / "file") << "x";
  EXPECT_EQ(output_path_problem((dir_ / "file" / "p.json").string()), (dir_ / "file").string() + " is not a folder");
  EXPECT_EQ(output_path_problem("/proc/self/p.json").rfind("cannot create files in folder /proc/self: ", 0), 0u);
}

}  // namespace
}  // namespace surge
