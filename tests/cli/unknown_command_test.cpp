// Unknown command words, checked on a command tree built here: the same function `surge` calls before parsing,
// so `calibrate`'s commands are covered even in a build without SURGE_BUILD_REAL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/unknown_command.hpp"

namespace surge::cli {
namespace {

struct Tree {
  CLI::App app{"surge: test tree"};
  std::string file;
  Tree() {
    app.add_subcommand("run", "Simulate a scenario and print the answer")->add_option("file", file)->required();
    app.add_subcommand("check", "Validate a scenario: parse it");
    CLI::App* calibrate = app.add_subcommand("calibrate", "Measure real parts and write profiles scenarios use");
    calibrate->add_subcommand("hsm", "Sweep concurrency through a PKCS#11 module (hsm: {profile: ...}). More");
    calibrate->add_subcommand("db", "Measure a database");
  }
  std::string check(std::vector<const char*> args) {
    args.insert(args.begin(), "surge");
    return unknown_command(app, static_cast<int>(args.size()), args.data());
  }
};

TEST(UnknownCommand, NamesTheWordAndListsTheCommandsWithTheirFirstClause) {
  Tree t;
  EXPECT_EQ(t.check({"twin", "x.yaml"}),
            "surge: unknown command 'twin'; the commands are:\n"
            "  run        Simulate a scenario and print the answer\n"
            "  check      Validate a scenario\n"
            "  calibrate  Measure real parts and write profiles scenarios use\n"
            "Run 'surge --help' for more.\n");
  EXPECT_EQ(t.check({"twin", "--help"}), t.check({"twin"}));  // the help flag after it changes nothing
}

TEST(UnknownCommand, ACommandsOwnCommandsAreCheckedToo) {
  Tree t;
  EXPECT_EQ(t.check({"calibrate", "nope"}),
            "surge calibrate: unknown command 'nope'; the commands are:\n"
            "  hsm  Sweep concurrency through a PKCS#11 module (hsm: {profile: ...})\n"
            "  db   Measure a database\n"
            "Run 'surge calibrate --help' for more.\n");
  EXPECT_EQ(t.check({"calibrate", "hsm", "--module", "x.so"}), "");
}

TEST(UnknownCommand, KnownCommandsPositionalsAndOptionsPass) {
  Tree t;
  EXPECT_EQ(t.check({"run", "twin.yaml"}), "");  // a file, not a command
  EXPECT_EQ(t.check({"--help"}), "");
  EXPECT_EQ(t.check({"--version", "twin"}), "");  // an option's value is not a command
}

TEST(UnknownCommand, AMissingCommandListsTheCommandsThere) {
  Tree t;
  t.app.require_subcommand(1);
  t.app.get_subcommand("calibrate")->require_subcommand(1);
  EXPECT_EQ(t.check({}),
            "surge: a command is required; the commands are:\n"
            "  run        Simulate a scenario and print the answer\n"
            "  check      Validate a scenario\n"
            "  calibrate  Measure real parts and write profiles scenarios use\n"
            "Run 'surge --help' for more.\n");
  EXPECT_EQ(t.check({"calibrate"}),
            "surge calibrate: a command is required; the commands are:\n"
            "  hsm  Sweep concurrency through a PKCS#11 module (hsm: {profile: ...})\n"
            "  db   Measure a database\n"
            "Run 'surge calibrate --help' for more.\n");
  EXPECT_EQ(t.check({"--help"}), "");  // help stays help
  EXPECT_EQ(t.check({"run"}), "");     // run needs a file, not a command: CLI11 says so
}

TEST(UnknownCommand, ALevelThatNeedsNoCommandIsNotAsked) {
  Tree t;  // require_subcommand not set
  EXPECT_EQ(t.check({}), "");
  EXPECT_EQ(t.check({"calibrate"}), "");
}

}  // namespace
}  // namespace surge::cli
