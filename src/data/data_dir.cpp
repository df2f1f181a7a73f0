#include "data/data_dir.hpp"

#include <cstdlib>

#include "core/error.hpp"

namespace tinyfit::data {
namespace fs = std::filesystem;

namespace {
// The repository root is found from the running executable (build/<...>/tinyfit), so that
// ../shared/data works from any working directory.
fs::path repo_relative_default() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path p = exe.parent_path(); !ec && !p.empty() && p != p.root_path(); p = p.parent_path()) {
    if (fs::exists(p / "CMakeLists.txt") && fs::exists(p / "src" / "cli")) return p / ".." / "shared" / "data";
  }
  return fs::current_path(ec) / ".." / "shared" / "data";
}
}  // namespace

fs::path resolve_data_dir(const std::string& flag) {
  if (!flag.empty()) {
    if (!fs::is_directory(flag)) throw Error("data directory not found: " + flag + " (from --data-dir)");
    return fs::path(flag);
  }
  if (const char* env = std::getenv("TINYFIT_DATA"); env != nullptr && *env != '\0') {
    if (!fs::is_directory(env)) throw Error(std::string("data directory not found: ") + env + " (from $TINYFIT_DATA)");
    return fs::path(env);
  }
  const fs::path fallback = repo_relative_default();
  if (!fs::is_directory(fallback))
    throw Error("no data directory: pass --data-dir, set $TINYFIT_DATA, or place the data at " +
                fallback.lexically_normal().string());
  return fallback.lexically_normal();
}

fs::path require_path(const fs::path& root, const fs::path& relative, const std::string& what) {
  const fs::path p = root / relative;
  if (!fs::exists(p)) throw Error(what + " not found: " + p.string());
  return p;
}

fs::path course_weather_csv(const std::string& data_dir_flag) {
  fs::path root;
  try {
    root = resolve_data_dir(data_dir_flag);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + "; or pass --csv FILE");
  }
  for (const char* suffix : {"", ".gz"}) {
    const fs::path p = root / (std::string(kCourseWeatherCsv) + suffix);
    if (fs::exists(p)) return p;
  }
  std::string message = std::string(kCourseWeatherCsv) + "[.gz] not found in " + root.string() +
                        ": run `tinyfit data fetch jena`, or pass --csv FILE";
  if (fs::exists(root / kStandInWeatherCsv))
    message += " (the real-data stand-in is there: --csv " + (root / kStandInWeatherCsv).string() + ")";
  throw Error(message);
}

}  // namespace tinyfit::data
