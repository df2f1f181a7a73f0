#include <gtest/gtest.h>

#include <cmath>

#include <torch/nn/module.h>

#include "core/error.hpp"
#include "models/forecast_export.hpp"
#include "models/forecast_net.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/builtin_op.hpp"
#include "tflite/metadata.hpp"
#include "tflite/reader.hpp"
#include "tflite/writer.hpp"

namespace tinyfit::models {
namespace {

ForecastNet make_net(int hidden, bool skip, bool step_bias = true) {
  torch::manual_seed(7);
  ForecastNet net(
      ForecastNetOptions().hidden(hidden).skip(skip).step_bias(step_bias).norm({{14.75f, 79.75f}, {6.5f, 17.5f}}));
  // Make the correction layer as large as the first (the constructor starts it small): the export
  // test should see every term.
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.uniform_(-0.6, 0.6);
  return net;
}

// The raw °C / % values of normalised inputs [B, 6, 2]: what the exported file takes.
torch::Tensor to_raw(const ForecastNorm& n, const torch::Tensor& x) {
  return (x * torch::tensor({n.std[0] + 1e-6f, n.std[1] + 1e-6f}) + torch::tensor({n.mean[0], n.mean[1]})).contiguous();
}

// Runs the model through write -> read -> tinyfit's interpreter, on the raw values of x.
std::vector<float> run_exported(const ForecastWeights& w, const ForecastExportOptions& o, const torch::Tensor& x) {
  const tflite::ModelDef model = tflite::read_model(tflite::write_model(export_tflite(w, o)), "forecast");
  const torch::Tensor c = to_raw(w.norm, x);
  return tflite::run_batch(model, std::span<const float>(c.data_ptr<float>(), c.numel()), c.size(0), {}, 1);
}

double max_abs_diff(const std::vector<float>& a, const torch::Tensor& b) {
  const torch::Tensor c = b.contiguous();
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(double(a[i]) - c.data_ptr<float>()[i]));
  return m;
}

TEST(ForecastNet, ForwardShapes) {
  ForecastNet net = make_net(8, true);
  EXPECT_EQ(net->forward(torch::randn({5, 6, 2})).sizes(), (std::vector<int64_t>{5, 6, 2}));
  const ForecastWeights w = net->weights();
  EXPECT_EQ(w.w1.size(), 8u * 12);
  EXPECT_EQ(w.w2.size(), 12u * 8);
  EXPECT_EQ(w.describe(), "MLP 12-8-12 + last-step skip");
}

TEST(ForecastNet, ZeroCorrectionIsPersistence) {
  ForecastNet net = make_net(4, true);
  {
    torch::NoGradGuard no_grad;
    net->named_parameters()["fc2.weight"].zero_();
    net->named_parameters()["fc2.bias"].zero_();
  }
  const torch::Tensor x = torch::randn({3, 6, 2});
  const torch::Tensor y = net->forward(x);
  for (int b = 0; b < 3; ++b)
    for (int s = 0; s < 6; ++s) {
      EXPECT_NEAR(y[b][s][0].item<float>(), x[b][5][0].item<float>() * (6.5f + 1e-6f) + 14.75f, 1e-4);
      EXPECT_NEAR(y[b][s][1].item<float>(), x[b][5][1].item<float>() * (17.5f + 1e-6f) + 79.75f, 1e-4);
    }
}

TEST(ForecastExport, FloatGraphEqualsLibTorch) {
  for (bool skip : {true, false}) {
    ForecastNet net = make_net(6, skip);
    const torch::Tensor x = torch::randn({64, 6, 2}) * 2;
    const auto out = run_exported(net->weights(), {.weights = WeightFormat::Float32}, x);
    EXPECT_LT(max_abs_diff(out, net->forward(x).detach()), 2e-4) << "skip " << skip;
  }
}

// The folded layers with the weights as the runtime sees them after DEQUANTIZE, in plain C++.
std::vector<float> folded_forward(const ForecastWeights& w, const ForecastExportOptions& o, const torch::Tensor& x) {
  const FoldedForecast f = fold_forecast(w, o);
  const auto w1 = dequantize(quantize_with_scales(f.w1, f.w1_scales));
  const auto w2 = dequantize(quantize_with_scales(f.w2, f.w2_scales));
  const torch::Tensor c = to_raw(w.norm, x);
  std::vector<float> out;
  for (int64_t b = 0; b < c.size(0); ++b) {
    const float* in = c.data_ptr<float>() + b * f.inputs;
    std::vector<double> h(static_cast<size_t>(f.hidden));
    for (int j = 0; j < f.hidden; ++j) {
      double acc = f.b1[j];
      for (int k = 0; k < f.inputs; ++k) acc += double(w1[j * f.inputs + k]) * in[k];
      h[j] = std::max(acc, 0.0);
    }
    for (int r = 0; r < f.outputs; ++r) {
      double acc = f.b2.empty() ? 0.0 : f.b2[r];
      for (int j = 0; j < f.hidden; ++j) acc += double(w2[r * f.hidden + j]) * h[j];
      out.push_back(static_cast<float>(acc));
    }
  }
  return out;
}

TEST(ForecastExport, Int8GraphEqualsLibTorchWithinQuantization) {
  ForecastNet net = make_net(8, true);
  const torch::Tensor x = torch::randn({256, 6, 2}) * 2;
  const torch::Tensor ref = net->forward(x).detach();
  for (bool per_channel : {true, false}) {
    const ForecastExportOptions o{.weights = WeightFormat::Int8Dequantize, .per_channel = per_channel};
    const auto out = run_exported(net->weights(), o, x);
    // Exactly the dequantized weights' arithmetic (up to float rounding on values of ~100)...
    const auto expected = folded_forward(net->weights(), o, x);
    for (size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], expected[i], 2e-3) << i;
    // ...and close to LibTorch: these weights (uniform ±0.6 in both layers, inputs of ±2 std) are far
    // rougher than trained ones, so the bound is loose (half a step of ~0.6/127 on each of ~20 terms,
    // in units of up to 17.5 % RH).
    EXPECT_LT(max_abs_diff(out, ref), per_channel ? 1.5 : 3.0) << "per_channel " << per_channel;
    double mean = 0;
    const torch::Tensor c = ref.contiguous();
    for (size_t i = 0; i < out.size(); ++i) mean += std::fabs(out[i] - c.data_ptr<float>()[i]);
    EXPECT_LT(mean / out.size(), per_channel ? 0.3 : 0.6) << "per_channel " << per_channel;
  }
}

TEST(ForecastExport, GraphLayoutAndMetadata) {
  ForecastNet net = make_net(4, true);
  const tflite::ModelDef m = tflite::read_model(tflite::write_model(export_tflite(net->weights())), "forecast");
  ASSERT_EQ(m.operators.size(), 5u);  // DEQUANTIZE, FC, DEQUANTIZE, FC, RESHAPE
  EXPECT_EQ(m.operators[1].options.activation, tflite::Activation::Relu);
  EXPECT_EQ(m.tensors[m.inputs[0]].shape, (std::vector<int32_t>{1, 6, 2}));
  EXPECT_EQ(m.tensors[m.outputs[0]].shape, (std::vector<int32_t>{1, 6, 2}));
  for (const auto& t : m.tensors) EXPECT_TRUE(t.name.empty());
  const auto meta = tflite::find_metadata(m, "forecast");
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->task, "forecast");
  EXPECT_FALSE(meta->mean.has_value());  // folded: the file takes raw °C / %
  EXPECT_FALSE(meta->std.has_value());
}

TEST(ForecastExport, SkipUnitsCarryTheLastStepExactly) {
  ForecastWeights w;
  w.hidden = 1;
  w.w1.assign(12, 0.0f);
  w.b1 = {0.0f};
  w.w2.assign(12, 0.0f);
  w.b2.assign(12, 0.0f);
  w.norm = {{10.0f, 50.0f}, {5.0f, 20.0f}};
  const torch::Tensor x = torch::randn({16, 6, 2}) * 3;
  const auto out = run_exported(w, {}, x);
  for (int b = 0; b < 16; ++b)
    for (int s = 0; s < 6; ++s) {
      EXPECT_NEAR(out[(b * 6 + s) * 2], x[b][5][0].item<float>() * 5.0f + 10.0f, 1e-3);
      EXPECT_NEAR(out[(b * 6 + s) * 2 + 1], x[b][5][1].item<float>() * 20.0f + 50.0f, 1e-3);
    }
}

// On raw inputs the skip is y = x_last: for both skip units (after the `hidden` correction units),
// gain times W2 weight is exactly 1 once both weight tensors went through int8.
void expect_skip_exact_in_int8(const FoldedForecast& f, int hidden) {
  const auto w1 = dequantize(quantize_with_scales(f.w1, f.w1_scales));
  const auto w2 = dequantize(quantize_with_scales(f.w2, f.w2_scales));
  for (int k = 0; k < 2; ++k) {
    const int unit = hidden + k;
    const float g = w1[static_cast<size_t>(unit * 12 + 10 + k)];
    for (int r = k; r < 12; r += 2) EXPECT_NEAR(g * w2[static_cast<size_t>(r * f.hidden + unit)], 1.0f, 1e-6) << r;
  }
}

TEST(ForecastExport, Int8SkipIsExactAfterBalancing) {
  ForecastNet net = make_net(10, true);
  const ForecastWeights w = net->weights();
  const FoldedForecast f = fold_forecast(w, {});
  expect_skip_exact_in_int8(f, w.hidden);
  // The skip weight no longer sets its rows' scale: the correction weights keep ~127 steps.
  for (int k = 0; k < 2; ++k)
    for (int r = k; r < 12; r += 2) EXPECT_LT(f.w2_scales[r], 1.01f * w.norm.std[k] * 0.6f / 127);
}

TEST(ForecastExport, Int8PerTensorSkipIsExactAfterBalancing) {
  ForecastNet net = make_net(10, true);
  const ForecastWeights w = net->weights();
  const ForecastExportOptions o{.weights = WeightFormat::Int8Dequantize, .per_channel = false};
  const FoldedForecast f = fold_forecast(w, o);
  ASSERT_EQ(f.w1_scales.size(), 1u);
  ASSERT_EQ(f.w2_scales.size(), 1u);
  expect_skip_exact_in_int8(f, w.hidden);
  // The correction weights keep their natural grids: W1's exactly, W2's within 1 % unless even
  // 127 x 127 steps cannot reach g v = 1 (then W2's grows by the shortfall, as little as possible).
  float max1 = 0, max2 = 0;
  for (int j = 0; j < w.hidden; ++j) {
    for (int k = 0; k < 12; ++k) max1 = std::max(max1, std::fabs(f.w1[static_cast<size_t>(j * 12 + k)]));
    for (int r = 0; r < 12; ++r) max2 = std::max(max2, std::fabs(f.w2[static_cast<size_t>(r * f.hidden + j)]));
  }
  EXPECT_LE(f.w1_scales[0], max1 / 127 * 1.0001f);
  EXPECT_EQ(f.w1_scales[0], max1 / 127);
  const double shortfall = 127.0 * 127.0 * (max1 / 127) * (max2 / 127);
  EXPECT_LE(f.w2_scales[0], max2 / 127 * std::max(1.01, 1.0001 / shortfall));
  // And the exported file is the dequantized arithmetic.
  const torch::Tensor x = torch::randn({64, 6, 2});
  const auto out = run_exported(w, o, x);
  const auto expected = folded_forward(w, o, x);
  for (size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], expected[i], 2e-3) << i;
}

TEST(ForecastExport, SharedScaleIsOneTableAndKeepsTheSkipExact) {
  ForecastNet net = make_net(6, true);
  const ForecastWeights w = net->weights();
  const ForecastExportOptions o{.weights = WeightFormat::Int8Dequantize, .per_channel = false, .shared_scale = true};
  const FoldedForecast f = fold_forecast(w, o);
  ASSERT_EQ(f.w1_scales.size(), 1u);
  EXPECT_EQ(f.w1_scales, f.w2_scales);
  expect_skip_exact_in_int8(f, w.hidden);
  // Equalised units: each correction unit's row and column reach the same largest magnitude.
  for (int j = 0; j < w.hidden; ++j) {
    float row = 0, col = 0;
    for (int k = 0; k < 12; ++k) row = std::max(row, std::fabs(f.w1[static_cast<size_t>(j * 12 + k)]));
    for (int r = 0; r < 12; ++r) col = std::max(col, std::fabs(f.w2[static_cast<size_t>(r * f.hidden + j)]));
    EXPECT_NEAR(row, col, 1e-4f * col) << "unit " << j;
  }
  const tflite::ModelDef m = tflite::read_model(tflite::write_model(export_tflite(w, o), {.tight = true}), "shared");
  EXPECT_EQ(m.tensors[m.operators[0].inputs[0]].quant.scale, m.tensors[m.operators[2].inputs[0]].quant.scale);
  const torch::Tensor x = torch::randn({64, 6, 2});
  const auto out = run_exported(w, o, x);
  const auto expected = folded_forward(w, o, x);
  for (size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], expected[i], 2e-3) << i;
  EXPECT_LT(max_abs_diff(out, net->forward(x).detach()), 3.0);
}

// One bias per feature, carried by a constant hidden unit: the same outputs as the bias tensor, and
// FULLY_CONNECTED gets no bias input.
TEST(ForecastExport, BiasUnitReplacesTheBiasTensor) {
  ForecastNet net = make_net(4, true, /*step_bias=*/false);
  const ForecastWeights w = net->weights();
  // Physical inputs: the RH skip unit keeps no room below RH 0 % (normalised -79.75 / 17.5 = -4.56).
  torch::Tensor x = torch::randn({64, 6, 2}) * 2;
  x.select(2, 1).clamp_(-4.5, 1.1);
  const auto ref = net->forward(x).detach();
  EXPECT_LT(max_abs_diff(run_exported(w, {.weights = WeightFormat::Float32, .bias_unit = true}, x), ref), 2e-4);
  for (bool shared : {false, true}) {
    const ForecastExportOptions rows{.weights = WeightFormat::Int8Dequantize, .per_channel = false, .shared_scale = shared};
    ForecastExportOptions unit = rows;
    unit.bias_unit = true;
    const auto a = run_exported(w, rows, x), b = run_exported(w, unit, x);
    for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 2e-3) << "shared " << shared << " " << i;
    const FoldedForecast f = fold_forecast(w, unit);
    EXPECT_TRUE(f.b2.empty());
    EXPECT_EQ(f.hidden, w.hidden + 3);
    EXPECT_GE(f.b1[static_cast<size_t>(w.hidden + 1)], 0.0f);  // the RH skip unit still never clips for RH >= 0
    const tflite::ModelDef m = export_tflite(w, unit);
    EXPECT_EQ(m.operators[3].inputs.size(), 2u);
  }
  // Per-step biases cannot ride on one unit.
  EXPECT_THROW(export_tflite(make_net(4, true)->weights(),
                             {.weights = WeightFormat::Int8Dequantize, .per_channel = false, .bias_unit = true}),
               Error);
}

TEST(ForecastExport, LinearModelIsOneFullyConnected) {
  ForecastNet net = make_net(0, true);
  EXPECT_EQ(net->weights().describe(), "linear 12-12 + last-step skip");
  const torch::Tensor x = torch::randn({64, 6, 2}) * 2;
  const torch::Tensor ref = net->forward(x).detach();
  EXPECT_LT(max_abs_diff(run_exported(net->weights(), {.weights = WeightFormat::Float32}, x), ref), 2e-4);
  const ForecastExportOptions o{.weights = WeightFormat::Int8Dequantize};
  const tflite::ModelDef m = export_tflite(net->weights(), o);
  ASSERT_EQ(m.operators.size(), 3u);  // DEQUANTIZE, FC, RESHAPE
  EXPECT_EQ(m.operators[1].inputs[0], m.inputs[0]);
  // int8: the skip (weight ~1 on the last step) and the correction share each row's scale.
  const FoldedForecast f = fold_forecast(net->weights(), o);
  EXPECT_TRUE(f.w1.empty());
  EXPECT_EQ(f.w2.size(), 144u);
  EXPECT_LT(max_abs_diff(run_exported(net->weights(), o, x), ref), 1.5);
}

ForecastNet make_cnn(int filters, int kernel) {
  torch::manual_seed(7);
  ForecastNet net(ForecastNetOptions().filters(filters).kernel(kernel).norm({{14.75f, 79.75f}, {6.5f, 17.5f}}));
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.uniform_(-0.6, 0.6);
  return net;
}

TEST(ForecastNet, CnnUnfoldsIntoTheFirstLayer) {
  ForecastNet net = make_cnn(3, 3);
  EXPECT_EQ(net->forward(torch::randn({5, 6, 2})).sizes(), (std::vector<int64_t>{5, 6, 2}));
  const ForecastWeights w = net->weights();
  EXPECT_EQ(w.hidden, 4 * 3);  // 4 positions x 3 filters
  EXPECT_EQ(w.describe(), "CNN-1D 3 filters x 3 steps (unfolded 12-12)-12 + last-step skip");
  // Unit p * 3 + f reads steps p .. p + 2 only, with filter f's weights at every position.
  const torch::Tensor k = net->named_parameters()["conv.weight"];  // [3][2][3]
  for (int p = 0; p < 4; ++p)
    for (int f = 0; f < 3; ++f)
      for (int i = 0; i < 12; ++i) {
        const int step = i / 2, c = i % 2;
        const float expected = step >= p && step < p + 3 ? k[f][c][step - p].item<float>() : 0.0f;
        EXPECT_EQ(w.w1[static_cast<size_t>((p * 3 + f) * 12 + i)], expected) << p << " " << f << " " << i;
      }
  EXPECT_THROW(ForecastNet(ForecastNetOptions().filters(2).kernel(7)), Error);
}

TEST(ForecastExport, CnnGraphEqualsLibTorch) {
  ForecastNet net = make_cnn(4, 3);
  const torch::Tensor x = torch::randn({64, 6, 2}) * 2;
  const torch::Tensor ref = net->forward(x).detach();
  EXPECT_LT(max_abs_diff(run_exported(net->weights(), {.weights = WeightFormat::Float32}, x), ref), 2e-4);
  const ForecastExportOptions o{.weights = WeightFormat::Int8Dequantize, .per_channel = false};
  const auto out = run_exported(net->weights(), o, x);
  const auto expected = folded_forward(net->weights(), o, x);
  for (size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], expected[i], 2e-3) << i;
}

// RESHAPE -> CONV_2D -> FULLY_CONNECTED computes what the unfolded graph does, on the same grids.
TEST(ForecastExport, CnnAsConv2dEqualsTheUnfoldedGraph) {
  ForecastNet net = make_cnn(3, 3);
  const torch::Tensor x = torch::randn({64, 6, 2}) * 2;
  const torch::Tensor ref = net->forward(x).detach();
  EXPECT_LT(max_abs_diff(run_exported(net->weights(), {.weights = WeightFormat::Float32, .conv2d = true}, x), ref), 2e-4);
  const ForecastExportOptions unfolded{.weights = WeightFormat::Int8Dequantize, .per_channel = false};
  ForecastExportOptions conv = unfolded;
  conv.conv2d = true;
  const auto a = run_exported(net->weights(), unfolded, x), b = run_exported(net->weights(), conv, x);
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-3) << i;
  const tflite::ModelDef m = tflite::read_model(tflite::write_model(export_tflite(net->weights(), conv)), "forecast");
  int convs = 0;
  for (const auto& op : m.operators)
    if (op.opcode == static_cast<int32_t>(tflite::BuiltinOp::Conv2D)) {
      ++convs;
      EXPECT_EQ(m.tensors[op.inputs[1]].shape, (std::vector<int32_t>{5, 1, 3, 2}));  // 3 filters + 2 skip filters
      EXPECT_EQ(op.options.padding, tflite::Padding::Valid);
    }
  EXPECT_EQ(convs, 1);
  tflite::WriteOptions tight;
  tight.tight = true;
  tight.buffer_alignment = 4;
  tight.both_code_fields = false;
  const auto bytes = tflite::write_model(export_tflite(net->weights(), conv), tight);
  const auto c = run_exported(net->weights(), conv, x);
  const tflite::ModelDef t = tflite::read_model(bytes, "forecast tight");
  const torch::Tensor raw = to_raw(net->weights().norm, x);
  const auto d = tflite::run_batch(t, std::span<const float>(raw.data_ptr<float>(), raw.numel()), raw.size(0), {}, 1);
  EXPECT_EQ(c, d);  // the tight layout's CONV_2D options read back the same
  EXPECT_THROW(export_tflite(make_net(4, true)->weights(), conv), Error);  // not a CNN
}

// The int8-activation graphs compute what quantization-aware training simulates, up to the weight
// grids (training rounds the weights in normalised units, the file after folding) and float rounding
// at grid midpoints: a few output steps at most, most outputs within one.
TEST(ForecastExport, Int8ActivationsFollowTheFakeQuantizedNet) {
  for (Activations a : {Activations::Int8, Activations::Int8Hidden}) {
    ForecastNet net = make_net(6, true);
    {
      torch::NoGradGuard no_grad;  // trained-like magnitudes: small weights, large skip
      for (auto& p : net->parameters()) p.mul_(0.3);
    }
    const torch::Tensor x = torch::randn({512, 6, 2});
    FakeQuant q = net->calibrate(x);
    EXPECT_GT(q.ranges.hidden_hi, 0.0f);
    EXPECT_LT(q.ranges.in_lo, q.ranges.in_hi);
    q.enabled = true;
    q.input = a == Activations::Int8;
    net->set_fake_quant(q);
    const torch::Tensor ref = net->forward(x).detach();
    const ForecastExportOptions o{.weights = WeightFormat::Int8Dequantize, .per_channel = false,
                                  .skip_offset = q.skip_offset, .activations = a};
    const ForecastWeights w = net->weights();
    const auto out = run_exported(w, o, x);
    const double step = int8_grid(q.ranges.out_lo, q.ranges.out_hi).scale;
    double mean = 0;
    const torch::Tensor c = ref.contiguous();
    for (size_t i = 0; i < out.size(); ++i) mean += std::fabs(out[i] - c.data_ptr<float>()[i]);
    EXPECT_LT(mean / out.size(), 1.0 * step) << static_cast<int>(a);
    EXPECT_LT(max_abs_diff(out, ref), 6.0 * step) << static_cast<int>(a);

    const tflite::ModelDef m = tflite::read_model(tflite::write_model(export_tflite(w, o)), "forecast");
    std::vector<int32_t> ops;
    for (const auto& op : m.operators) ops.push_back(op.opcode);
    using B = tflite::BuiltinOp;
    const auto code = [](B b) { return static_cast<int32_t>(b); };
    const std::vector<int32_t> full{code(B::Quantize), code(B::FullyConnected), code(B::FullyConnected),
                                    code(B::Dequantize), code(B::Reshape)};
    const std::vector<int32_t> hidden{code(B::Dequantize), code(B::FullyConnected), code(B::Quantize),
                                      code(B::FullyConnected), code(B::Dequantize), code(B::Reshape)};
    EXPECT_EQ(ops, a == Activations::Int8 ? full : hidden);
    const auto& fc2 = m.operators[m.operators.size() - 3];
    EXPECT_EQ(m.tensors[fc2.inputs[0]].type, tflite::DType::Int8);
    EXPECT_EQ(m.tensors[fc2.inputs[2]].type, tflite::DType::Int32);
    EXPECT_EQ(m.tensors[fc2.outputs[0]].type, tflite::DType::Int8);
  }
}

TEST(ForecastExport, Int8ActivationsNeedRangesAndPerTensorWeights) {
  ForecastNet net = make_net(4, true);
  EXPECT_THROW(export_tflite(net->weights(), {.per_channel = false, .activations = Activations::Int8}), Error);
  ForecastWeights w = net->weights();
  w.ranges = {-10, 100, 20, -10, 100};
  EXPECT_NO_THROW(export_tflite(w, {.per_channel = false, .activations = Activations::Int8}));
  EXPECT_THROW(export_tflite(w, {.per_channel = true, .activations = Activations::Int8}), Error);
}

TEST(ForecastExport, RejectsInconsistentWeights) {
  ForecastWeights w;
  w.hidden = 3;
  EXPECT_THROW(export_tflite(w), Error);
}

}  // namespace
}  // namespace tinyfit::models
