// Training the forecaster of `tinyfit forecast` from windowed Jena data, up to the exported ModelDef.
// No LibTorch types here, so the CLI includes it without LibTorch headers.
#pragma once

#include <array>

#include "data/forecast_windows.hpp"
#include "models/forecast_export.hpp"
#include "models/forecast_weights.hpp"
#include "tflite/model.hpp"
#include "train/trainer_options.hpp"

namespace tinyfit::train {

struct ForecastJobOptions {
  int hidden = 16;    // MLP width
  int filters = 0;    // > 0: the CNN-1D family with this many filters (hidden ignored)
  int kernel = 3;     // CNN kernel, steps
  // Quantization-aware fine-tuning epochs after the float training, when export_options.activations
  // is int8 (learning rate lr * qat_lr_fraction).
  int qat_epochs = 10;
  double qat_lr_fraction = 0.1;
  bool skip = true;   // learn a correction to persistence
  bool step_bias = true;  // false: one output bias per feature (see ForecastNetOptions::step_bias)
  TrainerOptions trainer;
  models::ForecastExportOptions export_options;
};

struct ForecastJobResult {
  models::ForecastWeights weights;  // the best checkpoint
  tflite::ModelDef model;           // its export
  TrainResult training;
  std::array<double, 2> val_mae{};  // of the LibTorch model on the validation windows (fake-quantized after QAT)
  std::array<double, 2> val_mae_float{};  // before quantization-aware training (== val_mae without it)
};

// Seeds LibTorch with options.trainer.seed, trains on data.train, keeps the epoch best on data.val,
// for int8 activations calibrates on data.train and fine-tunes with fake quantization, exports. Same options and data -> the same weights and model bytes.
ForecastJobResult train_forecaster(const data::ForecastData& data, const ForecastJobOptions& options,
                                   const ProgressCallback& progress = {});

}  // namespace tinyfit::train
