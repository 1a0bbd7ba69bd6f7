// Inside the sweep file's reader (models/sweep_spec*.cpp): what is read, with the YAML nodes that the
// checks against the base scenario report at, and the steps each file provides. Other callers use
// models/sweep_spec.hpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/sweep_spec.hpp"
#include "models/yaml_reader.hpp"

namespace surge::sweep_reading {

using yaml_input::Context;
using yaml_input::join;
using yaml_input::MapReader;
using yaml_input::Need;
using yaml_input::Sign;

/// Where each value of a parameter is written, for reporting a value that the base scenario rejects.
struct WrittenParameter {
  std::vector<YAML::Node> value_nodes;  // LIST and RANGE: one per value (a range's at the range itself)
  YAML::Node from_node, to_node;        // SAMPLES: the bounds, checked in place of every draw
};

struct WrittenSearch {
  YAML::Node from_node, to_node;
};

/// Everything read, with the nodes that validation against the base reports at.
struct Reading {
  SweepSpec spec;
  bool has_base = false;  // a usable `base` was written (a default Node is a defined null, so say it)
  bool has_parameters = false;
  YAML::Node base_node;
  std::string base_written;
  std::vector<YAML::Node> set_nodes;  // one per spec.set entry: its value
  YAML::Node set_map;
  YAML::Node parameters_node;
  std::vector<WrittenParameter> written;
  WrittenSearch search;
};

/// A bound as written: its number and unit, and where, for the problems found later.
struct WrittenBound {
  NumberWithUnit value;
  YAML::Node node;
};

/// A range's or a sample's bounds as written; `step` for a range only.
struct Bounds {
  WrittenBound from, to;
  std::optional<WrittenBound> step;
};

/// `s` without leading and trailing white space.
std::string_view trim(std::string_view s);

/// `value` rounded to `digits` significant digits (through decimal text, so that it prints short).
double round_significant(double value, int digits);

/// Reads {from, to} (and `step` when `with_step`): same unit, to > from (to >= from for a range), step > 0.
/// nullopt, having reported why, when they are unusable (models/sweep_spec_read_parameters.cpp).
std::optional<Bounds> read_bounds(yaml_input::MapReader& m, bool with_step);

/// Reads parameters[index] at `node` into r.spec.parameters and r.written (models/sweep_spec_read_parameters.cpp).
void read_parameter(yaml_input::Context& ctx, YAML::Node node, std::size_t index, Reading& r);

/// Why `metric` is no figure of a report, or nullopt when it is one (models/sweep_spec_read_search.cpp).
std::optional<std::string> unknown_metric(const std::string& metric);

/// Reads the `search` section at `node` into r.spec.search and r.search (models/sweep_spec_read_search.cpp).
void read_search(yaml_input::Context& ctx, YAML::Node node, Reading& r);

/// Loads the base scenario with the sweep's `set`, each value, every point and the search's bounds, and
/// reports what it rejects at where that is written (models/sweep_spec_check.cpp).
void check_against_base(yaml_input::Context& ctx, const Reading& r);

}  // namespace surge::sweep_reading
