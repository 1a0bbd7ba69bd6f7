// Reading a YAML document with positions: Context collects Diagnostics ("file:line:col: message" with the
// source line for the caret), MapReader reads one map's keys with units and reports the keys no one read.
// Shared by the scenario parser and the sweep parser so that both word and place their errors alike.
// Internal to surge_models: not part of any public interface.
#pragma once

#include <yaml-cpp/yaml.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "models/scenario_parser.hpp"
#include "models/scenario_ranges.hpp"
#include "models/units.hpp"

namespace surge::yaml_input {

// Splits text into lines for caret display.
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Line `index` (0-based) of text, as split_lines would give it, or "" past the end. Found when a
// diagnostic needs it: a parse that reports nothing never splits its text.
inline std::string line_at(std::string_view text, size_t index) {
  size_t start = 0;
  for (size_t i = 0; i < index; ++i) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return "";
    start = nl + 1;
  }
  if (start >= text.size()) return "";
  const size_t nl = text.find('\n', start);
  return std::string(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
}

// Which table of ranges a document's numbers are checked against (scenario_ranges.hpp); NONE for documents
// with their own checks (sweep specs).
enum class KeyRanges { NONE, SCENARIO, CATALOGUE };

// The scalar text of `node`, or `fallback` when it is missing, a list or a map (never yaml-cpp's exception).
inline std::string scalar_or(const YAML::Node& node, const std::string& fallback) {
  return node && node.IsScalar() ? node.Scalar() : fallback;
}

// Collects diagnostics for one YAML document (a scenario or the catalogue).
class Context {
 public:
  // `text` must outlive the Context (its lines are read only when a diagnostic quotes one).
  Context(std::string file, const std::string& text, const std::map<std::string, std::string>* overrides,
          std::vector<Diagnostic>& out)
      : file_(std::move(file)), text_(text), overrides_(overrides), out_(out) {}

  // Reports a problem at `node` (read at `path`); `offset` moves the column right within a scalar.
  void error(const YAML::Node& node, const std::string& path, const std::string& message, int offset = 0) {
    Diagnostic d = locate(node, path, offset);
    d.message = message;
    out_.push_back(d);
  }
  // A diagnostic without its message pointing at `node`, for a problem found later (see error()).
  Diagnostic locate(const YAML::Node& node, const std::string& path, int offset = 0) const {
    const YAML::Mark mark = node.Mark();
    Diagnostic d;
    if (mark.is_null() || mark.line < 0) {
      // The value came from --set, not from the file.
      // The value came from --set, not from the file: name the override that wrote it (the path itself,
      // or a list or map written whole, e.g. --set 'failures=[{data_center: dc2, at: 0h}]').
      d.file = "--set " + path;
      if (overrides_) {
        for (const auto& [key, value] : *overrides_)
          if (path == key || path.rfind(key + ".", 0) == 0) d.file = "--set " + key + "=" + value;
      }
      return d;
    }
    int quote = (node.IsScalar() && node.Tag() == "!") ? 1 : 0;  // quoted scalars start one column later
    d.file = file_;
    d.line = mark.line + 1;
    d.column = mark.column + 1 + quote + offset;
    d.source_line = line_at(text_, static_cast<size_t>(mark.line));
    return d;
  }
  // Reports a problem at a remembered position (for checks made after reading, e.g. connectivity).
  void error_at(const SourceLoc& loc, const std::string& message) {
    Diagnostic d{file_, loc.line, loc.column, message, ""};
    if (loc.line >= 1) d.source_line = line_at(text_, static_cast<size_t>(loc.line - 1));
    out_.push_back(d);
  }
  // The text of line `line` (1-based), or "" past the end.
  std::string source_line(int line) const { return line >= 1 ? line_at(text_, static_cast<size_t>(line - 1)) : ""; }
  // Reports a problem found elsewhere, e.g. in the catalogue (located by its own Context).
  void error_from(const Diagnostic& d) { out_.push_back(d); }
  size_t error_count() const { return out_.size(); }

  // Checks every number read from now on against `ranges`.
  void use_ranges(KeyRanges ranges) { ranges_ = ranges; }
  bool ranged() const { return ranges_ != KeyRanges::NONE; }
  // Durations read from now on are checked against their ranges times `time_scale` (a twin's clock).
  void use_time_scale(double time_scale) { time_scale_ = time_scale; }
  // Whether `value` (SI, read from `node` at `path`) lies in its key's range; reports it when not. Every
  // number of a ranged document has a row: a key without one is reported as a bug, never let through.
  bool in_range(const YAML::Node& node, const std::string& path, double value) {
    if (ranges_ == KeyRanges::NONE) return true;
    const KeyRange* range = find_key_range(path, ranges_ == KeyRanges::CATALOGUE);
    if (!range) {
      error(node, path, "internal error: no valid range is defined for '" + path + "'");
      return false;
    }
    const std::string written = scalar_or(node, "");
    // NaN stands for text that is no number at all.
    if (range->kind == RangeKind::INTEGER && !std::isinf(value) && !(value == std::floor(value))) {
      error(node, path, "'" + path + "' must be a whole number in " + range_text(*range) + ", got '" + written + "'");
      return false;
    }
    const bool scaled = range->kind == RangeKind::DURATION && time_scale_ != 1;
    if (auto problem = range_problem(*range, path, scaled ? value * time_scale_ : value, written)) {
      error(node, path, *problem + (scaled ? " (checked at time_scale " + exact_number(time_scale_) + ")" : ""));
      return false;
    }
    return true;
  }
  const std::string& file() const { return file_; }
  // A node that is not defined, standing for a missing key. One per document: yaml-cpp allocates a whole
  // node store for each new one. A caller must rebind a node variable with reset(), never assign to it:
  // yaml-cpp's assignment writes through to the node it refers to.
  const YAML::Node& undefined() const { return undefined_; }

 private:
  std::string file_;
  std::string_view text_;
  const std::map<std::string, std::string>* overrides_;
  std::vector<Diagnostic>& out_;
  KeyRanges ranges_ = KeyRanges::NONE;
  double time_scale_ = 1;
  YAML::Node undefined_{YAML::NodeType::Undefined};
};

// What a seed must be; the text of its error.
inline constexpr const char* kSeedMessage = "'seed' must be a whole number from 0 to 18446744073709551615";

// A seed written as digits only, 0 to 2^64 - 1 (no sign, no exponent, no suffix: a seed is an identity,
// not a quantity); nullopt otherwise.
inline std::optional<std::uint64_t> parse_seed(const std::string& text) {
  constexpr std::string_view kMaxSeed = "18446744073709551615";  // 2^64 - 1
  if (text.empty() || text.size() > kMaxSeed.size() || text.find_first_not_of("0123456789") != std::string::npos ||
      (text.size() == kMaxSeed.size() && text > kMaxSeed))
    return std::nullopt;
  return std::stoull(text);
}

inline std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

/// Whether a key must be written.
enum class Need { OPTIONAL, REQUIRED };
/// The sign an unranged quantity must have (a ranged key's range says it all).
enum class Sign { NON_NEGATIVE, POSITIVE };

/// REQUIRED when `required`, else OPTIONAL.
inline Need need_if(bool required) {
  return required ? Need::REQUIRED : Need::OPTIONAL;
}

// A view of one YAML map that remembers which keys were read, so that the rest are "unknown".
class MapReader {
 public:
  // `root_label` names the top-level map (empty path) in messages: "unknown key 'x' in 'scenario'".
  MapReader(Context& ctx, YAML::Node node, std::string path, std::string root_label = "scenario")
      : ctx_(ctx), node_(node), path_(std::move(path)), root_label_(std::move(root_label)) {
    ok_ = node_.IsMap();
    if (!ok_) {
      ctx_.error(node_, path_, "'" + label() + "' must be a map of keys to values");
      return;
    }
    // Indexed once: yaml-cpp's node[key] converts every key it passes and allocates a node on a miss,
    // which made parsing cost several times yaml-cpp's own Load (tests/fuzz/README.md, "Speed").
    entries_.reserve(node_.size());
    for (const auto& kv : node_) {  // one dereference per entry: each makes two nodes
      const bool named = kv.first.IsScalar();
      entries_.push_back(
          {named ? std::string_view(kv.first.Scalar()) : std::string_view(), named, kv.first, kv.second, false});
    }
  }

  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }
  Context& context() const { return ctx_; }
  YAML::Node node() const { return node_; }

  // The child at key, or an invalid node; reports a missing required key at the map.
  YAML::Node get(const std::string& key, Need need) {
    if (!ok_) return ctx_.undefined();
    YAML::Node child = find(key);
    if ((!child || child.IsNull()) && need == Need::REQUIRED)
      ctx_.error(node_, path_, "missing required key '" + key + "' in '" + label() + "'");
    return child;
  }

  std::optional<std::string> text(const std::string& key, Need need) {
    YAML::Node n = get(key, need);
    if (!n || n.IsNull()) return std::nullopt;
    if (!n.IsScalar()) {
      ctx_.error(n, join(path_, key), "'" + key + "' must be a single value");
      return std::nullopt;
    }
    return n.Scalar();
  }

  // A quantity with units; unranged, Sign::POSITIVE rejects zero as well as negative values.
  std::optional<double> quantity(const std::string& key, QuantityKind kind, Need need, Sign sign) {
    YAML::Node n = get(key, need);
    if (!n || n.IsNull()) return std::nullopt;
    const std::string p = join(path_, key);
    if (!n.IsScalar()) {
      ctx_.error(n, p, "'" + key + "' must be " + describe_kind(kind));
      return std::nullopt;
    }
    Quantity q = parse_quantity(n.Scalar(), kind);
    if (!q.value && kind == QuantityKind::FRACTION && ctx_.ranged()) q = fraction_outside(n.Scalar());
    if (!q.value) {
      ctx_.error(n, p, "'" + key + "': " + q.error, q.error_column);
      return std::nullopt;
    }
    if (ctx_.ranged()) return ctx_.in_range(n, p, *q.value) ? q.value : std::nullopt;
    if (sign == Sign::POSITIVE && *q.value <= 0) {
      ctx_.error(n, p, "'" + key + "' must be positive, got '" + n.Scalar() + "'");
      return std::nullopt;
    }
    if (*q.value < 0) {
      ctx_.error(n, p, "'" + key + "' must not be negative, got '" + n.Scalar() + "'");
      return std::nullopt;
    }
    return q.value;
  }

  std::optional<int> integer(const std::string& key, Need need, int minimum) {
    YAML::Node n = get(key, need);
    if (!n || n.IsNull()) return std::nullopt;
    const std::string p = join(path_, key);
    Quantity q = n.IsScalar() ? parse_quantity(n.Scalar(), QuantityKind::COUNT) : Quantity{};
    // Checked as a double, before any narrowing: 2^31 or 1e30 never wraps to a negative int.
    if (ctx_.ranged() && n.IsScalar()) {
      if (!ctx_.in_range(n, p, q.value.value_or(NAN))) return std::nullopt;
    }
    if (!q.value || *q.value != std::floor(*q.value)) {
      ctx_.error(n, p, "'" + key + "' must be a whole number");
      return std::nullopt;
    }
    if (!ctx_.ranged() && *q.value < minimum) {
      ctx_.error(n, p, "'" + key + "' must be at least " + std::to_string(minimum) + ", got '" + n.Scalar() + "'");
      return std::nullopt;
    }
    if (*q.value > INT_MAX) {  // no ranged key goes this far; unranged ones stop here rather than wrap
      ctx_.error(n, p, "'" + key + "' must be at most " + std::to_string(INT_MAX) + ", got '" + n.Scalar() + "'");
      return std::nullopt;
    }
    return static_cast<int>(*q.value);
  }

  std::optional<bool> boolean(const std::string& key) {
    YAML::Node n = get(key, Need::OPTIONAL);
    if (!n || n.IsNull()) return std::nullopt;
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
    ctx_.error(n, join(path_, key), "'" + key + "' must be true or false");
    return std::nullopt;
  }

  // Reports every key that no one read.
  void finish() {
    if (!ok_) return;
    for (const Entry& e : entries_) {
      if (!e.named) {
        ctx_.error(e.key, path_, "a key in '" + label() + "' must be a name, not a list or a map");
        continue;
      }
      const std::string key(e.name);
      if (!e.read) ctx_.error(e.key, join(path_, key), "unknown key '" + key + "' in '" + label() + "'");
    }
  }

 private:
  // A fraction written outside [0, 1] ("1.2", "150%"), read as its number so that the key's range, not
  // the unit parser, words the error; the unit parser's error when it is not a number at all.
  static Quantity fraction_outside(const std::string& text) {
    const bool percent = !text.empty() && text.back() == '%';
    Quantity q = parse_quantity(percent ? text.substr(0, text.size() - 1) : text, QuantityKind::COUNT);
    if (!q.value) return parse_quantity(text, QuantityKind::FRACTION);
    if (percent) *q.value /= 100.0;
    return q;
  }

  std::string label() const { return path_.empty() ? root_label_ : path_; }

  // The value of the first entry named `key` (as node[key] finds it), or an undefined node. Every entry
  // with that name counts as read, so that a repeated key is not also reported as unknown.
  YAML::Node find(const std::string& key) {
    Entry* first = nullptr;
    for (Entry& e : entries_) {
      if (!e.named || e.name != key) continue;
      e.read = true;
      if (!first) first = &e;
    }
    return first ? first->value : ctx_.undefined();
  }

  Context& ctx_;
  YAML::Node node_;
  std::string path_;
  std::string root_label_;
  struct Entry {
    std::string_view name;  // the key's text, owned by the document; empty when the key is no scalar
    bool named;             // the key is a scalar
    YAML::Node key, value;
    bool read;  // asked for by get()
  };
  std::vector<Entry> entries_;  // the map's entries, in order
  bool ok_ = false;
};

}  // namespace surge::yaml_input
