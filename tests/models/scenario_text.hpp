// What the scenario parser's tests share: a small valid scenario each test breaks one thing in, and
// the problems the parser finds, where.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/scenario_parser.hpp"

namespace surge::testing {

// A small valid scenario; each test breaks one thing in it.
inline const std::string kBase = R"(schema: 1
name: t
question: "q"
data_centers:
  - name: dc1
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 2}
    db: {model: db-2021, writer: true, replicas: 1}
  - name: dc2
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 2}
    db: {model: db-2021, replicas: 1}
wan:
  - {from: dc1, to: dc2, bandwidth: 10Gbps, latency: 15ms}
workload:
  certificates: 1M
  era: seed-2021
clients:
  ari_share: 1.0
incident:
  decision_delay: 4h
  deadline: 24h
failures:
  - {data_center: dc2, at: 0h}
)";

inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// 1-based line and column of the first occurrence of `needle` (plus an offset) in `text`.
inline std::string where(const std::string& text, const std::string& needle, int offset = 0) {
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  const size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  int line = 1;
  for (size_t i = 0; i < at; ++i) line += text[i] == '\n' ? 1 : 0;
  return std::to_string(line) + ":" + std::to_string(at - line_start + 1 + offset);
}

// Headlines of every problem found, joined by newlines; empty when the text parses.
inline std::string problems(const std::string& text, const std::vector<Override>& overrides = {}) {
  try {
    parse_scenario(text, "bad.yaml", overrides);
  } catch (const ScenarioError& e) {
    std::string out;
    for (const Diagnostic& d : e.diagnostics()) out += (out.empty() ? "" : "\n") + d.headline();
    return out;
  }
  return "";
}

}  // namespace surge::testing
