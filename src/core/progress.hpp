// Progress for long work (items done, elapsed, ETA), on stderr only: stdout carries results.
// Silent when quiet.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace tinyfit {

class Progress {
 public:
  Progress(std::string label, size_t total, bool quiet = false);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // Thread-safe. Reports that `done` of `total` items are finished; prints at most ~5 times a second.
  void update(size_t done);
  void finish();

 private:
  std::string label_;
  size_t total_;
  bool quiet_;
  bool tty_;
  bool drawn_ = false;     // a terminal line is open (needs a newline)
  bool finished_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tinyfit
