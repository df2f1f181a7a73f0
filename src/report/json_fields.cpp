#include "report/json_fields.hpp"

#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace tinyfit::report {

using nlohmann::json;

JsonFields JsonFields::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open (missing or unreadable)");
  std::stringstream ss;
  ss << in.rdbuf();
  json root = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) throw Error(path.string() + ": not valid JSON");
  if (!root.is_object()) throw Error(path.string() + ": expected a JSON object at the top level");
  return JsonFields(std::move(root), path.string());
}

const json* JsonFields::find(const std::string& key) const {
  const json* node = &root_;
  std::stringstream parts(key);
  std::string part;
  while (std::getline(parts, part, '.')) {
    if (!node->is_object()) return nullptr;
    const auto it = node->find(part);
    if (it == node->end() || it->is_null()) return nullptr;
    node = &*it;
  }
  return node;
}

void JsonFields::fail(const std::string& key, const std::string& what) const {
  throw Error(file_ + ": key \"" + prefix_ + key + "\" " + what);
}

const json& JsonFields::at(const std::string& key) const {
  const json* v = find(key);
  if (!v) fail(key, "is missing");
  return *v;
}

double JsonFields::number(const std::string& key) const {
  const json& v = at(key);
  if (!v.is_number()) fail(key, "is not a number");
  return v.get<double>();
}

std::string JsonFields::text(const std::string& key) const {
  const json& v = at(key);
  if (!v.is_string()) fail(key, "is not a string");
  return v.get<std::string>();
}

bool JsonFields::flag(const std::string& key) const {
  const json& v = at(key);
  if (!v.is_boolean()) fail(key, "is not true/false");
  return v.get<bool>();
}

std::vector<double> JsonFields::numbers(const std::string& key) const {
  const json& v = at(key);
  if (!v.is_array()) fail(key, "is not an array");
  std::vector<double> out;
  for (const json& x : v) {
    if (!x.is_number()) fail(key, "holds a value that is not a number");
    out.push_back(x.get<double>());
  }
  return out;
}

std::optional<double> JsonFields::opt_number(const std::string& key) const {
  if (!find(key)) return std::nullopt;
  return number(key);
}

std::optional<std::string> JsonFields::opt_text(const std::string& key) const {
  if (!find(key)) return std::nullopt;
  return text(key);
}

std::optional<std::vector<double>> JsonFields::opt_numbers(const std::string& key) const {
  if (!find(key)) return std::nullopt;
  return numbers(key);
}

namespace {

std::string display(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    std::ostringstream s;
    s << v.get<double>();
    return s.str();
  }
  if (v.is_array()) {
    std::string out;
    for (const json& x : v) out += (out.empty() ? "" : "×") + display(x);
    return out;
  }
  return v.dump();
}

}  // namespace

std::optional<std::string> JsonFields::opt_display(const std::string& key) const {
  const json* v = find(key);
  if (!v) return std::nullopt;
  return display(*v);
}

JsonFields JsonFields::child(const json& value, const std::string& key) const {
  JsonFields c(value, file_);
  c.prefix_ = prefix_ + key + ".";
  if (!value.is_object()) fail(key, "is not an object");
  return c;
}

}  // namespace tinyfit::report
