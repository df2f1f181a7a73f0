// Shared by the report tests: the committed fixture runs, scratch folders, copying and editing
// run JSON files to make broken variants.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace tinyfit::test {

namespace fs = std::filesystem;

inline fs::path fixture_runs() { return fs::path(TINYFIT_SOURCE_DIR) / "tests/report/fixtures/runs"; }

// A fresh, empty folder under the temp dir, unique to this process and `name`.
inline fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tinyfit_report_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The fixture runs copied into `dir` (so a test can break one file without touching the others).
inline void copy_fixtures(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(fixture_runs())) {
    fs::copy_file(entry.path(), dir / entry.path().filename(), fs::copy_options::overwrite_existing);
  }
}

inline nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

inline void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

}  // namespace tinyfit::test
