// The parts of th_<v>.json that the report command plots: per-step errors, a two-day sample of
// predictions and the file size after each compression step.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>

#include "data/forecast_windows.hpp"
#include "data/weather_csv.hpp"

namespace tinyfit::cli {

// {"T": [MAE of step 1 .. out_steps], "RH": [...]} over all windows; arrays shaped like WindowSet::labels.
nlohmann::json mae_per_step(std::span<const float> predictions, std::span<const float> labels, int out_steps);

// `count` consecutive windows from the first test window (fewer if the split is shorter) at the last
// output step: first_window_start (date of the first window's first input row), step_minutes (from
// the series' timestamps), horizon_steps, and T/RH true and predicted.
nlohmann::json forecast_sample(const data::WeatherSeries& series, const data::ForecastData& fd,
                               std::span<const float> test_predictions, size_t count = 288);

}  // namespace tinyfit::cli
