// Forecasting data from a WeatherSeries (spec HW2 §1): the course's 70/20/10 split by time, the
// normaliser fitted on training rows, stride-1 windows inside each split, and the MAE metric.
// Feature order everywhere: 0 = temperature (°C), 1 = relative humidity (%).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "data/weather_csv.hpp"

namespace tinyfit::data {

inline constexpr int kWeatherFeatures = 2;
inline constexpr float kNormEpsilon = 1e-6f;  // added to the std, as the course did

// Row counts of the split of n rows: train [0, n*7/10), val [n*7/10, n*9/10), test [n*9/10, n).
// Integer arithmetic so that the boundaries are exactly floor(0.7 n) and floor(0.9 n).
struct SplitRows {
  size_t train, val, test;
};
SplitRows split_rows(size_t n);

// Stride-1 windows of in_steps + out_steps consecutive rows among `rows` rows (0 if too few).
size_t window_count(size_t rows, int in_steps, int out_steps);

struct Normalizer {
  std::array<float, 2> mean, std;  // population std

  float normalize(int feature, float x) const { return (x - mean[feature]) / (std[feature] + kNormEpsilon); }
  float denormalize(int feature, float z) const { return z * (std[feature] + kNormEpsilon) + mean[feature]; }
};

// The course's training statistics (spec §1, estimated from the hourly 2009–2016 series): the published
// models expect inputs normalised with these, whatever file they run on.
inline constexpr Normalizer kCourseNormalizer{{9.0996f, 75.9312f}, {8.6517f, 16.5376f}};

// Mean and population std of rows [begin, end), accumulated in double. Throws Error for an empty or
// out-of-range row range.
Normalizer fit_normalizer(const WeatherSeries& series, size_t begin, size_t end);

// Windows starting at t = begin .. end - in_steps - out_steps: inputs are rows t .. t+in_steps-1,
// normalised; labels are the next out_steps rows in physical units.
struct WindowSet {
  std::vector<float> inputs;  // [count][in_steps][2]
  std::vector<float> labels;  // [count][out_steps][2]
  size_t count = 0;
  int in_steps = 6;
  int out_steps = 6;

  std::span<const float> input(size_t i) const;
  std::span<const float> label(size_t i) const;
};

WindowSet make_windows(const WeatherSeries& series, size_t begin, size_t end, const Normalizer& norm,
                       int in_steps, int out_steps);

struct ForecastData {
  Normalizer norm;
  WindowSet train, val, test;
  size_t rows_train, rows_val, rows_test;
};

// Split, fit the normaliser on the training rows, and window each part.
ForecastData make_forecast_data(const WeatherSeries& series, int in_steps = 6, int out_steps = 6);
// The same with given statistics (e.g. kCourseNormalizer to evaluate the published models).
ForecastData make_forecast_data(const WeatherSeries& series, const Normalizer& norm, int in_steps = 6,
                                int out_steps = 6);

// Per-feature mean absolute error over all windows and steps of [..][2] arrays (the headline metric).
std::array<double, 2> mae(std::span<const float> predictions, std::span<const float> labels);

// The course's Keras variant: the mean of per-batch MAEs over consecutive batches of `batch` windows of
// `out_steps` steps, so a last partial batch weighs as much as a full one.
std::array<double, 2> mae_course(std::span<const float> predictions, std::span<const float> labels, int out_steps,
                                 size_t batch = 32);

// Persistence baseline: the last input step of each window, de-normalised, repeated out_steps times.
// Shaped like WindowSet::labels.
std::vector<float> persistence_forecast(const WindowSet& windows, const Normalizer& norm);

}  // namespace tinyfit::data
