// The float operation order of the hybrid and float kernels, which decides the last bit of float
// activations (and, through the next hybrid layer's input quantization, far more than that): the
// official runtime (TFLite's optimized builtin hybrid kernels; XNNPACK for float conv / depthwise /
// fully-connected / mean) is reproduced bit for bit on the peer models. Each test checks the exact
// result of one order, and that the alternative order would differ on these inputs.
#include <gtest/gtest.h>

#include <cmath>

#include "tflite/op_runner.hpp"
#include "tflite/ops/ops.hpp"
#include "tflite/ref/fp_contract.hpp"
#include "tflite/ref/hybrid.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;

constexpr int kC = 256;

template <class F>
void for_both_kernels(F&& f) {
  for (bool reference : {true, false}) {
    SCOPED_TRACE(reference ? "reference kernels" : "fast kernels");
    f(reference);
  }
}

// Counts elements where the alternative order gives another float.
size_t count_differences(const std::vector<float>& a, const std::vector<float>& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
  return n;
}

TEST(HybridFloatOrder, DepthwiseHybridScalesAccTimesInputScaleTimesChannelScale) {
  const auto x = test::random_floats(kC, -3.0f, 5.0f, 11);
  const auto w = test::random_ints<int8_t>(kC, -127, 127, 12);
  const auto scales = test::random_floats(kC, 0.001f, 0.03f, 13);
  const auto bias = test::random_floats(kC, -1.0f, 1.0f, 14);
  std::vector<int8_t> q(kC);
  float s = 0;
  int32_t zp = 0;
  ref::asymmetric_quantize(x.data(), kC, q.data(), &s, &zp);
  std::vector<float> expected(kC), other(kC);
  for (int c = 0; c < kC; ++c) {
    const int32_t acc = w[c] * (q[c] - zp);
    expected[c] = static_cast<float>(acc) * s * scales[c] + bias[c];  // optimized DepthwiseConvHybridGeneral
    other[c] = static_cast<float>(acc) * (scales[c] * s) + bias[c];
  }
  ASSERT_GT(count_differences(expected, other), 0u);
  for_both_kernels([&](bool reference) {
    OpRunner r(ops::register_depthwise_conv_2d());
    r.set_reference_only(reference);
    r.add_input(DType::Float32, {1, 1, 1, kC}, x);
    r.add_constant(DType::Int8, {1, 1, 1, kC}, w, test::quant_per_channel(scales, 3));
    r.add_constant(DType::Float32, {kC}, bias);
    r.add_output(DType::Float32);
    r.options().padding = Padding::Valid;
    r.run();
    EXPECT_EQ(r.output_values<float>(0), expected);
  });
}

TEST(HybridFloatOrder, ConvHybridPerChannelMultipliesTheScalesFirst) {
  constexpr int kIn = 8;
  const auto x = test::random_floats(kIn, -3.0f, 5.0f, 21);
  const auto w = test::random_ints<int8_t>(kC * kIn, -127, 127, 22);
  const auto scales = test::random_floats(kC, 0.001f, 0.03f, 23);
  const auto bias = test::random_floats(kC, -1.0f, 1.0f, 24);
  std::vector<int8_t> q(kIn);
  float s = 0;
  int32_t zp = 0;
  ref::asymmetric_quantize(x.data(), kIn, q.data(), &s, &zp);
  std::vector<float> expected(kC), other(kC);
  for (int c = 0; c < kC; ++c) {
    int32_t acc = 0;
    for (int i = 0; i < kIn; ++i) acc += w[c * kIn + i] * (q[i] - zp);
    expected[c] = static_cast<float>(acc) * (scales[c] * s) + bias[c];  // optimized HybridConvPerChannel
    other[c] = static_cast<float>(acc) * scales[c] * s + bias[c];
  }
  ASSERT_GT(count_differences(expected, other), 0u);
  for_both_kernels([&](bool reference) {
    OpRunner r(ops::register_conv_2d());
    r.set_reference_only(reference);
    r.add_input(DType::Float32, {1, 1, 1, kIn}, x);
    r.add_constant(DType::Int8, {kC, 1, 1, kIn}, w, test::quant_per_channel(scales, 0));
    r.add_constant(DType::Float32, {kC}, bias);
    r.add_output(DType::Float32);
    r.options().padding = Padding::Valid;
    r.run();
    EXPECT_EQ(r.output_values<float>(0), expected);
  });
}

TEST(HybridFloatOrder, FloatDepthwiseStartsAtTheBiasAndRunsTheTapsColumnMajor) {
  const auto x = test::random_floats(9 * kC, -3.0f, 5.0f, 31);
  const auto w = test::random_floats(9 * kC, -1.0f, 1.0f, 32);
  const auto bias = test::random_floats(kC, -1.0f, 1.0f, 33);
  std::vector<float> expected(kC), other(kC);
  for (int c = 0; c < kC; ++c) {
    float xnn = bias[c], tflite = 0.0f;
    for (int fx = 0; fx < 3; ++fx)
      for (int fy = 0; fy < 3; ++fy) xnn += x[(fy * 3 + fx) * kC + c] * w[(fy * 3 + fx) * kC + c];
    for (int t = 0; t < 9; ++t) tflite += x[t * kC + c] * w[t * kC + c];
    expected[c] = xnn;
    other[c] = tflite + bias[c];
  }
  ASSERT_GT(count_differences(expected, other), 0u);
  for_both_kernels([&](bool reference) {
    OpRunner r(ops::register_depthwise_conv_2d());
    r.set_reference_only(reference);
    r.add_input(DType::Float32, {1, 3, 3, kC}, x);
    r.add_constant(DType::Float32, {1, 3, 3, kC}, w);
    r.add_constant(DType::Float32, {kC}, bias);
    r.add_output(DType::Float32);
    r.options().padding = Padding::Valid;
    r.run();
    EXPECT_EQ(r.output_values<float>(0), expected);
  });
}

TEST(HybridFloatOrder, FloatMeanAddsInGroupsOfSevenThenScalesByTheInverse) {
  constexpr int kRows = 20;  // one first pass, one middle pass, a last pass of 6 rows
  const auto x = test::random_floats(kRows * kC, -3.0f, 5.0f, 41);
  std::vector<float> expected(kC), other(kC);
  for (int c = 0; c < kC; ++c) {
    const auto v = [&](int r) { return r < kRows ? x[r * kC + c] : 0.0f; };
    float sum = ((v(0) + v(1)) + v(6)) + ((v(2) + v(3)) + (v(4) + v(5)));
    for (int r = 7; r < kRows; r += 7)
      sum = ((v(r) + v(r + 1)) + (v(r + 2) + v(r + 3))) + ((v(r + 4) + v(r + 5)) + (v(r + 6) + sum));
    expected[c] = sum * (1.0f / kRows);
    float seq = 0.0f;
    for (int r = 0; r < kRows; ++r) seq += v(r);
    other[c] = seq / kRows;
  }
  ASSERT_GT(count_differences(expected, other), 0u);
  OpRunner r(ops::register_mean());
  r.add_input(DType::Float32, {1, 4, 5, kC}, x);
  r.add_constant(DType::Int32, {2}, std::vector<int32_t>{1, 2});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_values<float>(0), expected);
}

}  // namespace
}  // namespace tinyfit::tflite
