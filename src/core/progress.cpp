#include "core/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace tinyfit {

// On a terminal the line is redrawn in place (~5 times a second); into a file or pipe (CI logs),
// whole lines are written at most every 5 s, so short tasks leave stderr free for errors.
Progress::Progress(std::string label, size_t total, bool quiet)
    : label_(std::move(label)), total_(total), quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() {
  if (drawn_ && !finished_) std::fputc('\n', stderr);  // do not glue an error message onto the bar
}

void Progress::update(size_t done) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  const auto interval = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
  if (now - last_ < interval) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0.0;
  std::fprintf(stderr, "%s%s: %zu/%zu  %.1fs elapsed, ETA %.1fs%s", tty_ ? "\r" : "", label_.c_str(), done, total_,
               elapsed, eta, tty_ ? "   " : "\n");
  std::fflush(stderr);
  drawn_ = tty_;
}

void Progress::finish() {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (tty_) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "\r%s: %zu/%zu  %.1fs          \n", label_.c_str(), total_, total_, elapsed);
  }
  finished_ = true;
}

}  // namespace tinyfit
