#include "data/forecast_windows.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "data/data_test_support.hpp"

namespace tinyfit::data {
namespace {

using testing::error_of;
using testing::expect_contains;

// T = row index, RH = 100 + row index, 10 minutes apart.
WeatherSeries ramp(size_t n) {
  WeatherSeries s;
  for (size_t i = 0; i < n; ++i) {
    s.timestamps.push_back(static_cast<int64_t>(i) * 600);
    s.temperature.push_back(static_cast<float>(i));
    s.humidity.push_back(100.0f + static_cast<float>(i));
  }
  return s;
}

TEST(ForecastSplit, CourseCountsAreExact) {
  const SplitRows full = split_rows(420551);
  EXPECT_EQ(full.train, 294385u);
  EXPECT_EQ(full.val, 84110u);
  EXPECT_EQ(full.test, 42056u);
  EXPECT_EQ(window_count(full.train, 6, 6), 294374u);
  EXPECT_EQ(window_count(full.val, 6, 6), 84099u);
  EXPECT_EQ(window_count(full.test, 6, 6), 42045u);

  const SplitRows here = split_rows(40830);
  EXPECT_EQ(here.train, 28581u);
  EXPECT_EQ(here.val, 8166u);
  EXPECT_EQ(here.test, 4083u);
  EXPECT_EQ(window_count(here.test, 6, 6), 4072u);

  // Small n: the three parts still add up to n.
  const SplitRows ten = split_rows(10);
  EXPECT_EQ(ten.train + ten.val + ten.test, 10u);
  EXPECT_EQ(ten.train, 7u);
  EXPECT_EQ(ten.val, 2u);
  EXPECT_EQ(window_count(12, 6, 6), 1u);
  EXPECT_EQ(window_count(11, 6, 6), 0u);
  EXPECT_EQ(window_count(0, 6, 6), 0u);
  EXPECT_EQ(window_count(5, 2, 1), 3u);
  EXPECT_FALSE(error_of([] { window_count(10, 0, 6); }).empty());
}

TEST(ForecastNormalizer, PopulationStatsOfTrainingRowsOnly) {
  WeatherSeries s = ramp(10);  // train rows 0..6: T mean 3, population variance 4
  for (size_t i = 7; i < 10; ++i) s.temperature[i] = s.humidity[i] = 1e6f;  // must not leak into the stats
  const ForecastData d = make_forecast_data(s, 1, 1);
  EXPECT_EQ(d.rows_train, 7u);
  EXPECT_FLOAT_EQ(d.norm.mean[0], 3.0f);
  EXPECT_FLOAT_EQ(d.norm.std[0], 2.0f);
  EXPECT_FLOAT_EQ(d.norm.mean[1], 103.0f);
  EXPECT_FLOAT_EQ(d.norm.std[1], 2.0f);
  // Window 0 input is row 0: (0 - 3) / (2 + 1e-6), in float as the course's graph computed it.
  EXPECT_EQ(d.train.inputs[0], -3.0f / (2.0f + 1e-6f));
  EXPECT_EQ(d.train.inputs[1], -3.0f / (2.0f + 1e-6f));

  WeatherSeries flat = ramp(4);
  flat.humidity.assign(4, 50.0f);
  const Normalizer n = fit_normalizer(flat, 0, 4);
  EXPECT_EQ(n.std[1], 0.0f);
  EXPECT_EQ(n.normalize(1, 50.0f), 0.0f);  // the epsilon keeps a constant feature finite
  EXPECT_NEAR(n.normalize(1, 50.5f), 0.5e6f, 1.0f);
  EXPECT_FALSE(error_of([&] { fit_normalizer(flat, 2, 2); }).empty());
  EXPECT_FALSE(error_of([&] { fit_normalizer(flat, 0, 5); }).empty());
}

TEST(ForecastWindows, ContentStaysInsideEachSplit) {
  const WeatherSeries s = ramp(60);  // train 0..41, val 42..53, test 54..59
  const Normalizer identity{{0.0f, 0.0f}, {1.0f, 1.0f}};
  const ForecastData d = make_forecast_data(s, identity, 6, 6);
  EXPECT_EQ(d.rows_train, 42u);
  EXPECT_EQ(d.rows_val, 12u);
  EXPECT_EQ(d.rows_test, 6u);
  ASSERT_EQ(d.train.count, 31u);
  ASSERT_EQ(d.val.count, 1u);
  EXPECT_EQ(d.test.count, 0u);
  EXPECT_EQ(d.train.inputs.size(), 31u * 12);
  EXPECT_EQ(d.train.labels.size(), 31u * 12);
  for (size_t t = 0; t < d.train.count; ++t) {
    const auto in = d.train.input(t);
    const auto out = d.train.label(t);
    for (size_t step = 0; step < 6; ++step) {
      EXPECT_NEAR(in[step * 2], static_cast<float>(t + step), 1e-4f);
      EXPECT_NEAR(in[step * 2 + 1], 100.0f + static_cast<float>(t + step), 1e-3f);
      EXPECT_EQ(out[step * 2], static_cast<float>(t + 6 + step));
      EXPECT_EQ(out[step * 2 + 1], 100.0f + static_cast<float>(t + 6 + step));
    }
  }
  EXPECT_EQ(d.train.label(30)[11], 141.0f);  // the last train window ends on row 41
  EXPECT_NEAR(d.val.input(0)[0], 42.0f, 1e-4f);
  EXPECT_EQ(d.val.label(0)[10], 53.0f);

  const WindowSet odd = make_windows(s, 10, 20, identity, 3, 2);  // other step counts
  ASSERT_EQ(odd.count, 6u);
  EXPECT_NEAR(odd.input(5)[4], 17.0f, 1e-4f);
  EXPECT_EQ(odd.label(5)[2], 19.0f);
  EXPECT_FALSE(error_of([&] { make_windows(s, 10, 61, identity, 6, 6); }).empty());
}

TEST(ForecastMetrics, ExactAndCourseMae) {
  // 3 windows of 1 step. |error| T: 1, 1, 4; RH: 0, 2, 2.
  const std::vector<float> labels = {0, 0, 0, 0, 0, 0};
  const std::vector<float> preds = {1, 0, -1, 2, 4, -2};
  const auto exact = mae(preds, labels);
  EXPECT_DOUBLE_EQ(exact[0], 2.0);
  EXPECT_DOUBLE_EQ(exact[1], 4.0 / 3.0);
  const auto course = mae_course(preds, labels, 1, 2);  // batches {0,1} and {2}
  EXPECT_DOUBLE_EQ(course[0], (1.0 + 4.0) / 2);
  EXPECT_DOUBLE_EQ(course[1], (1.0 + 2.0) / 2);
  const auto one_batch = mae_course(preds, labels, 1, 32);
  EXPECT_DOUBLE_EQ(one_batch[0], exact[0]);
  expect_contains(error_of([&] { mae(std::span<const float>(preds).first(4), labels); }), {"MAE"});
  EXPECT_FALSE(error_of([&] { mae_course(preds, labels, 4, 32); }).empty());
}

TEST(ForecastMetrics, PersistenceRepeatsLastInputInPhysicalUnits) {
  const WeatherSeries s = ramp(40);
  const ForecastData d = make_forecast_data(s, 6, 6);
  const std::vector<float> p = persistence_forecast(d.train, d.norm);
  ASSERT_EQ(p.size(), d.train.labels.size());
  for (size_t t = 0; t < d.train.count; ++t)
    for (size_t step = 0; step < 6; ++step) {
      EXPECT_NEAR(p[(t * 6 + step) * 2], static_cast<float>(t + 5), 1e-4f);
      EXPECT_NEAR(p[(t * 6 + step) * 2 + 1], 100.0f + static_cast<float>(t + 5), 1e-4f);
    }
  // Labels run 1..6 steps past the last input, so the persistence error is their mean: 3.5.
  const auto m = mae(p, d.train.labels);
  EXPECT_NEAR(m[0], 3.5, 1e-4);
  EXPECT_NEAR(m[1], 3.5, 1e-4);
}

// Spec §1: the numbers of the real 10-minute file.
TEST(ForecastRealData, CountsStatsAndPersistence) {
  TINYFIT_REQUIRE_DATA(root);
  const WeatherSeries s = read_weather_csv(root / "jena/jena_climate_10min_2021_2024.csv");
  const ForecastData d = make_forecast_data(s);
  EXPECT_EQ(d.rows_train, 28581u);
  EXPECT_EQ(d.rows_val, 8166u);
  EXPECT_EQ(d.rows_test, 4083u);
  EXPECT_EQ(d.train.count, 28570u);
  EXPECT_EQ(d.val.count, 8155u);
  EXPECT_EQ(d.test.count, 4072u);
  EXPECT_NEAR(d.norm.mean[0], 14.7493, 1e-3);
  EXPECT_NEAR(d.norm.std[0], 6.4603, 1e-3);
  EXPECT_NEAR(d.norm.mean[1], 79.7493, 1e-3);
  EXPECT_NEAR(d.norm.std[1], 17.5256, 1e-3);
  const size_t test_begin = d.rows_train + d.rows_val;
  // 4,083 gapless 10-minute rows ending 20.10.2024 08:10 start on 21.09.2024 (the spec's "04.09.2024"
  // does not fit its own row count).
  EXPECT_EQ(format_jena_timestamp(s.timestamps[test_begin]), "21.09.2024 23:50:00");
  EXPECT_EQ(format_jena_timestamp(s.timestamps.back()), "20.10.2024 08:10:00");

  const auto exact = mae(persistence_forecast(d.test, d.norm), d.test.labels);
  EXPECT_NEAR(exact[0], 0.419, 1e-3);
  EXPECT_NEAR(exact[1], 2.072, 1e-3);
  const auto course = mae_course(persistence_forecast(d.test, d.norm), d.test.labels, 6);
  EXPECT_NEAR(course[0], exact[0], 0.01);  // 128 batches, the last of 8: close to the exact mean
  EXPECT_NEAR(course[1], exact[1], 0.05);
}

}  // namespace
}  // namespace tinyfit::data
