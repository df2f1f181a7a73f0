// Runs a model in the official TensorFlow Lite runtime (tests/conformance/official_runtime.js under
// Node) on a batch of float32 inputs, for comparison with tinyfit's interpreter.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

namespace tinyfit::test {

// The node_modules folder of the pinned runtime, installed into the build tree on first use;
// nullopt (with `why`) when npm or node cannot be had here.
inline std::optional<std::string> official_runtime_modules(std::string* why) {
  static std::optional<std::string> modules;
  static std::string reason;
  static bool tried = false;
  if (!tried) {
    tried = true;
    const std::string cmd = std::string("bash ") + TINYFIT_SOURCE_DIR + "/tests/conformance/install.sh " +
                            TINYFIT_BUILD_DIR + "/conformance 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    const int status = p ? pclose(p) : -1;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      modules = out;
    } else {
      reason = out.empty() ? "install.sh failed" : out;
    }
  }
  if (!modules && why) *why = reason;
  return modules;
}

// Runs `count` inferences of the model at `model_path` on consecutive float32 blocks of `inputs`;
// returns the float32 outputs (empty on failure, with the harness's stderr in *error).
inline std::vector<float> run_official(const std::string& modules, const std::filesystem::path& model_path,
                                       const std::vector<float>& inputs, size_t count, std::string* error) {
  const auto dir = std::filesystem::temp_directory_path() / ("tinyfit_official_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto in = dir / "in.bin", out = dir / "out.bin", err = dir / "err.txt";
  {
    std::ofstream f(in, std::ios::binary);
    f.write(reinterpret_cast<const char*>(inputs.data()), static_cast<std::streamsize>(inputs.size() * 4));
  }
  const std::string cmd = std::string("node ") + TINYFIT_SOURCE_DIR + "/tests/conformance/official_runtime.js" +
                          " --node-modules " + modules + " --model " + model_path.string() + " --input " +
                          in.string() + " --count " + std::to_string(count) + " --output " + out.string() +
                          " >/dev/null 2>" + err.string();
  const int status = std::system(cmd.c_str());
  std::vector<float> result;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::ifstream f(out, std::ios::binary | std::ios::ate);
    result.resize(static_cast<size_t>(f.tellg()) / 4);
    f.seekg(0);
    f.read(reinterpret_cast<char*>(result.data()), static_cast<std::streamsize>(result.size() * 4));
  } else if (error) {
    std::ifstream f(err);
    *error = std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace tinyfit::test
