// The published results of the exercise (spec HW2 §1 and §2), shown beside ours. Sizes are the
// published files' sizes (after zlib where they used it); 1 kB = 1024 B as in the spec.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tinyfit::report {

struct PublishedKws {
  std::string version;
  double accuracy = 0;                           // % on the 800 test clips
  double kbytes = 0;
  std::optional<double> inference_ms, total_ms;  // Raspberry Pi 4, Python + TFLite
  std::string model;
};

struct PublishedForecast {
  std::string who, version;  // "G5", "a"
  double T = 0, RH = 0, kbytes = 0;
  std::string model;
  bool on_our_test_windows = false;  // re-run on the stand-in data here (spec §1 reference table)
};

const std::vector<PublishedKws>& published_kws();
const std::vector<PublishedForecast>& published_forecast();
// Persistence baseline on the 4,072 stand-in test windows (spec §1).
inline constexpr double kPersistenceT = 0.419, kPersistenceRH = 2.072;

struct KwsLatencyLimit {
  std::string what;  // "inference" or "total"
  double ms = 0;
};
// The course's latency limits per KWS version (spec §2): b inference < 1.5 ms, c total < 40 ms.
std::optional<KwsLatencyLimit> kws_latency_limit(const std::string& version);

}  // namespace tinyfit::report
