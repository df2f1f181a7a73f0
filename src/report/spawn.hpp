// Runs a helper program (gnuplot, weasyprint, pdfinfo) as a child process: no shell, arguments as
// given, stdout and stderr captured so a failure can be reported in one line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tinyfit::report {

struct SpawnResult {
  int exit_code = -1;  // 128 + signal number when the child was killed
  std::string out, err;
};

// The full path of `program` found through $PATH, or nothing when it is not installed.
std::optional<std::filesystem::path> find_program(const std::string& program);

// Runs `program` (a path) with `args` in `cwd`. Throws Error only when the process cannot be started;
// a non-zero exit is returned, for the caller to explain.
SpawnResult run_program(const std::filesystem::path& program, const std::vector<std::string>& args,
                        const std::filesystem::path& cwd);

// The line of a tool's stderr that says what failed (the first non-empty one; the last of a Python
// traceback), at most 200 chars: what goes into an error message.
std::string first_line(const std::string& text);

}  // namespace tinyfit::report
