#include "report/published.hpp"

namespace tinyfit::report {

const std::vector<PublishedKws>& published_kws() {
  static const std::vector<PublishedKws> table{
      {"a", 92.5, 18.7, std::nullopt, std::nullopt, "CNN α 0.4, 80 % pruned, zlib"},
      {"a", 92.5, 19.0, std::nullopt, std::nullopt, "clustered DS-CNN"},
      {"b", 91.1, 28.6, 0.9, std::nullopt, "DS-CNN α 0.2–0.3"},
      {"b", 91.1, 32.7, 0.60, std::nullopt, "DS-CNN, float32"},
      {"c", 93.25, 35.7, std::nullopt, 34.6, "DS-CNN α 0.5, 8 kHz, 240/120"},
  };
  return table;
}

const std::vector<PublishedForecast>& published_forecast() {
  static const std::vector<PublishedForecast> table{
      // Reported by the groups on the course data (2009–2016 test split).
      {"G1", "a", 0.388, 1.757, 1.46, "MLP 6-6, fp16", false},
      {"G5", "a", 0.436, 1.752, 1.95, "MLP 32, 90 % sparse", false},
      {"G7", "a", 0.481, 1.786, 1.99, "CNN-1D 7 filters, pruned", false},
      {"G19", "a", 0.46, 1.75, 1.7, "MLP 12, pruned, fp16", false},
      {"G1", "b", 0.388, 1.757, 1.46, "MLP 6-6, fp16", false},
      {"G5", "b", 0.469, 1.840, 1.66, "CNN 0.12", false},
      {"G7", "b", 0.480, 1.879, 1.69, "CNN-1D 4 filters, pruned", false},
      {"G19", "b", 0.49, 1.86, 1.5, "MLP 12, pruned, fp16", false},
      // Their files re-run on the 4,072 stand-in test windows used here (same data as ours).
      {"G5", "a", 0.374, 1.823, 1957.0 / 1024, "MLP, pruned", true},
      {"G7", "a", 0.443, 1.872, 1992.0 / 1024, "CNN-1D, pruned", true},
      {"G7", "b", 0.416, 1.956, 1689.0 / 1024, "CNN-1D", true},
      {"G5", "b", 0.440, 1.956, 1677.0 / 1024, "CNN-1D, pruned", true},
  };
  return table;
}

std::optional<KwsLatencyLimit> kws_latency_limit(const std::string& version) {
  if (version == "b") return KwsLatencyLimit{"inference", 1.5};
  if (version == "c") return KwsLatencyLimit{"total", 40.0};
  return std::nullopt;
}

}  // namespace tinyfit::report
