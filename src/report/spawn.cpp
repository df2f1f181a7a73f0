#include "report/spawn.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

extern char** environ;

namespace tinyfit::report {
namespace fs = std::filesystem;

std::optional<fs::path> find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
  }
  return std::nullopt;
}

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Owns the spawn file actions so every exit path frees them.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

}  // namespace

SpawnResult run_program(const fs::path& program, const std::vector<std::string>& args, const fs::path& cwd) {
  // Output goes to files in `cwd` rather than pipes: no risk of a deadlock on a full pipe, and the
  // tools' output is small.
  const fs::path dir = fs::absolute(cwd);
  const fs::path out_file = dir / ".spawn_stdout", err_file = dir / ".spawn_stderr";
  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(actions.get(), STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The child starts in `cwd` (glibc >= 2.29), where the scripts name their data files relatively.
  posix_spawn_file_actions_addchdir_np(actions.get(), dir.c_str());

  std::vector<std::string> argv_strings{program.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), actions.get(), nullptr, argv.data(), environ);
  if (rc != 0) throw Error(program.string() + ": cannot start: " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(program.string() + ": waitpid failed: " + std::strerror(errno));
  }
  SpawnResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  std::error_code ignored;
  fs::remove(out_file, ignored);
  fs::remove(err_file, ignored);
  return r;
}

std::string first_line(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos) continue;
    line = line.substr(start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    lines.push_back(line);
  }
  if (lines.empty()) return "(no message)";
  // A Python traceback (weasyprint) says what went wrong on its last line, not its first.
  const std::string& pick = lines.front().rfind("Traceback", 0) == 0 ? lines.back() : lines.front();
  return pick.size() > 200 ? pick.substr(0, 200) + "..." : pick;
}

}  // namespace tinyfit::report
