// Typed access to a run JSON file with errors that name the file and the key ("kws_b.json: key
// \"test.accuracy\" is missing"). Keys are dotted paths; `opt_*` return nothing when the key is
// absent (keys that newer versions of the tool add), but still reject a key of the wrong type.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tinyfit::report {

class JsonFields {
 public:
  // Reads and parses `path`. Throws Error naming the file when it is missing or not valid JSON.
  static JsonFields load(const std::filesystem::path& path);
  JsonFields(nlohmann::json root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  const nlohmann::json& root() const { return root_; }

  bool has(const std::string& key) const { return find(key) != nullptr; }
  const nlohmann::json& at(const std::string& key) const;  // present, any type
  double number(const std::string& key) const;
  std::string text(const std::string& key) const;
  bool flag(const std::string& key) const;
  std::vector<double> numbers(const std::string& key) const;  // an array of numbers
  std::optional<double> opt_number(const std::string& key) const;
  std::optional<std::string> opt_text(const std::string& key) const;
  std::optional<std::vector<double>> opt_numbers(const std::string& key) const;
  // Any value as text, for keys that are only shown (architecture details a newer tool may write
  // as a number, a string or a list): 24 -> "24", [3, 3] -> "3×3", "dscnn" -> "dscnn".
  std::optional<std::string> opt_display(const std::string& key) const;

  // The same accessors on a nested object (an array element), errors naming "key[3].field".
  JsonFields child(const nlohmann::json& value, const std::string& key) const;

  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const nlohmann::json* find(const std::string& key) const;

  nlohmann::json root_;
  std::string file_;
  std::string prefix_;  // "training.history[3]." for children
};

}  // namespace tinyfit::report
