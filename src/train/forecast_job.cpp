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
                              .filters(options.filters)
                              .kernel(options.kernel)
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
  auto val_mae = [&] {
    const std::vector<double> mae = evaluate_mae([&net](const torch::Tensor& x) { return net->forward(x); }, val);
    return std::array<double, 2>{mae[0], mae[1]};
  };
  result.val_mae = result.val_mae_float = val_mae();
  models::ForecastExportOptions export_options = options.export_options;
  if (export_options.activations != models::Activations::Float) {
    // Scales fixed from the float model on the training windows; then a few epochs that see the rounding.
    models::FakeQuant q = net->calibrate(train.inputs);
    q.enabled = true;
    q.input = export_options.activations == models::Activations::Int8;
    net->set_fake_quant(q);
    export_options.skip_offset = q.skip_offset;
    TrainerOptions qat = options.trainer;
    qat.epochs = options.qat_epochs;
    qat.lr = options.trainer.lr * options.qat_lr_fraction;
    qat.warmup_epochs = 0;
    if (qat.epochs > 0) {
      const TrainResult tuned = fit(net, train, val, qat, progress);
      result.training.history.insert(result.training.history.end(), tuned.history.begin(), tuned.history.end());
      result.training.seconds += tuned.seconds;
    }
    net->eval();
    result.val_mae = val_mae();
  }
  result.weights = net->weights();
  result.model = models::export_tflite(result.weights, export_options);
  return result;
}

}  // namespace tinyfit::train
