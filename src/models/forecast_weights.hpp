// A trained forecaster as plain arrays (no LibTorch types), so that the exporter and the CLI can use
// it without LibTorch headers.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "data/forecast_windows.hpp"

namespace tinyfit::models {

// Exported forecasters take raw °C / % (the normalisation is folded into the first layer). Windows
// made with this normaliser hold raw values: (x - 0) / ((1 - eps) + eps) == x / 1 exactly.
inline constexpr data::Normalizer kRawInputs{{0.0f, 0.0f}, {1.0f - data::kNormEpsilon, 1.0f - data::kNormEpsilon}};
static_assert(kRawInputs.std[0] + data::kNormEpsilon == 1.0f, "raw windows must be unscaled");

struct ForecastNorm {
  std::array<float, 2> mean{0.0f, 0.0f}, std{1.0f, 1.0f};  // population std (the 1e-6 is added on use)
};

// y[s][f] = (std_f + eps) * (skip ? x[last][f] : 0) + mean_f + (std_f + eps) * (W2 relu(W1 x + b1) + b2)[s*2+f]
// with x normalised; hidden 0: (W2 x + b2) (one linear layer, W1 and b1 empty).
struct ForecastWeights {
  int in_steps = 6, out_steps = 6, hidden = 0;
  bool skip = true;
  std::vector<float> w1, b1;  // [hidden][in_steps*2], [hidden]
  std::vector<float> w2, b2;  // [out_steps*2][hidden or in_steps*2], [out_steps*2]
  ForecastNorm norm;

  int inputs() const { return in_steps * 2; }
  int outputs() const { return out_steps * 2; }
  int layer_inputs() const { return hidden > 0 ? hidden : inputs(); }  // of the output layer
  std::string describe() const;  // "MLP 12-16-12 + last-step skip", "linear 12-12 + last-step skip"
};

}  // namespace tinyfit::models
