// `--set` overrides, written into a scenario's YAML tree before it is read, and the scenario written back
// as YAML with them (write_scenario_yaml), its relative paths rewritten for where the copy is saved.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "models/scenario_parser.hpp"
#include "models/scenario_reader.hpp"

namespace surge {
namespace detail {
namespace {

// A copy of a YAML tree whose nodes carry no position, so that errors on them name the override that
// wrote them instead of a line of the scenario file.
YAML::Node without_marks(const YAML::Node& n) {
  if (n.IsScalar()) {
    YAML::Node out;
    out = n.Scalar();
    return out;
  }
  if (n.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const YAML::Node& el : n) out.push_back(without_marks(el));
    return out;
  }
  if (n.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& kv : n) out[kv.first.Scalar()] = without_marks(kv.second);
    return out;
  }
  return YAML::Node(YAML::NodeType::Null);
}

}  // namespace

std::optional<std::string> apply_override(YAML::Node root, const Override& o, std::vector<Diagnostic>& diags) {
  std::vector<std::string> parts;
  std::stringstream in(o.path);
  for (std::string p; std::getline(in, p, '.');) parts.push_back(p);
  auto bad = [&](const std::string& why) {
    diags.push_back(Diagnostic{"--set " + o.path + "=" + o.value, 0, 0, why, ""});
    return std::nullopt;
  };
  if (parts.empty() || o.path.empty()) return bad("empty path");
  YAML::Node node = root;
  std::string normal;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty()) return bad("empty path element");
    const bool last = i + 1 == parts.size();
    if (node.IsSequence()) {
      std::optional<size_t> index;
      for (size_t j = 0; j < node.size(); ++j)
        if (node[j].IsMap() && scalar_or(node[j]["name"], "") == part) index = j;
      constexpr size_t kMaxIndexDigits = 9;  // std::stoul would throw on a longer one; no list is that long
      if (!index && part.size() <= kMaxIndexDigits && part.find_first_not_of("0123456789") == std::string::npos &&
          std::stoul(part) < node.size())
        index = std::stoul(part);
      if (!index) return bad("no element '" + part + "' in '" + normal + "'");
      YAML::Node el = node[*index];
      normal = join(normal, el.IsMap() ? scalar_or(el["name"], std::to_string(*index)) : std::to_string(*index));
      if (last) return bad("'" + normal + "' is a list element, not a value");
      node.reset(el);
      continue;
    }
    if (!node.IsMap() && !node.IsNull() && node.IsDefined()) return bad("'" + normal + "' is a value, not a map");
    normal = join(normal, part);
    if (last) {
      YAML::Node value;
      if (!o.value.empty() && (o.value.front() == '[' || o.value.front() == '{')) {
        // A list or a map written whole in YAML flow style, e.g. failures=[{data_center: dc2, at: 0h}].
        try {
          value = without_marks(YAML::Load(o.value));
        } catch (const YAML::Exception& e) {
          return bad("YAML syntax in the value: " + e.msg);
        }
      } else {
        value = o.value;  // a plain scalar with no mark: errors on it name the override
      }
      node[part] = value;
      return normal;
    }
    YAML::Node child = node[part];
    if (!child.IsDefined() || child.IsNull()) {
      node[part] = YAML::Node(YAML::NodeType::Map);
      child = node[part];
    }
    node.reset(child);
  }
  return normal;
}

}  // namespace detail

namespace {

// A path written in a file in `from_dir` (or given on the command line, relative to the current directory),
// rewritten for a file in `to_dir`. Absolute paths stay as they are.
std::string rebase_path(const std::string& written, const std::filesystem::path& from_dir,
                        const std::filesystem::path& to_dir) {
  namespace fs = std::filesystem;
  const fs::path p(written);
  if (p.is_absolute()) return written;
  const fs::path target = fs::absolute(from_dir / p).lexically_normal();
  const fs::path rel = target.lexically_relative(fs::absolute(to_dir).lexically_normal());
  return rel.empty() ? target.string() : rel.string();
}

bool from_file(const YAML::Node& n) {
  return !n.Mark().is_null() && n.Mark().line >= 0;
}

}  // namespace

std::string write_scenario_yaml(const std::string& text, const std::string& file,
                                const std::vector<Override>& overrides, const std::string& save_path) {
  namespace fs = std::filesystem;
  parse_scenario(text, file, overrides);  // the same validation, the same errors: nothing is written otherwise
  YAML::Node root = YAML::Load(text);
  std::vector<Diagnostic> diags;
  for (const Override& o : overrides) detail::apply_override(root, o, diags);
  const fs::path old_dir = fs::path(file).parent_path(), new_dir = fs::path(save_path).parent_path();
  const fs::path cwd = fs::current_path();
  if (root["catalogue"]) {
    root["catalogue"] = rebase_path(root["catalogue"].Scalar(), from_file(root["catalogue"]) ? old_dir : cwd, new_dir);
  } else if (fs::absolute(old_dir).lexically_normal() != fs::absolute(new_dir).lexically_normal()) {
    // The default catalogue is found beside the scenario's folder: name it, so that the copy finds the same.
    root["catalogue"] = rebase_path(detail::default_catalogue(old_dir).string(), ".", new_dir);
  }
  if (root["data_centers"] && root["data_centers"].IsSequence()) {
    for (YAML::Node dc : root["data_centers"]) {
      for (const char* part : {"hsm", "db"}) {
        YAML::Node n = dc[part];
        if (!n.IsMap() || !n["profile"]) continue;
        n["profile"] = rebase_path(n["profile"].Scalar(), from_file(n["profile"]) ? old_dir : cwd, new_dir);
      }
    }
  }
  // The file's leading comment block (name, question, sources), then a note of what was changed.
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && line.rfind('#', 0) == 0;) out += line + "\n";
  if (!overrides.empty()) {
    out += "# Edited from " + file + " with:\n";
    for (const Override& o : overrides) out += "#   --set '" + o.path + "=" + o.value + "'\n";
  }
  YAML::Emitter emit;
  emit << root;
  return out + emit.c_str() + "\n";
}

}  // namespace surge
