#include "data/forecast_windows.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace tinyfit::data {

namespace {

constexpr size_t kF = kWeatherFeatures;

void check_steps(int in_steps, int out_steps) {
  if (in_steps <= 0 || out_steps <= 0)
    throw Error("window steps must be positive (input " + std::to_string(in_steps) + ", output " +
                std::to_string(out_steps) + ")");
}

void check_range(const WeatherSeries& series, size_t begin, size_t end, const char* what) {
  if (begin > end || end > series.size())
    throw Error(std::string(what) + ": row range [" + std::to_string(begin) + ", " + std::to_string(end) +
                ") is outside the " + std::to_string(series.size()) + " rows of the series");
}

const std::vector<float>& feature(const WeatherSeries& series, size_t f) {
  return f == 0 ? series.temperature : series.humidity;
}

void check_same_shape(std::span<const float> predictions, std::span<const float> labels) {
  if (predictions.size() != labels.size() || labels.empty() || labels.size() % kF != 0)
    throw Error("MAE: predictions (" + std::to_string(predictions.size()) + " values) and labels (" +
                std::to_string(labels.size()) + " values) must be equal, non-empty [..][2] arrays");
}

}  // namespace

SplitRows split_rows(size_t n) {
  const size_t train_end = n * 7 / 10, val_end = n * 9 / 10;
  return SplitRows{train_end, val_end - train_end, n - val_end};
}

size_t window_count(size_t rows, int in_steps, int out_steps) {
  check_steps(in_steps, out_steps);
  const size_t span = static_cast<size_t>(in_steps) + static_cast<size_t>(out_steps);
  return rows >= span ? rows - span + 1 : 0;
}

Normalizer fit_normalizer(const WeatherSeries& series, size_t begin, size_t end) {
  check_range(series, begin, end, "normaliser");
  if (begin == end) throw Error("normaliser: no training rows to compute mean and std from");
  Normalizer norm{};
  const double n = static_cast<double>(end - begin);
  for (size_t f = 0; f < kF; ++f) {
    const std::vector<float>& x = feature(series, f);
    double sum = 0;
    for (size_t i = begin; i < end; ++i) sum += x[i];
    const double mean = sum / n;
    double sq = 0;  // second pass around the mean: no cancellation for large offsets
    for (size_t i = begin; i < end; ++i) sq += (x[i] - mean) * (x[i] - mean);
    norm.mean[f] = static_cast<float>(mean);
    norm.std[f] = static_cast<float>(std::sqrt(sq / n));
  }
  return norm;
}

std::span<const float> WindowSet::input(size_t i) const {
  const size_t len = static_cast<size_t>(in_steps) * kF;
  return std::span<const float>(inputs).subspan(i * len, len);
}

std::span<const float> WindowSet::label(size_t i) const {
  const size_t len = static_cast<size_t>(out_steps) * kF;
  return std::span<const float>(labels).subspan(i * len, len);
}

WindowSet make_windows(const WeatherSeries& series, size_t begin, size_t end, const Normalizer& norm, int in_steps,
                       int out_steps) {
  check_range(series, begin, end, "windows");
  WindowSet w;
  w.count = window_count(end - begin, in_steps, out_steps);
  w.in_steps = in_steps;
  w.out_steps = out_steps;
  const size_t in_len = static_cast<size_t>(in_steps), out_len = static_cast<size_t>(out_steps);
  // Normalise each row once; windows overlap in all but one row.
  std::vector<float> normed((end - begin) * kF);
  for (size_t r = begin; r < end; ++r)
    for (size_t f = 0; f < kF; ++f) normed[(r - begin) * kF + f] = norm.normalize(static_cast<int>(f), feature(series, f)[r]);

  w.inputs.resize(w.count * in_len * kF);
  w.labels.resize(w.count * out_len * kF);
  for (size_t t = 0; t < w.count; ++t) {
    std::copy_n(normed.begin() + static_cast<ptrdiff_t>(t * kF), in_len * kF, w.inputs.begin() + static_cast<ptrdiff_t>(t * in_len * kF));
    float* label = w.labels.data() + t * out_len * kF;
    for (size_t s = 0; s < out_len; ++s) {
      const size_t row = begin + t + in_len + s;
      label[s * kF + 0] = series.temperature[row];
      label[s * kF + 1] = series.humidity[row];
    }
  }
  return w;
}

ForecastData make_forecast_data(const WeatherSeries& series, const Normalizer& norm, int in_steps, int out_steps) {
  const SplitRows rows = split_rows(series.size());
  const size_t val_begin = rows.train, test_begin = rows.train + rows.val;
  ForecastData data{norm, {}, {}, {}, rows.train, rows.val, rows.test};
  data.train = make_windows(series, 0, val_begin, norm, in_steps, out_steps);
  data.val = make_windows(series, val_begin, test_begin, norm, in_steps, out_steps);
  data.test = make_windows(series, test_begin, series.size(), norm, in_steps, out_steps);
  return data;
}

ForecastData make_forecast_data(const WeatherSeries& series, int in_steps, int out_steps) {
  return make_forecast_data(series, fit_normalizer(series, 0, split_rows(series.size()).train), in_steps, out_steps);
}

std::array<double, 2> mae(std::span<const float> predictions, std::span<const float> labels) {
  check_same_shape(predictions, labels);
  std::array<double, 2> sum{};
  for (size_t i = 0; i < labels.size(); ++i) sum[i % kF] += std::fabs(static_cast<double>(predictions[i]) - labels[i]);
  const double n = static_cast<double>(labels.size() / kF);
  return {sum[0] / n, sum[1] / n};
}

std::array<double, 2> mae_course(std::span<const float> predictions, std::span<const float> labels, int out_steps,
                                 size_t batch) {
  check_same_shape(predictions, labels);
  const size_t window = static_cast<size_t>(out_steps) * kF;
  if (out_steps <= 0 || batch == 0 || labels.size() % window != 0)
    throw Error("MAE: " + std::to_string(labels.size()) + " values do not form windows of " +
                std::to_string(out_steps) + " steps, or the batch size is 0");
  const size_t batch_values = batch * window;
  std::array<double, 2> total{};
  size_t batches = 0;
  for (size_t start = 0; start < labels.size(); start += batch_values, ++batches) {
    const size_t len = std::min(batch_values, labels.size() - start);
    const std::array<double, 2> m = mae(predictions.subspan(start, len), labels.subspan(start, len));
    total[0] += m[0];
    total[1] += m[1];
  }
  return {total[0] / static_cast<double>(batches), total[1] / static_cast<double>(batches)};
}

std::vector<float> persistence_forecast(const WindowSet& windows, const Normalizer& norm) {
  const size_t out_len = static_cast<size_t>(windows.out_steps);
  std::vector<float> out(windows.count * out_len * kF);
  for (size_t i = 0; i < windows.count; ++i) {
    const float* last = windows.input(i).data() + (static_cast<size_t>(windows.in_steps) - 1) * kF;
    for (size_t s = 0; s < out_len; ++s)
      for (size_t f = 0; f < kF; ++f)
        out[(i * out_len + s) * kF + f] = norm.denormalize(static_cast<int>(f), last[f]);
  }
  return out;
}

}  // namespace tinyfit::data
