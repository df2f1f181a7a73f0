// The forecaster as a TFLite graph with a static batch of 1, float32 input [1, 6, 2] in raw °C / %
// (the training normalisation is folded into the first layer) and float32 output [1, 6, 2] in °C / %:
//
//   FULLY_CONNECTED (ReLU) -> FULLY_CONNECTED -> RESHAPE
//
// Everything else is folded into the two layers' constants. The de-normalisation (a per-feature
// scale and offset) goes into the last layer's rows and bias. The skip (last input step repeated) is
// linear, so it rides through the hidden layer on one extra unit per feature, relu(x_last,f + c) with
// c large enough that the ReLU never clips, and the last layer subtracts c again in its bias: two
// extra hidden units cost fewer bytes than any extra op (an ADD or a second FC needs tensors, an
// operator and an op code).
//
// The CNN-1D is this graph with its convolution unfolded into the first layer's rows (or, with
// conv2d, RESHAPE -> CONV_2D -> FULLY_CONNECTED). Int8 activations (Activations) replace the float
// layers with int8 FULLY_CONNECTEDs between QUANTIZE and DEQUANTIZE.
#pragma once

#include <cstdint>
#include <vector>

#include "models/forecast_weights.hpp"
#include "tflite/model.hpp"

namespace tinyfit::models {

enum class WeightFormat {
  Float32,         // float weights (reference, largest)
  Int8Dequantize,  // constant int8 weights -> DEQUANTIZE -> float FC (float activations throughout)
  Int8Hybrid,      // hybrid FC: int8 weights, inputs quantized on the fly per row (TFLite dynamic range)
};

// Which activation tensors are int8 (per-tensor asymmetric grids from ForecastWeights::ranges, set by
// quantization-aware training). The weights are then int8 per tensor, without skip balancing (the
// skip units must hold x_last + skip_offset in normalised units, as training simulated).
enum class Activations {
  Float,       // float throughout (int8 weights through DEQUANTIZE)
  Int8,        // QUANTIZE -> int8 FC (ReLU) -> int8 FC -> DEQUANTIZE: every activation int8, int32 biases
  Int8Hidden,  // the first FC in float (raw T and RH need no shared input grid), QUANTIZE its output,
               // int8 output FC -> DEQUANTIZE
};

struct ForecastExportOptions {
  WeightFormat weights = WeightFormat::Int8Dequantize;
  bool per_channel = true;      // one symmetric scale per output row, else one per tensor
  // Per tensor only: both weight tensors get the same scale (hidden units rescaled, see
  // share_scale in the .cpp), so the file holds one quantization table for both.
  bool shared_scale = false;
  bool reshape_output = true;   // false: output stays [1, 12] (saves the RESHAPE op, ~60 bytes)
  // The output bias on a constant hidden unit instead of a bias tensor (FULLY_CONNECTED with two
  // inputs): one more unit (a zero W1 row, its b1 entry K, a W2 column) costs 28 int8 bytes, the bias
  // tensor, its buffer and their table entries about 84. Needs an MLP with skip, trained with one
  // bias per feature (ForecastNetOptions::step_bias false), float or int8 per-tensor weights. See
  // bias_unit in the .cpp for how int8 stays exact.
  bool bias_unit = false;
  // c of the skip units, in normalised units: inputs below -c would be clipped by the ReLU. 16 std
  // is far outside any weather (T would be 14.7 - 16 * 6.5 = -89 °C).
  float skip_offset = 16.0f;
  Activations activations = Activations::Float;
  // CNN-1D only: RESHAPE [1, 6, 2] -> [1, 1, 6, 2] -> CONV_2D (VALID, ReLU; the skip as two more
  // filters, read at the last position) -> FULLY_CONNECTED, instead of the unfolded convolution in
  // the first FULLY_CONNECTED. Fewer weight bytes (the kernel once, not once per position), one more
  // op and a wider output layer. Float or per-tensor int8 weights, bias tensor, float activations.
  bool conv2d = false;
};

// The two dense layers after folding (float), on raw inputs: hidden' = hidden + 2 skip units when skip is on. For
// int8 weights, also the scales they are quantized with (the skip units are balanced so that the skip
// stays exact; see balance_skip in the .cpp).
// Linear model (ForecastWeights::hidden 0): hidden 0, w1 and b1 empty, w2 [outputs][inputs].
struct FoldedForecast {
  int inputs = 12, hidden = 0, outputs = 12;
  std::vector<float> w1, b1, w2, b2;      // [hidden][inputs], [hidden], [outputs][hidden], [outputs] (b2 empty: bias_unit)
  std::vector<float> w1_scales, w2_scales;  // int8 only: one per row, or one
};
FoldedForecast fold_forecast(const ForecastWeights& w, const ForecastExportOptions& options = {});

// Symmetric int8 quantization of a [rows][cols] matrix: per row (per_channel) or one scale. Rows of
// zeros get scale 1. The dequantized value of q is q * scale[row or 0].
struct QuantizedMatrix {
  std::vector<int8_t> values;
  std::vector<float> scales;
};
std::vector<float> symmetric_scales(const std::vector<float>& m, int rows, bool per_channel);
QuantizedMatrix quantize_with_scales(const std::vector<float>& m, std::vector<float> scales);
QuantizedMatrix quantize_symmetric(const std::vector<float>& m, int rows, bool per_channel);
// What the runtime sees after DEQUANTIZE (also what quantization-aware training simulates).
std::vector<float> dequantize(const QuantizedMatrix& q);

// Int8 activations: weights int8 per tensor, MLP or CNN with skip, w.ranges set; else Error.
// Builds the graph and the "tinyfit" metadata {"task":"forecast"} (no mean / std: raw inputs). Tensors
// carry no names. Throws Error if the weights are inconsistent.
tflite::ModelDef export_tflite(const ForecastWeights& w, const ForecastExportOptions& options = {});

}  // namespace tinyfit::models
