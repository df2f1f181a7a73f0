// How a command reports: results on stdout (text, or JSON with --json), progress on stderr.
#pragma once

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

namespace tinyfit::cli {

struct GlobalOptions {
  bool json = false;   // results as one JSON document on stdout
  bool quiet = false;  // no progress on stderr
};

// Prints `result` as JSON when --json was given, else calls `print_text`.
inline void emit(const GlobalOptions& g, const nlohmann::json& result, const std::function<void()>& print_text) {
  if (g.json) {
    std::puts(result.dump(2).c_str());
  } else {
    print_text();
  }
}

}  // namespace tinyfit::cli
