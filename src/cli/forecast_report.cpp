#include "cli/forecast_report.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tinyfit::cli {

nlohmann::json mae_per_step(std::span<const float> predictions, std::span<const float> labels, int out_steps) {
  const size_t step_values = data::kWeatherFeatures;
  const size_t window = static_cast<size_t>(out_steps) * step_values;
  const size_t windows = labels.size() / window;
  std::vector<double> t(static_cast<size_t>(out_steps), 0.0), rh(static_cast<size_t>(out_steps), 0.0);
  for (size_t w = 0; w < windows; ++w)
    for (size_t s = 0; s < static_cast<size_t>(out_steps); ++s) {
      const size_t i = w * window + s * step_values;
      t[s] += std::fabs(static_cast<double>(predictions[i]) - labels[i]);
      rh[s] += std::fabs(static_cast<double>(predictions[i + 1]) - labels[i + 1]);
    }
  for (size_t s = 0; s < t.size(); ++s) {
    t[s] /= static_cast<double>(std::max<size_t>(windows, 1));
    rh[s] /= static_cast<double>(std::max<size_t>(windows, 1));
  }
  return {{"T", t}, {"RH", rh}};
}

nlohmann::json forecast_sample(const data::WeatherSeries& series, const data::ForecastData& fd,
                               std::span<const float> test_predictions, size_t count) {
  const data::WindowSet& w = fd.test;
  const size_t first_row = fd.rows_train + fd.rows_val;  // window i starts at row first_row + i
  const size_t n = std::min(count, w.count);
  const size_t last = static_cast<size_t>(w.out_steps - 1) * data::kWeatherFeatures;
  const size_t window = static_cast<size_t>(w.out_steps) * data::kWeatherFeatures;
  std::vector<float> t_true, t_pred, rh_true, rh_pred;
  for (size_t i = 0; i < n; ++i) {
    t_true.push_back(w.labels[i * window + last]);
    rh_true.push_back(w.labels[i * window + last + 1]);
    t_pred.push_back(test_predictions[i * window + last]);
    rh_pred.push_back(test_predictions[i * window + last + 1]);
  }
  const int64_t step_seconds =
      first_row + 1 < series.size() ? series.timestamps[first_row + 1] - series.timestamps[first_row] : 0;
  return {{"first_window_start", n > 0 ? data::format_jena_timestamp(series.timestamps[first_row]) : ""},
          {"step_minutes", step_seconds / 60},
          {"horizon_steps", w.out_steps},
          {"T_true", t_true},
          {"T_pred", t_pred},
          {"RH_true", rh_true},
          {"RH_pred", rh_pred}};
}

}  // namespace tinyfit::cli
