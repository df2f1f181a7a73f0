// The forecaster of `tinyfit forecast` (spec HW2 §1): normalised input [B, 6, 2] (T, RH) to a forecast
// [B, 6, 2] in physical units (°C, %). An MLP (flatten 12 -> hidden, ReLU -> 12) learns a correction
// on top of a linear skip that repeats the last input step: persistence alone is already a strong
// forecaster here (0.419 °C / 2.072 % on the test split), so the net only has to learn the residual.
#pragma once

#include <array>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "models/forecast_weights.hpp"

namespace tinyfit::models {

struct ForecastNetOptions {
  // Units of the MLP's hidden layer (the width option); 0: one linear layer, which with the skip is
  // persistence plus a linear correction (a single FULLY_CONNECTED once exported).
  TORCH_ARG(int, hidden) = 16;
  // CNN-1D family when > 0 (hidden is then ignored): a Conv1D over the steps with this many filters
  // (the width option), `kernel` steps wide, no padding, ReLU, then the same output layer over the
  // flattened [positions, filters]. It exports as the MLP whose first layer is the unfolded
  // convolution (ForecastWeights::conv_filters).
  TORCH_ARG(int, filters) = 0;
  TORCH_ARG(int, kernel) = 3;
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

// Quantization-aware training (fake quantization, straight-through gradients) of the int8-activation
// exports (ForecastExportOptions::activations): what the runtime rounds, the forward rounds too, with
// the scales fixed at calibration. Weights: one symmetric scale per tensor. Activations: one
// asymmetric scale per tensor, on the tensors the export makes int8.
struct FakeQuant {
  bool enabled = false;
  bool input = false;       // the raw input is int8 (QUANTIZE in front of the first layer)
  // Raw input, hidden (skip units x_last + skip_offset included) and physical output ranges; each
  // tensor's features share one grid (int8_grid).
  ActivationRanges ranges;
  float skip_offset = 16.0f;       // c of the exported skip units, normalised units
};

class ForecastNetImpl : public torch::nn::Module {
 public:
  explicit ForecastNetImpl(const ForecastNetOptions& options = {});
  // x: [B, in_steps, 2] normalised -> [B, out_steps, 2] physical units.
  torch::Tensor forward(const torch::Tensor& x);

  // The trained parameters as plain arrays, for the exporter (models/forecast_export.hpp).
  ForecastWeights weights() const;
  const ForecastNetOptions& options() const { return options_; }
  void set_fake_quant(const FakeQuant& q) { quant_ = q; }
  // Activation ranges of the float model over x (normalised windows [N, 6, 2]) for FakeQuant, the skip
  // offset chosen so the skip units' ReLU does not clip x's last steps (plus a margin).
  FakeQuant calibrate(const torch::Tensor& x);

 private:
  ForecastNetOptions options_;
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};  // fc1_ null for the linear model and the CNN
  torch::nn::Conv1d conv_{nullptr};                // the CNN's first layer
  torch::Tensor scale_, offset_;  // [2] buffers: std + eps, mean
  torch::Tensor feature_bias_;    // [2], when !step_bias (fc2_ then has no bias)
  FakeQuant quant_;
  torch::Tensor hidden(const torch::Tensor& flat, const torch::Tensor& x);  // before fc2_; flat when linear
};
TORCH_MODULE(ForecastNet);

}  // namespace tinyfit::models
