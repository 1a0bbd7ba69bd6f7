#include "sim/child_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

#include "tests/sim/sim_test_util.hpp"

namespace surge::sim {
namespace {

TEST(ChildProcess, ReturnsWhatTheChildWroteAndItsExitCode) {
  const ChildResult r = run_child([](int& code) {
    code = 7;
    return std::string(100000, 'x');  // more than a pipe buffer
  });
  EXPECT_EQ(r.output, std::string(100000, 'x'));
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.signal, 0);
}

TEST(ChildProcess, ReportsAChildThatCrashed) {
  const ChildResult r = run_child([](int&) -> std::string { std::abort(); });
  EXPECT_EQ(r.signal, SIGABRT);
  EXPECT_EQ(r.output, "");
}

TEST(ChildProcess, ASecondEngineInOneProcessIsRefusedNotCrashed) {
  // run_simulation twice in one (child) process: the second call throws RunError.
  const Scenario s = test::shipped("le-2021-hardware-one-dc", {{"workload.certificates", "10k"}});
  const ChildResult r = run_child([&](int& code) -> std::string {
    run_simulation(s);
    try {
      run_simulation(s);
    } catch (const RunError& e) {
      code = 9;
      return e.what();
    }
    return "no error";
  });
  EXPECT_EQ(r.exit_code, 9);
  EXPECT_EQ(r.output, "a SimGrid engine already ran in this process; use run_in_child");
}

}  // namespace
}  // namespace surge::sim
