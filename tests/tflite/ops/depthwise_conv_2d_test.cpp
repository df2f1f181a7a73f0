// DEPTHWISE_CONV_2D: hand-computed goldens (float with depth multiplier 2, int8 with exact
// multipliers), hybrid vs float on dequantized weights, fast vs reference.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "tflite/op_runner.hpp"
#include "tflite/ops/fast_vs_ref.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;

OpOptions dw_options(Padding padding, int stride, Activation act = Activation::None, int dm = 1, int dilation = 1) {
  OpOptions o;
  o.padding = padding;
  o.stride_h = o.stride_w = stride;
  o.dilation_h = o.dilation_w = dilation;
  o.depth_multiplier = dm;
  o.activation = act;
  return o;
}

// Input 3x3x2: channel 0 = 1..9, channel 1 = 1. Filter 2x2, depth multiplier 2 (out channel
// oc = ic * 2 + m): oc0 = [[1,0],[0,1]], oc1 = [[0,1],[2,0]] on channel 0; oc2 = ones, oc3 =
// [[2,0],[0,-1]] on channel 1. Bias [0, 1, -1, 0.5]. VALID, stride 1 -> 2x2x4.
TEST(DepthwiseConv2D, FloatDepthMultiplierGolden) {
  std::vector<float> input;
  for (int i = 1; i <= 9; ++i) input.insert(input.end(), {static_cast<float>(i), 1.0f});
  const std::vector<float> filter = {1, 0, 1, 2,  0, 1, 1, 0,  0, 2, 1, 0,  1, 0, 1, -1};  // [fy][fx][oc]
  OpRunner r(ops::register_depthwise_conv_2d(), dw_options(Padding::Valid, 1, Activation::None, 2));
  r.add_input(DType::Float32, {1, 3, 3, 2}, input);
  r.add_constant(DType::Float32, {1, 2, 2, 4}, filter);
  r.add_constant(DType::Float32, {4}, std::vector<float>{0, 1, -1, 0.5f});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 2, 2, 4}));
  EXPECT_EQ(r.output_values<float>(0),
            (std::vector<float>{6, 11, 3, 1.5f, 8, 14, 3, 1.5f, 12, 20, 3, 1.5f, 14, 23, 3, 1.5f}));
}

// 3x3 ones filter over a 3x3 input 1..9 with SAME padding, stride 2: outputs at (0,0), (0,2), (2,0),
// (2,2) see the clipped 2x2 corners: 1+2+4+5, 2+3+5+6, ... then RELU6 clamps.
TEST(DepthwiseConv2D, FloatSameStride2Relu6Golden) {
  std::vector<float> input(9);
  for (int i = 0; i < 9; ++i) input[i] = static_cast<float>(i + 1) * 0.25f;
  OpRunner r(ops::register_depthwise_conv_2d(), dw_options(Padding::Same, 2, Activation::Relu6));
  r.add_input(DType::Float32, {1, 3, 3, 1}, input);
  r.add_constant(DType::Float32, {1, 3, 3, 1}, std::vector<float>(9, 1.0f));
  r.add_absent_input();
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 2, 2, 1}));
  // 12/4 = 3, 16/4 = 4, 24/4 = 6, 28/4 = 7 -> 6.
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{3, 4, 6, 6}));
}

// int8, per-channel scales 0.25 / 0.5 (axis 3), input 0.5 zp 1, output 0.5 zp -2: multipliers 0.25
// and 0.5, i.e. Q31 value 2^30 with shifts -1 and 0. TFLite rounds twice: the doubling high multiply
// rounds to an integer (ties upwards), then the right shift rounds again (ties away from zero).
// acc 25: 25 * 2^30 / 2^31 = 12.5 -> 13, 13 / 2 = 6.5 -> 7 (not round(6.25) = 6), - 2 = 5.
// acc -11: -5.5 -> -5 (ties upwards), no shift, - 2 = -7.
TEST(DepthwiseConv2D, Int8PerChannelGolden) {
  OpRunner r(ops::register_depthwise_conv_2d(), dw_options(Padding::Valid, 1));
  r.add_input(DType::Int8, {1, 2, 2, 2}, std::vector<int8_t>{3, -1, 1, 5, -3, 2, 7, 1}, test::quant(0.5f, 1));
  r.add_constant(DType::Int8, {1, 2, 2, 2}, std::vector<int8_t>{4, 1, -2, 3, 1, -1, 3, 2},
                 test::quant_per_channel({0.25f, 0.5f}, 3));
  r.add_constant(DType::Int32, {2}, std::vector<int32_t>{3, -20});
  r.add_output(DType::Int8, test::quant(0.5f, -2));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{5, -7}));
}

struct DwCase {
  int n, h, w, in_c, dm, k, stride, dilation;
  Padding padding;
  Activation act;
};

const DwCase kCases[] = {
    {1, 24, 8, 17, 1, 3, 1, 1, Padding::Valid, Activation::Relu},
    {2, 9, 11, 8, 2, 3, 2, 1, Padding::Same, Activation::None},
    {1, 7, 6, 5, 3, 5, 1, 2, Padding::Same, Activation::Relu6},
    {1, 12, 12, 64, 1, 3, 2, 1, Padding::Same, Activation::ReluN1To1},
};

std::vector<float> run_case(const DwCase& c, const std::string& variant, bool reference_only,
                            const std::vector<float>* float_filter = nullptr) {
  const int out_c = c.in_c * c.dm;
  const size_t in_n = static_cast<size_t>(c.n) * c.h * c.w * c.in_c;
  const size_t f_n = static_cast<size_t>(c.k) * c.k * out_c;
  OpRunner r(ops::register_depthwise_conv_2d(), dw_options(c.padding, c.stride, c.act, c.dm, c.dilation),
             reference_only);
  const std::vector<int32_t> in_shape{c.n, c.h, c.w, c.in_c}, f_shape{1, c.k, c.k, out_c};
  const auto scales = test::random_floats(out_c, 0.005f, 0.02f, 4);
  if (variant == "float") {
    r.add_input(DType::Float32, in_shape, test::random_floats(in_n, -1, 3, 1));
    r.add_constant(DType::Float32, f_shape, float_filter ? *float_filter : test::random_floats(f_n, -1, 1, 2));
    r.add_constant(DType::Float32, {out_c}, test::random_floats(out_c, -1, 1, 3));
    r.add_output(DType::Float32);
  } else if (variant == "int8") {
    r.add_input(DType::Int8, in_shape, test::random_ints<int8_t>(in_n, -128, 127, 1), test::quant(0.05f, 9));
    r.add_constant(DType::Int8, f_shape, test::random_ints<int8_t>(f_n, -127, 127, 2), test::quant_per_channel(scales, 3));
    r.add_constant(DType::Int32, {out_c}, test::random_ints<int32_t>(out_c, -3000, 3000, 3));
    r.add_output(DType::Int8, test::quant(0.2f, -3));
  } else {  // hybrid: per-channel weights, asymmetric per-batch input quantization
    r.add_input(DType::Float32, in_shape, test::random_floats(in_n, -1, 3, 1));
    r.add_constant(DType::Int8, f_shape, test::random_ints<int8_t>(f_n, -127, 127, 2), test::quant_per_channel(scales, 3));
    r.add_constant(DType::Float32, {out_c}, test::random_floats(out_c, -1, 1, 3));
    r.add_output(DType::Float32);
  }
  r.run();
  return test::output_as_floats(r, variant == "int8");
}

TEST(DepthwiseConv2D, FastMatchesReference) {
  for (const DwCase& c : kCases) {
    for (const char* variant : {"float", "int8", "hybrid"}) {
      SCOPED_TRACE(std::string(variant) + " case in_c=" + std::to_string(c.in_c) + " dm=" + std::to_string(c.dm));
      const auto ref = run_case(c, variant, true);
      const auto fast = run_case(c, variant, false);
      ASSERT_NO_FATAL_FAILURE(test::expect_fast_matches_ref(ref, fast, std::string(variant) == "float"));
    }
  }
}

TEST(DepthwiseConv2D, HybridCloseToFloatOnDequantizedWeights) {
  for (const DwCase& c : kCases) {
    SCOPED_TRACE("case in_c=" + std::to_string(c.in_c));
    const int out_c = c.in_c * c.dm;
    const size_t f_n = static_cast<size_t>(c.k) * c.k * out_c;
    const auto q = test::random_ints<int8_t>(f_n, -127, 127, 2);
    const auto scales = test::random_floats(out_c, 0.005f, 0.02f, 4);
    std::vector<float> w(f_n);
    std::vector<float> abs_sum(out_c, 0.0f);
    for (size_t i = 0; i < f_n; ++i) {
      w[i] = q[i] * scales[i % out_c];
      abs_sum[i % out_c] += std::abs(w[i]);
    }
    const auto expected = run_case(c, "float", true, &w);
    const auto hybrid = run_case(c, "hybrid", true);
    const float step = 4.0f / 255;  // asymmetric over [-1, 3]
    for (size_t i = 0; i < expected.size(); ++i)
      ASSERT_NEAR(hybrid[i], expected[i], step / 2 * abs_sum[i % out_c] * 1.01f + 1e-4f) << i;
  }
}

TEST(DepthwiseConv2D, PrepareRejectsBadInputs) {
  OpRunner r(ops::register_depthwise_conv_2d());
  r.add_input(DType::Float32, {1, 4, 4, 3}, std::vector<float>(48));
  r.add_constant(DType::Float32, {1, 3, 3, 4}, std::vector<float>(36));  // 4 is not a multiple of 3
  r.add_output(DType::Float32);
  EXPECT_THROW(r.prepare(), Error);
}

}  // namespace
}  // namespace tinyfit::tflite
