// A trained forecaster as plain arrays (no LibTorch types), so that the exporter and the CLI can use
// it without LibTorch headers.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "data/forecast_windows.hpp"

namespace tinyfit::models {

// Exported forecasters take raw °C / % (the normalisation is folded into the first layer). Windows
// made with this normaliser hold raw values: (x - 0) / ((1 - eps) + eps) == x / 1 exactly.
inline constexpr data::Normalizer kRawInputs{{0.0f, 0.0f}, {1.0f - data::kNormEpsilon, 1.0f - data::kNormEpsilon}};
static_assert(kRawInputs.std[0] + data::kNormEpsilon == 1.0f, "raw windows must be unscaled");

// An int8 activation grid covering [lo, hi] (and 0) in 256 steps: the exporter's choice, and what
// quantization-aware training simulates. The scale is a float, as the file stores it.
struct Int8Grid {
  float scale = 1.0f;
  int32_t zero_point = 0;
};
inline Int8Grid int8_grid(float lo, float hi) {
  lo = std::min(lo, 0.0f), hi = std::max(hi, 0.0f);
  const float scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  return {scale, static_cast<int32_t>(std::clamp(std::nearbyint(-128.0f - lo / scale), -128.0f, 127.0f))};
}

// Activation ranges for int8 activations (ForecastExportOptions::activations), measured on the
// training windows: raw input (both features), hidden units (the skip units included), output.
struct ActivationRanges {
  float in_lo = 0, in_hi = 0, hidden_hi = 0, out_lo = 0, out_hi = 0;
};

struct ForecastNorm {
  std::array<float, 2> mean{0.0f, 0.0f}, std{1.0f, 1.0f};  // population std (the 1e-6 is added on use)
};

// y[s][f] = (std_f + eps) * (skip ? x[last][f] : 0) + mean_f + (std_f + eps) * (W2 relu(W1 x + b1) + b2)[s*2+f]
// with x normalised; hidden 0: (W2 x + b2) (one linear layer, W1 and b1 empty).
struct ForecastWeights {
  int in_steps = 6, out_steps = 6, hidden = 0;
  bool skip = true;
  // CNN-1D (0: MLP): w1/b1 hold the convolution unfolded over the window, hidden unit p * filters + f
  // = filter f at position p (p = 0 .. in_steps - kernel), so the export is the MLP's.
  int conv_filters = 0, conv_kernel = 0;
  std::vector<float> w1, b1;  // [hidden][in_steps*2], [hidden]
  std::vector<float> w2, b2;  // [out_steps*2][hidden or in_steps*2], [out_steps*2]
  ForecastNorm norm;
  ActivationRanges ranges;  // set by quantization-aware training, for int8 activations

  int inputs() const { return in_steps * 2; }
  int outputs() const { return out_steps * 2; }
  int layer_inputs() const { return hidden > 0 ? hidden : inputs(); }  // of the output layer
  std::string describe() const;  // "MLP 12-16-12 + last-step skip", "CNN-1D 4x3 (16)-12 + ...", "linear 12-12 ..."
};

}  // namespace tinyfit::models
