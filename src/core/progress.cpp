#include "core/progress.hpp"

#include <cstdio>

namespace tinyfit {

Progress::Progress(std::string label, size_t total, bool quiet)
    : label_(std::move(label)), total_(total), quiet_(quiet),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(size_t done) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0.0;
  std::fprintf(stderr, "\r%s: %zu/%zu  %.1fs elapsed, ETA %.1fs   ", label_.c_str(), done, total_, elapsed, eta);
  std::fflush(stderr);
}

void Progress::finish() {
  if (quiet_) return;
  update(total_);
  std::lock_guard<std::mutex> lock(mutex_);
  std::fputc('\n', stderr);
}

}  // namespace tinyfit
