// The forecaster of `tinyfit forecast` (spec HW2 §1): normalised input [B, 6, 2] (T, RH) to a forecast
// [B, 6, 2] in physical units (°C, %). An MLP (flatten 12 -> hidden, ReLU -> 12) learns a correction
// on top of a linear skip that repeats the last input step: persistence alone is already a strong
// forecaster here (0.419 °C / 2.072 % on the test split), so the net only has to learn the residual.
#pragma once

#include <array>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "models/forecast_weights.hpp"

namespace tinyfit::models {

struct ForecastNetOptions {
  // Units of the MLP's hidden layer (the width option); 0: one linear layer, which with the skip is
  // persistence plus a linear correction (a single FULLY_CONNECTED once exported).
  TORCH_ARG(int, hidden) = 16;
  TORCH_ARG(bool, skip) = true; // add the de-normalised last input step to every output step
  // false: one output bias per feature, shared by the 6 steps (2 parameters instead of 12), which the
  // exporter can carry on a constant hidden unit instead of a bias tensor (ForecastExportOptions::bias_unit).
  TORCH_ARG(bool, step_bias) = true;
  TORCH_ARG(int, in_steps) = 6;
  TORCH_ARG(int, out_steps) = 6;
  // The input normalisation (x - mean) / (std + 1e-6); the output is de-normalised with the same
  // statistics so that the MLP works in normalised units whatever the feature's scale.
  TORCH_ARG(ForecastNorm, norm) = {};
};

class ForecastNetImpl : public torch::nn::Module {
 public:
  explicit ForecastNetImpl(const ForecastNetOptions& options = {});
  // x: [B, in_steps, 2] normalised -> [B, out_steps, 2] physical units.
  torch::Tensor forward(const torch::Tensor& x);

  // The trained parameters as plain arrays, for the exporter (models/forecast_export.hpp).
  ForecastWeights weights() const;
  const ForecastNetOptions& options() const { return options_; }

 private:
  ForecastNetOptions options_;
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};  // fc1_ null for the linear model
  torch::Tensor scale_, offset_;  // [2] buffers: std + eps, mean
  torch::Tensor feature_bias_;    // [2], when !step_bias (fc2_ then has no bias)
};
TORCH_MODULE(ForecastNet);

}  // namespace tinyfit::models
