#include "train/forecast_job.hpp"

#include <torch/utils.h>

#include "models/forecast_net.hpp"
#include "train/trainer.hpp"

namespace tinyfit::train {

namespace {

Dataset to_dataset(const data::WindowSet& w) {
  const int64_t n = static_cast<int64_t>(w.count);
  auto copy = [n](const std::vector<float>& v, int steps) {
    return torch::from_blob(const_cast<float*>(v.data()), {n, steps, data::kWeatherFeatures}, torch::kFloat32).clone();
  };
  return {copy(w.inputs, w.in_steps), copy(w.labels, w.out_steps)};
}

}  // namespace

ForecastJobResult train_forecaster(const data::ForecastData& data, const ForecastJobOptions& options,
                                   const ProgressCallback& progress) {
  torch::manual_seed(options.trainer.seed);
  models::ForecastNorm norm{data.norm.mean, data.norm.std};
  models::ForecastNet net(models::ForecastNetOptions()
                              .hidden(options.hidden)
                              .skip(options.skip)
                              .step_bias(options.step_bias)
                              .in_steps(data.train.in_steps)
                              .out_steps(data.train.out_steps)
                              .norm(norm));
  const Dataset train = to_dataset(data.train);
  const Dataset val = to_dataset(data.val);

  ForecastJobResult result;
  result.training = fit(net, train, val, options.trainer, progress);
  net->eval();
  const std::vector<double> mae = evaluate_mae([&net](const torch::Tensor& x) { return net->forward(x); }, val);
  result.val_mae = {mae[0], mae[1]};
  result.weights = net->weights();
  result.model = models::export_tflite(result.weights, options.export_options);
  return result;
}

}  // namespace tinyfit::train
