#include "models/forecast_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "data/forecast_windows.hpp"
#include "tflite/metadata.hpp"

namespace tinyfit::models {

namespace {

using tflite::BuiltinOp;
using tflite::DType;
using tflite::ModelDef;

// Operator-code versions. Hybrid FCs as TFLite's op_version.cc assigns them (the runtime picks the
// hybrid kernels by them). DEQUANTIZE: 1, not op_version.cc's 2 (int8) or 5 (per channel): the
// official runtime registers one kernel for versions 1-5 and picks the arithmetic by the input's type
// and quantization, and version 1 is the schema default, so the file needs neither the field nor a
// vtable of its own (checked in tests/conformance/forecast_export_test.cpp).
constexpr int kFcFloatVersion = 1;
constexpr int kFcHybridVersion = 3;
constexpr int kFcHybridPerChannelVersion = 12;
constexpr int kDequantizeVersion = 1;
constexpr int kReshapeVersion = 1;
constexpr int kFcInt8Version = 4;  // int8 input, weights and output, int32 bias
constexpr int kQuantizeVersion = 1;
constexpr int kConvFloatVersion = 1;

void check_weights(const ForecastWeights& w) {
  const size_t h = static_cast<size_t>(w.hidden);
  if (w.hidden < 0 || w.in_steps < 1 || w.out_steps < 1 || w.w1.size() != h * w.inputs() || w.b1.size() != h ||
      w.w2.size() != static_cast<size_t>(w.outputs()) * w.layer_inputs() ||
      w.b2.size() != static_cast<size_t>(w.outputs()))
    throw Error("forecast export: weight arrays do not match hidden " + std::to_string(w.hidden) + " and " +
                std::to_string(w.in_steps) + " -> " + std::to_string(w.out_steps) + " steps");
}

template <class T>
int add_constant(ModelDef& m, DType type, std::vector<int32_t> shape, const std::vector<T>& values,
                 tflite::Quantization quant = {}) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  m.buffers.push_back(std::move(bytes));
  m.tensors.push_back({.name = "", .type = type, .shape = std::move(shape), .quant = std::move(quant),
                       .buffer = static_cast<int>(m.buffers.size() - 1)});
  return static_cast<int>(m.tensors.size() - 1);
}

int add_activation(ModelDef& m, std::vector<int32_t> shape) {
  m.tensors.push_back({.name = "", .type = DType::Float32, .shape = std::move(shape), .quant = {}, .buffer = 0});
  return static_cast<int>(m.tensors.size() - 1);
}

void add_op(ModelDef& m, BuiltinOp op, int version, std::vector<int> inputs, int output, tflite::OpOptions options = {}) {
  m.operators.push_back({.opcode = static_cast<int32_t>(op), .version = version, .inputs = std::move(inputs),
                         .outputs = {output}, .options = std::move(options)});
}

// The weight matrix as the FC's weights input: float, int8 through DEQUANTIZE, or int8 read by a hybrid FC.
int add_weights(ModelDef& m, const std::vector<float>& w, const std::vector<float>& scales, int rows, int cols,
                const ForecastExportOptions& o) {
  if (o.weights == WeightFormat::Float32) return add_constant(m, DType::Float32, {rows, cols}, w);
  QuantizedMatrix q = quantize_with_scales(w, scales);
  tflite::Quantization quant{.scale = q.scales, .zero_point = std::vector<int64_t>(q.scales.size(), 0), .axis = 0};
  const int t = add_constant(m, DType::Int8, {rows, cols}, q.values, std::move(quant));
  if (o.weights == WeightFormat::Int8Hybrid) return t;
  const int f = add_activation(m, {rows, cols});
  add_op(m, BuiltinOp::Dequantize, kDequantizeVersion, {t}, f);
  return f;
}

// With per-row int8 weights, the skip weight s_f (up to 17.5) would set the scale of its rows and
// leave the learned correction weights (|w| ~ 0.5 s_f) a few steps each. Instead the skip unit gets
// a gain a_f (exact in its own W1 row: one-hot, q = 127) and its W2 weight v_f = s_f / a_f is put
// exactly on each row's grid: v_f is no larger than any of the feature's rows' correction weights,
// and each row's scale is nudged up (by less than one step) so that v_f is a whole number of steps.
// Returns the W2 row scales to quantize with.
std::vector<float> balance_skip(const ForecastWeights& w, FoldedForecast& f, float skip_offset) {
  std::vector<float> scales = symmetric_scales(f.w2, f.outputs, true);
  for (int k = 0; k < data::kWeatherFeatures; ++k) {
    const int unit = w.hidden + k;
    const float s = w.norm.std[k] + data::kNormEpsilon;
    float v = INFINITY;
    for (int r = k; r < f.outputs; r += data::kWeatherFeatures) {
      float m = 0.0f;
      for (int j = 0; j < w.hidden; ++j) m = std::max(m, std::fabs(f.w2[static_cast<size_t>(r * f.hidden + j)]));
      v = std::min(v, m);
    }
    if (!(v > 0.0f) || v >= s) continue;  // the plain skip weight is already no larger than the rest
    const float a = s / v;
    f.w1[static_cast<size_t>(unit * f.inputs + (w.in_steps - 1) * data::kWeatherFeatures + k)] = a;
    f.b1[static_cast<size_t>(unit)] = a * skip_offset;
    for (int r = k; r < f.outputs; r += data::kWeatherFeatures) {
      float m = 0.0f;
      for (int j = 0; j < w.hidden; ++j) m = std::max(m, std::fabs(f.w2[static_cast<size_t>(r * f.hidden + j)]));
      const float steps = std::max(1.0f, std::floor(v / (m / 127.0f)));
      scales[static_cast<size_t>(r)] = v / steps;
      f.w2[static_cast<size_t>(r * f.hidden + unit)] = v;
    }
  }
  return scales;
}

// The layer that reads the input, on raw values: W (x - m) / s' + b = (W / s') x + (b - (W / s') m),
// s' = std + eps. First the columns are divided...
void divide_by_std(const ForecastNorm& norm, std::vector<float>& w, int inputs) {
  for (size_t i = 0; i < w.size(); ++i) w[i] /= norm.std[(i % static_cast<size_t>(inputs)) % data::kWeatherFeatures] + data::kNormEpsilon;
}

// ...then, once the weights and their scales (empty for float) are final, the mean term comes off the
// bias, computed with the weights the runtime will use: the large constant part of raw inputs
// (m ~ 80 % RH) then costs no rounding error, only the deviations x - m see int8 steps.
void subtract_mean_term(const ForecastNorm& norm, const std::vector<float>& w, const std::vector<float>& scales,
                        std::vector<float>& b, int inputs) {
  const std::vector<float> used = scales.empty() ? w : dequantize(quantize_with_scales(w, scales));
  for (size_t i = 0; i < used.size(); ++i)
    b[i / static_cast<size_t>(inputs)] -= used[i] * norm.mean[(i % static_cast<size_t>(inputs)) % data::kWeatherFeatures];
}

// One scale per tensor, raw inputs: skip unit k computes g_k x + c_k and its W2 weights v_k carry
// it to the output; the skip is exact when g_k and v_k are on their grids and g_k v_k == 1. With
// the natural scales S1, S2 of the correction weights alone, g = q1 S1, v = q2 S2: S1 stays and S2
// becomes 1 / (q1 q2 S1), where q1, q2 <= 127 maximise q1 q2 <= 1 / (S1 S2), so S2 grows least
// (below 1 % whenever 1 / (S1 S2) >= 127). Relu is positively homogeneous, so the unit's row, bias
// and column rescale freely. Returns {S1, S2}.
std::pair<float, float> balance_skip_per_tensor(const ForecastWeights& w, FoldedForecast& f) {
  float max1 = 0.0f, max2 = 0.0f;
  for (int j = 0; j < w.hidden; ++j) {
    for (int k = 0; k < f.inputs; ++k) max1 = std::max(max1, std::fabs(f.w1[static_cast<size_t>(j * f.inputs + k)]));
    for (int r = 0; r < f.outputs; ++r) max2 = std::max(max2, std::fabs(f.w2[static_cast<size_t>(r * f.hidden + j)]));
  }
  float s1 = max1 > 0.0f ? max1 / 127.0f : 1.0f, s2 = max2 > 0.0f ? max2 / 127.0f : 1.0f;
  const double room = 1.0 / (static_cast<double>(s1) * s2);
  int q1 = 1, q2 = 1;
  for (int a = 1; a <= 127; ++a) {
    const int b = static_cast<int>(std::min(127.0, std::floor(room / a)));
    if (b >= 1 && a * b > q1 * q2) q1 = a, q2 = b;
  }
  if (room < 1.0) s1 = 1.0f / s2;  // not even 1 x 1 fits: S1 grows instead
  else s2 = static_cast<float>(1.0 / (static_cast<double>(q1) * q2 * s1));
  const float g = static_cast<float>(q1) * s1;
  for (int k = 0; k < data::kWeatherFeatures; ++k) {
    const int unit = w.hidden + k;
    const size_t at = static_cast<size_t>(unit * f.inputs + (w.in_steps - 1) * data::kWeatherFeatures + k);
    const float lambda = g / f.w1[at];
    f.w1[at] = g;
    f.b1[static_cast<size_t>(unit)] *= lambda;
    for (int r = k; r < f.outputs; r += data::kWeatherFeatures)
      f.w2[static_cast<size_t>(r * f.hidden + unit)] = static_cast<float>(q2) * s2;
  }
  return {s1, s2};
}

// One scale S for both weight tensors. Relu is positively homogeneous, so hidden unit j may scale its
// W1 row and bias by a_j and its W2 column by 1 / a_j; a_j = sqrt(max|col| / max|row|) gives both
// the same largest magnitude m_j (the equalisation of data-free quantization, Nagel et al. 2019),
// and S = max_j m_j / 127. The skip units stay exact as in balance_skip_per_tensor: g = q1 S,
// v = q2 S with g v = 1, so S = 1 / sqrt(q1 q2) for the largest q1 q2 <= 1 / S0^2 (S grows by less
// than 1 % when 1 / S0^2 >= 127). Returns S, or 0 when m_j > 127 leaves no room for an exact skip
// (then only the function-preserving equalisation has been applied).
float share_scale(const ForecastWeights& w, FoldedForecast& f) {
  float m = 0.0f;
  for (int j = 0; j < w.hidden; ++j) {
    float row = 0.0f, col = 0.0f;
    for (int k = 0; k < f.inputs; ++k) row = std::max(row, std::fabs(f.w1[static_cast<size_t>(j * f.inputs + k)]));
    for (int r = 0; r < f.outputs; ++r) col = std::max(col, std::fabs(f.w2[static_cast<size_t>(r * f.hidden + j)]));
    if (!(row > 0.0f) || !(col > 0.0f)) continue;  // a dead unit: nothing to balance
    const float a = std::sqrt(col / row);
    for (int k = 0; k < f.inputs; ++k) f.w1[static_cast<size_t>(j * f.inputs + k)] *= a;
    f.b1[static_cast<size_t>(j)] *= a;
    for (int r = 0; r < f.outputs; ++r) f.w2[static_cast<size_t>(r * f.hidden + j)] /= a;
    m = std::max(m, std::sqrt(row * col));
  }
  const double room = m > 0.0f ? std::pow(127.0 / m, 2.0) : 127.0 * 127.0;  // 1 / S0^2
  if (room < 1.0) return 0.0f;
  int q1 = 1, q2 = 1;
  for (int a = 1; a <= 127; ++a) {
    const int b = static_cast<int>(std::min(127.0, std::floor(room / a)));
    if (b >= 1 && a * b > q1 * q2) q1 = a, q2 = b;
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(q1) * q2);
  const auto g = static_cast<float>(q1 * scale), v = static_cast<float>(q2 * scale);
  for (int k = 0; k < data::kWeatherFeatures; ++k) {
    const int unit = w.hidden + k;
    const size_t at = static_cast<size_t>(unit * f.inputs + (w.in_steps - 1) * data::kWeatherFeatures + k);
    f.b1[static_cast<size_t>(unit)] *= g / f.w1[at];
    f.w1[at] = g;
    for (int r = k; r < f.outputs; r += data::kWeatherFeatures) f.w2[static_cast<size_t>(r * f.hidden + unit)] = v;
  }
  return static_cast<float>(scale);
}

// Moves the output bias (one value per feature, B_T and B_RH) onto a new last hidden unit relu(0 x + K)
// = K with W2 column c_r, so that c_r K = B of row r's feature. Float: K = 1, c_r = B. int8 (one
// scale S for W2): c_r = q S on the grid. T rows: q_T = +-127 and K = B_T / (q_T S), exact up to
// float rounding (B_T holds the large -c of the T skip unit, about -100 degC, so q_T must be large).
// RH rows: the RH skip unit's own offset absorbs what the grid cannot: with A = v b1_RH + B_RH (its
// current constant), q_RH = floor(A / (S K)) and b1_RH = (A - q_RH S K) / v, which lies in
// [0, S K / v): the unit relu(g RH + b1_RH) still never clips, since RH >= 0.
void bias_unit(const ForecastWeights& w, FoldedForecast& f, const ForecastExportOptions& o) {
  const bool quantized = o.weights != WeightFormat::Float32;
  if (w.hidden == 0 || !w.skip || o.weights == WeightFormat::Int8Hybrid || (quantized && f.w2_scales.size() != 1))
    throw Error("forecast export: the output bias unit needs an MLP with the skip and float or per-tensor int8 weights");
  for (int r = data::kWeatherFeatures; r < f.outputs; ++r)
    if (f.b2[static_cast<size_t>(r)] != f.b2[static_cast<size_t>(r % data::kWeatherFeatures)])
      throw Error("forecast export: the output bias unit needs one bias per feature (train with step_bias off)");
  const int old = f.hidden, unit = old;
  ++f.hidden;
  f.w1.resize(f.w1.size() + static_cast<size_t>(f.inputs), 0.0f);
  std::vector<float> w2(static_cast<size_t>(f.outputs) * f.hidden, 0.0f);
  for (int r = 0; r < f.outputs; ++r)
    for (int j = 0; j < old; ++j) w2[static_cast<size_t>(r * f.hidden + j)] = f.w2[static_cast<size_t>(r * old + j)];
  f.w2 = std::move(w2);
  const float b_t = f.b2[0], b_rh = f.b2[1];
  auto set_column = [&](int feature, float value) {
    for (int r = feature; r < f.outputs; r += data::kWeatherFeatures) f.w2[static_cast<size_t>(r * f.hidden + unit)] = value;
  };
  if (!quantized) {
    f.b1.push_back(1.0f);
    set_column(0, b_t);
    set_column(1, b_rh);
  } else {
    const float scale = f.w2_scales[0];
    const float q_t = b_t < 0.0f ? -127.0f : 127.0f;
    const float k = b_t != 0.0f ? b_t / (q_t * scale) : 1.0f;
    f.b1.push_back(k);
    set_column(0, b_t != 0.0f ? q_t * scale : 0.0f);
    // The RH skip unit and its W2 weight as the runtime will see them (dequantized).
    const int rh_unit = w.hidden + 1;
    const float v = std::nearbyint(f.w2[static_cast<size_t>(1 * f.hidden + rh_unit)] / scale) * scale;
    float& b1_rh = f.b1[static_cast<size_t>(rh_unit)];
    const double a = static_cast<double>(v) * b1_rh + b_rh, step = static_cast<double>(scale) * k;
    const double q_rh = std::clamp(std::floor(a / step), -127.0, 127.0);
    set_column(1, static_cast<float>(q_rh) * scale);
    b1_rh = static_cast<float>((a - q_rh * step) / v);
    if (b1_rh < 0.0f) throw Error("forecast export: the RH output bias is too large for the output bias unit");
  }
  f.b2.clear();
}

int add_int8_activation(ModelDef& m, std::vector<int32_t> shape, Int8Grid g) {
  m.tensors.push_back({.name = "", .type = DType::Int8, .shape = std::move(shape),
                       .quant = {.scale = {g.scale}, .zero_point = {g.zero_point}, .axis = 0}, .buffer = 0});
  return static_cast<int>(m.tensors.size() - 1);
}

// An int8 FULLY_CONNECTED: int8 weights (one symmetric scale), int32 bias on the input scale times the
// weight scale, as TFLite's integer kernels require.
int add_int8_fc(ModelDef& m, int input, float input_scale, const std::vector<float>& w, float w_scale,
                const std::vector<float>& b, int rows, int cols, int output, bool relu) {
  QuantizedMatrix q = quantize_with_scales(w, {w_scale});
  const int wt = add_constant(m, DType::Int8, {rows, cols}, q.values, {.scale = {w_scale}, .zero_point = {0}, .axis = 0});
  const double bias_scale = static_cast<double>(input_scale) * w_scale;
  std::vector<int32_t> bq;
  for (float v : b) bq.push_back(static_cast<int32_t>(std::clamp(std::nearbyint(v / bias_scale), -2147483647.0, 2147483647.0)));
  const int bt = add_constant(m, DType::Int32, {rows}, bq,
                              {.scale = {static_cast<float>(bias_scale)}, .zero_point = {0}, .axis = 0});
  tflite::OpOptions options;
  if (relu) options.activation = tflite::Activation::Relu;
  add_op(m, BuiltinOp::FullyConnected, kFcInt8Version, {input, wt, bt}, output, options);
  return output;
}

// The graphs of Activations::Int8 and Int8Hidden (see forecast_export.hpp); returns the float [1, 12].
int add_int8_layers(ModelDef& m, const ForecastWeights& w, const FoldedForecast& f, const ForecastExportOptions& o,
                    int input) {
  const ActivationRanges& r = w.ranges;
  const Int8Grid hidden = int8_grid(0.0f, r.hidden_hi), out = int8_grid(r.out_lo, r.out_hi);
  int h8 = -1;
  if (o.activations == Activations::Int8) {
    const Int8Grid in = int8_grid(r.in_lo, r.in_hi);
    const int x8 = add_int8_activation(m, {1, w.in_steps, data::kWeatherFeatures}, in);
    add_op(m, BuiltinOp::Quantize, kQuantizeVersion, {input}, x8);
    h8 = add_int8_fc(m, x8, in.scale, f.w1, f.w1_scales.at(0), f.b1, f.hidden, f.inputs,
                     add_int8_activation(m, {1, f.hidden}, hidden), true);
  } else {
    const int w1 = add_weights(m, f.w1, f.w1_scales, f.hidden, f.inputs, o);
    const int b1 = add_constant(m, DType::Float32, {f.hidden}, f.b1);
    const int h = add_activation(m, {1, f.hidden});
    tflite::OpOptions relu;
    relu.activation = tflite::Activation::Relu;
    add_op(m, BuiltinOp::FullyConnected, kFcFloatVersion, {input, w1, b1}, h, relu);
    h8 = add_int8_activation(m, {1, f.hidden}, hidden);
    add_op(m, BuiltinOp::Quantize, kQuantizeVersion, {h}, h8);
  }
  const int y8 = add_int8_fc(m, h8, hidden.scale, f.w2, f.w2_scales.at(0), f.b2, f.outputs, f.hidden,
                             add_int8_activation(m, {1, f.outputs}, out), false);
  const int y = add_activation(m, {1, f.outputs});
  add_op(m, BuiltinOp::Dequantize, kDequantizeVersion, {y8}, y);
  return y;
}

// The graph with float activations (int8 weights through DEQUANTIZE, or hybrid, or float); returns the
// float [1, 12].
int add_float_layers(ModelDef& m, const ForecastWeights& w, const FoldedForecast& f, const ForecastExportOptions& o,
                     int input) {
  const bool hybrid = o.weights == WeightFormat::Int8Hybrid;
  const int fc_version = !hybrid ? kFcFloatVersion : o.per_channel ? kFcHybridPerChannelVersion : kFcHybridVersion;

  // FULLY_CONNECTED reads the [1, 6, 2] input as one row of 12: no RESHAPE in front.
  int layer_input = input;
  if (f.hidden > 0) {
    const int w1 = add_weights(m, f.w1, f.w1_scales, f.hidden, f.inputs, o);
    const int b1 = add_constant(m, DType::Float32, {f.hidden}, f.b1);
    layer_input = add_activation(m, {1, f.hidden});
    tflite::OpOptions relu;
    relu.activation = tflite::Activation::Relu;
    add_op(m, BuiltinOp::FullyConnected, fc_version, {input, w1, b1}, layer_input, relu);
  }

  const int cols = f.hidden > 0 ? f.hidden : f.inputs;
  const int w2 = add_weights(m, f.w2, f.w2_scales, f.outputs, cols, o);
  std::vector<int> fc2_inputs{layer_input, w2};
  if (!f.b2.empty()) fc2_inputs.push_back(add_constant(m, DType::Float32, {f.outputs}, f.b2));
  const int flat = add_activation(m, {1, f.outputs});
  add_op(m, BuiltinOp::FullyConnected, fc_version, std::move(fc2_inputs), flat);
  return flat;
}

// ForecastExportOptions::conv2d: the folded, unfolded layers put back into a convolution. Every
// position's rows hold the same kernel (normalisation and mean term fold the same way per column
// feature), so position 0 gives the learned filters; skip unit k becomes a filter whose window at the
// last position is its row. The output layer reads [1, 1, P, F + 2] flattened, p * (F + 2) + filter.
int add_conv_layers(ModelDef& m, const ForecastWeights& w, const FoldedForecast& f, const ForecastExportOptions& o,
                    int input) {
  const int filters = w.conv_filters, kernel = w.conv_kernel, positions = w.in_steps - kernel + 1;
  const int channels = filters + data::kWeatherFeatures, features = data::kWeatherFeatures;
  std::vector<float> k(static_cast<size_t>(channels) * kernel * features), b(static_cast<size_t>(channels));
  for (int c = 0; c < channels; ++c) {
    const int row = c < filters ? c : w.hidden + (c - filters);
    const int first_step = c < filters ? 0 : positions - 1;
    for (int t = 0; t < kernel; ++t)
      for (int i = 0; i < features; ++i)
        k[static_cast<size_t>((c * kernel + t) * features + i)] =
            f.w1[static_cast<size_t>(row * f.inputs + (first_step + t) * features + i)];
    b[static_cast<size_t>(c)] = f.b1[static_cast<size_t>(row)];
  }
  const int cols = positions * channels;
  std::vector<float> w2(static_cast<size_t>(f.outputs) * cols, 0.0f);
  for (int r = 0; r < f.outputs; ++r) {
    for (int p = 0; p < positions; ++p)
      for (int c = 0; c < filters; ++c)
        w2[static_cast<size_t>(r * cols + p * channels + c)] = f.w2[static_cast<size_t>(r * f.hidden + p * filters + c)];
    for (int s = 0; s < features; ++s)
      w2[static_cast<size_t>(r * cols + (positions - 1) * channels + filters + s)] =
          f.w2[static_cast<size_t>(r * f.hidden + w.hidden + s)];
  }
  const int x4 = add_activation(m, {1, 1, w.in_steps, features});
  tflite::OpOptions shape;
  shape.new_shape = {1, 1, w.in_steps, features};
  add_op(m, BuiltinOp::Reshape, kReshapeVersion, {input}, x4, shape);
  // Per-tensor scales (the float rows only moved), so the grids are the unfolded layers'.
  const int kt = add_weights(m, k, f.w1_scales, channels, kernel * features, o);
  m.tensors[static_cast<size_t>(kt)].shape = {channels, 1, kernel, features};
  if (o.weights != WeightFormat::Float32)  // the constant behind the DEQUANTIZE has the same shape
    m.tensors[static_cast<size_t>(m.operators.back().inputs[0])].shape = {channels, 1, kernel, features};
  const int bt = add_constant(m, DType::Float32, {channels}, b);
  const int h = add_activation(m, {1, 1, positions, channels});
  tflite::OpOptions conv;
  conv.padding = tflite::Padding::Valid;
  conv.activation = tflite::Activation::Relu;
  add_op(m, BuiltinOp::Conv2D, kConvFloatVersion, {x4, kt, bt}, h, conv);
  const int wt = add_weights(m, w2, f.w2_scales, f.outputs, cols, o);
  const int bias = add_constant(m, DType::Float32, {f.outputs}, f.b2);
  const int flat = add_activation(m, {1, f.outputs});
  add_op(m, BuiltinOp::FullyConnected, kFcFloatVersion, {h, wt, bias}, flat);
  return flat;
}

}  // namespace

FoldedForecast fold_forecast(const ForecastWeights& w, const ForecastExportOptions& o) {
  check_weights(w);
  const float skip_offset = o.skip_offset;
  const bool linear = w.hidden == 0;
  FoldedForecast f;
  f.inputs = w.inputs();
  f.outputs = w.outputs();
  // The MLP's skip rides on two hidden units; the linear model adds it to its own weights.
  const int extra = w.skip && !linear ? data::kWeatherFeatures : 0;
  f.hidden = linear ? 0 : w.hidden + extra;
  const int cols = linear ? f.inputs : f.hidden;  // of the output layer
  f.w1 = w.w1;
  f.b1 = w.b1;
  // Skip units: relu(x[last step][feature] + c) == x + c for every input above -c.
  for (int k = 0; k < extra; ++k) {
    std::vector<float> row(static_cast<size_t>(f.inputs), 0.0f);
    row[static_cast<size_t>((w.in_steps - 1) * data::kWeatherFeatures + k)] = 1.0f;
    f.w1.insert(f.w1.end(), row.begin(), row.end());
    f.b1.push_back(skip_offset);
  }
  // Output r = step * 2 + feature: y = s_f * (W2 h + b2 + skip) + mean_f, s_f = std_f + eps.
  f.w2.assign(static_cast<size_t>(f.outputs) * cols, 0.0f);
  f.b2.resize(static_cast<size_t>(f.outputs));
  for (int r = 0; r < f.outputs; ++r) {
    const int feature = r % data::kWeatherFeatures;
    const float s = w.norm.std[feature] + data::kNormEpsilon;
    float* row = &f.w2[static_cast<size_t>(r) * cols];
    for (int j = 0; j < w.layer_inputs(); ++j) row[j] = s * w.w2[static_cast<size_t>(r) * w.layer_inputs() + j];
    f.b2[static_cast<size_t>(r)] = s * w.b2[static_cast<size_t>(r)] + w.norm.mean[feature];
    if (w.skip && linear) {
      row[(w.in_steps - 1) * data::kWeatherFeatures + feature] += s;
    } else if (w.skip) {
      row[w.hidden + feature] = s;
      f.b2[static_cast<size_t>(r)] -= s * skip_offset;
    }
  }
  const bool quantized = o.weights != WeightFormat::Float32;
  if (linear) {
    divide_by_std(w.norm, f.w2, f.inputs);
    if (quantized) f.w2_scales = symmetric_scales(f.w2, f.outputs, o.per_channel);
    subtract_mean_term(w.norm, f.w2, f.w2_scales, f.b2, f.inputs);
    return f;
  }
  // Hybrid FCs quantize their input on the fly, so no weight grid makes the skip exact there.
  // Int8 activations round the skip units on the hidden grid anyway; they keep gain 1.
  const bool balance = quantized && w.skip && o.weights == WeightFormat::Int8Dequantize && o.activations == Activations::Float;
  if (balance && o.per_channel) {
    f.w2_scales = balance_skip(w, f, skip_offset);
  } else if (quantized) {
    f.w2_scales = symmetric_scales(f.w2, f.outputs, o.per_channel);
  }
  divide_by_std(w.norm, f.w1, f.inputs);
  if (quantized) f.w1_scales = symmetric_scales(f.w1, f.hidden, o.per_channel);
  const float shared = balance && !o.per_channel && o.shared_scale ? share_scale(w, f) : 0.0f;
  if (shared > 0.0f) {
    f.w1_scales = {shared};
    f.w2_scales = {shared};
  } else if (balance && !o.per_channel) {
    const auto [s1, s2] = balance_skip_per_tensor(w, f);
    f.w1_scales = {s1};
    f.w2_scales = {s2};
  }
  subtract_mean_term(w.norm, f.w1, f.w1_scales, f.b1, f.inputs);
  if (o.bias_unit) bias_unit(w, f, o);
  return f;
}

std::vector<float> symmetric_scales(const std::vector<float>& m, int rows, bool per_channel) {
  const size_t groups = per_channel ? static_cast<size_t>(rows) : 1;
  const size_t group_size = m.size() / groups;
  std::vector<float> scales;
  for (size_t g = 0; g < groups; ++g) {
    float max_abs = 0.0f;
    for (size_t i = 0; i < group_size; ++i) max_abs = std::max(max_abs, std::fabs(m[g * group_size + i]));
    scales.push_back(max_abs > 0.0f ? max_abs / 127.0f : 1.0f);
  }
  return scales;
}

QuantizedMatrix quantize_with_scales(const std::vector<float>& m, std::vector<float> scales) {
  QuantizedMatrix q;
  q.values.resize(m.size());
  const size_t group_size = m.size() / scales.size();
  for (size_t i = 0; i < m.size(); ++i) {
    const float v = std::nearbyint(m[i] / scales[i / group_size]);
    q.values[i] = static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
  }
  q.scales = std::move(scales);
  return q;
}

QuantizedMatrix quantize_symmetric(const std::vector<float>& m, int rows, bool per_channel) {
  return quantize_with_scales(m, symmetric_scales(m, rows, per_channel));
}

std::vector<float> dequantize(const QuantizedMatrix& q) {
  std::vector<float> out(q.values.size());
  const size_t group_size = q.values.size() / q.scales.size();
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(q.values[i]) * q.scales[i / group_size];
  return out;
}

tflite::ModelDef export_tflite(const ForecastWeights& w, const ForecastExportOptions& o) {
  const bool int8_activations = o.activations != Activations::Float;
  if (int8_activations && (w.hidden == 0 || !w.skip || o.weights != WeightFormat::Int8Dequantize || o.per_channel ||
                           o.shared_scale || o.bias_unit || !(w.ranges.hidden_hi > 0.0f)))
    throw Error("forecast export: int8 activations need an MLP or CNN with the skip, int8 weights per tensor, an "
                "output bias tensor and activation ranges from quantization-aware training");
  const bool int8_weights = o.weights != WeightFormat::Float32;  // scales matter only then
  if (o.conv2d && (w.conv_filters == 0 || !w.skip || int8_activations || (int8_weights && o.per_channel) ||
                   (int8_weights && o.shared_scale) || o.bias_unit || o.weights == WeightFormat::Int8Hybrid))
    throw Error("forecast export: CONV_2D needs the CNN with the skip, float or per-tensor int8 weights, an output "
                "bias tensor and float activations");
  const FoldedForecast f = fold_forecast(w, o);
  ModelDef m;
  const int input = add_activation(m, {1, w.in_steps, data::kWeatherFeatures});
  m.inputs = {input};
  const int flat = int8_activations ? add_int8_layers(m, w, f, o, input)
                   : o.conv2d       ? add_conv_layers(m, w, f, o, input)
                                    : add_float_layers(m, w, f, o, input);
  int output = flat;
  if (o.reshape_output) {
    output = add_activation(m, {1, w.out_steps, data::kWeatherFeatures});
    tflite::OpOptions shape;
    shape.new_shape = {1, w.out_steps, data::kWeatherFeatures};
    add_op(m, BuiltinOp::Reshape, kReshapeVersion, {flat}, output, shape);
  }
  m.outputs = {output};

  // No mean / std: a tinyfit forecaster without them takes raw inputs (see tflite/metadata.hpp).
  tflite::ModelMetadata meta;
  meta.task = "forecast";
  tflite::set_metadata(m, meta);
  return m;
}

}  // namespace tinyfit::models
