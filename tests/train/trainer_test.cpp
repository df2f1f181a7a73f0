#include <gtest/gtest.h>

#include <cmath>

#include <torch/nn/modules/linear.h>

#include "core/error.hpp"
#include "data/forecast_windows.hpp"
#include "tflite/writer.hpp"
#include "train/forecast_job.hpp"
#include "train/trainer.hpp"

namespace tinyfit::train {
namespace {

// y = 2 x0 - x1 + 0.5 with a little noise: a linear layer can learn it to the noise level.
Dataset linear_data(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  torch::Tensor x = torch::randn({n, 2});
  torch::Tensor y = (2 * x.select(1, 0) - x.select(1, 1) + 0.5).unsqueeze(1) + 0.01 * torch::randn({n, 1});
  return {x, y};
}

TEST(Trainer, ReducesTheLossAndKeepsTheBestEpoch) {
  torch::manual_seed(1);
  torch::nn::Linear model(2, 1);
  const Dataset train = linear_data(512, 2), val = linear_data(128, 3);
  TrainerOptions o;
  o.epochs = 15;
  o.batch_size = 32;
  o.lr = 0.05;
  o.loss = Loss::Mse;
  const double before = evaluate_mae([&](const torch::Tensor& x) { return model->forward(x); }, val)[0];
  const TrainResult r = fit(model, train, val, o);
  const double after = evaluate_mae([&](const torch::Tensor& x) { return model->forward(x); }, val)[0];
  ASSERT_FALSE(r.history.empty());
  EXPECT_LT(r.history.back().train_loss, r.history.front().train_loss);
  EXPECT_LT(after, before / 10);
  EXPECT_LT(after, 0.05);
  // The model holds the best epoch's weights.
  EXPECT_NEAR(after, r.history[static_cast<size_t>(r.best_epoch - 1)].val_mae[0], 1e-6);
  EXPECT_NEAR(r.best_score, after, 1e-6);
}

TEST(Trainer, StopsEarlyWithoutImprovement) {
  torch::nn::Linear model(2, 1);
  const Dataset train = linear_data(64, 4), val = linear_data(64, 5);
  TrainerOptions o;
  o.epochs = 50;
  o.lr = 1e-12;  // nothing moves: no epoch after the first improves
  o.patience = 3;
  const TrainResult r = fit(model, train, val, o);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_LE(r.history.size(), 5u);
}

TEST(Trainer, RejectsBadInput) {
  torch::nn::Linear model(2, 1);
  const Dataset train = linear_data(8, 1);
  TrainerOptions o;
  EXPECT_THROW(fit(model, train, Dataset{torch::zeros({0, 2}), torch::zeros({0, 1})}, o), Error);
  o.feature_weights = {1.0f, 2.0f};  // one feature only
  EXPECT_THROW(fit(model, train, train, o), Error);
  EXPECT_THROW(parse_loss("huber"), Error);
}

// A small synthetic weather series: daily cycles with noise.
data::ForecastData synthetic_forecast_data(size_t rows) {
  data::WeatherSeries s;
  for (size_t i = 0; i < rows; ++i) {
    const double day = static_cast<double>(i) / 144.0;
    s.timestamps.push_back(static_cast<int64_t>(i) * 600);
    s.temperature.push_back(static_cast<float>(10 + 6 * std::sin(2 * M_PI * day) + 0.3 * std::sin(i * 1.7)));
    s.humidity.push_back(static_cast<float>(70 - 15 * std::sin(2 * M_PI * day) + 1.0 * std::cos(i * 0.9)));
  }
  return data::make_forecast_data(s);
}

ForecastJobOptions tiny_job(uint64_t seed) {
  ForecastJobOptions o;
  o.hidden = 4;
  o.trainer.epochs = 3;
  o.trainer.batch_size = 64;
  o.trainer.seed = seed;
  return o;
}

TEST(ForecastJob, SameSeedGivesTheSameFile) {
  const data::ForecastData d = synthetic_forecast_data(2000);
  const auto a = tflite::write_model(train_forecaster(d, tiny_job(11)).model);
  const auto b = tflite::write_model(train_forecaster(d, tiny_job(11)).model);
  const auto c = tflite::write_model(train_forecaster(d, tiny_job(12)).model);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(ForecastJob, BeatsPersistenceOnASmoothSeries) {
  const data::ForecastData d = synthetic_forecast_data(3000);
  ForecastJobOptions o = tiny_job(3);
  o.trainer.epochs = 15;
  int reports = 0;
  const ForecastJobResult r = train_forecaster(d, o, [&](const EpochReport&) { ++reports; });
  EXPECT_EQ(reports, static_cast<int>(r.training.history.size()));
  const auto persistence = data::mae(data::persistence_forecast(d.val, d.norm), d.val.labels);
  EXPECT_LT(r.val_mae[0], persistence[0]);
  EXPECT_LT(r.val_mae[1], persistence[1]);
}

}  // namespace
}  // namespace tinyfit::train
