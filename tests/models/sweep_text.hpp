// What the sweep file's tests share: a base scenario and a valid sweep over it, each test breaking one
// thing, in a folder of its own per test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/sweep_spec.hpp"
#include "tests/models/scenario_text.hpp"

namespace surge::testing {

namespace fs = std::filesystem;

// A small valid base scenario, written beside each test's sweep file.
inline const std::string kSweepBase = R"(schema: 1
name: base
question: "q"
data_centers:
  - name: dc1
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 2}
    db: {model: db-2021, writer: true, replicas: 1}
workload:
  certificates: 1M
  era: seed-2021
clients:
  ari_share: 1.0
incident:
  decision_delay: 4h
  deadline: 24h
)";

// A valid sweep over the base; each test breaks one thing in it.
inline const std::string kSweep = R"(# test sweep
schema: 1
name: t
question: "q"
base: base.yaml
parameters:
  - {path: incident.decision_delay, values: [0h, 2h, 4h]}
  - {path: clients.ari_share, range: {from: 20%, to: 100%, step: 20%}}
)";

// A folder of its own per test, holding base.yaml.
class SweepFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("surge-sweep-" + std::string(info->name()) + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("base.yaml", kSweepBase);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) const { std::ofstream(dir_ / name) << text; }
  std::string file() const { return (dir_ / "sweep.yaml").string(); }
  SweepSpec parse(const std::string& text) const { return parse_sweep(text, file()); }

  // Headlines of every problem found, joined by newlines; empty when the sweep loads.
  std::string problems(const std::string& text) const {
    try {
      parse(text);
    } catch (const ScenarioError& e) {
      std::string out;
      for (const Diagnostic& d : e.diagnostics()) out += (out.empty() ? "" : "\n") + d.headline();
      return out;
    }
    return "";
  }

  // "FILE:LINE:COL" of the first occurrence of `needle` (plus an offset) in `text`.
  std::string at(const std::string& text, const std::string& needle, int offset = 0) const {
    return file() + ":" + where(text, needle, offset);
  }

  fs::path dir_;
};

inline const std::string kParameters = R"(parameters:
  - {path: incident.decision_delay, values: [0h, 2h, 4h]}
  - {path: clients.ari_share, range: {from: 20%, to: 100%, step: 20%}}
)";

// kSweep with its parameters replaced by `parameters` (and anything after them).
inline std::string with_parameters(const std::string& parameters) {
  return replace(kSweep, kParameters, parameters);
}

// ---- reading ------------------------------------------------------------------------------------

}  // namespace surge::testing
