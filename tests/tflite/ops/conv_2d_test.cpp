// CONV_2D: hand-computed goldens (float padding/stride/dilation, int8 with exact multipliers, hybrid
// input quantization), hybrid vs float on the dequantized weights, fast vs reference.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.hpp"
#include "tflite/fast/requantize.hpp"
#include "tflite/op_runner.hpp"
#include "tflite/ops/fast_vs_ref.hpp"
#include "tflite/ops/ops.hpp"
#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;

OpOptions conv_options(Padding padding, int stride_h, int stride_w, Activation act = Activation::None,
                       int dilation = 1) {
  OpOptions o;
  o.padding = padding;
  o.stride_h = stride_h;
  o.stride_w = stride_w;
  o.dilation_h = o.dilation_w = dilation;
  o.activation = act;
  return o;
}

// 4x4 input 1..16, two 3x3 filters (box, Sobel-x), SAME padding, stride 2: out 2x2, the total padding
// of 1 goes to the bottom/right (TFLite puts floor(total/2) first).
TEST(Conv2D, FloatSameStride2Golden) {
  std::vector<float> input(16);
  for (int i = 0; i < 16; ++i) input[i] = static_cast<float>(i + 1);
  std::vector<float> filter = {1, 1, 1, 1, 1, 1, 1, 1, 1,  // box
                               1, 0, -1, 2, 0, -2, 1, 0, -1};  // Sobel x
  OpRunner r(ops::register_conv_2d(), conv_options(Padding::Same, 2, 2, Activation::Relu));
  r.add_input(DType::Float32, {1, 4, 4, 1}, input);
  r.add_constant(DType::Float32, {2, 3, 3, 1}, filter);
  r.add_constant(DType::Float32, {2}, std::vector<float>{0.5f, -1.0f});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 2, 2, 2}));
  // Box sums 54, 45, 72, 54 (+0.5); Sobel -8, 28, -6, 41 (-1), then RELU.
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{54.5f, 0.0f, 45.5f, 27.0f, 72.5f, 0.0f, 54.5f, 40.0f}));
}

// 5x5 input x[y][x] = 5y + x, 2x2 filter [[1,2],[3,4]] dilated by 2 (3x3 footprint), VALID, no bias:
// out(y, x) = 10 (5y + x) + 2*2 + 3*10 + 4*12 = 50y + 10x + 82.
TEST(Conv2D, FloatValidDilationGolden) {
  std::vector<float> input(25);
  for (int i = 0; i < 25; ++i) input[i] = static_cast<float>(i);
  OpRunner r(ops::register_conv_2d(), conv_options(Padding::Valid, 1, 1, Activation::None, 2));
  r.add_input(DType::Float32, {1, 5, 5, 1}, input);
  r.add_constant(DType::Float32, {1, 2, 2, 1}, std::vector<float>{1, 2, 3, 4});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 3, 3, 1}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{82, 92, 102, 132, 142, 152, 182, 192, 202}));
}

// int8 with multipliers that are powers of two (0.5*0.25/1 and 0.5*0.5/1: Q31 2^30, shifts -2, -1), so
// the expected values follow from TFLite's rounding alone: the high multiply is exact here (26, -5)
// and the rounding shift takes halves away from zero: 6.5 -> 7, -2.5 -> -3.
TEST(Conv2D, Int8PerChannelGolden) {
  for (Activation act : {Activation::None, Activation::Relu}) {
    OpRunner r(ops::register_conv_2d(), conv_options(Padding::Valid, 1, 1, act));
    r.add_input(DType::Int8, {1, 2, 2, 1}, std::vector<int8_t>{3, 5, -1, 7}, test::quant(0.5f, -1));
    r.add_constant(DType::Int8, {2, 2, 2, 1}, std::vector<int8_t>{1, 2, 3, 4, -1, 0, 2, 1},
                   test::quant_per_channel({0.25f, 0.5f}, 0));
    r.add_constant(DType::Int32, {2}, std::vector<int32_t>{4, -14});
    r.add_output(DType::Int8, test::quant(1.0f, 3));
    r.run();
    // acc 52 * 0.125 = 6.5 -> 7 (+3 = 10); acc -10 * 0.25 = -2.5 -> -3 (+3 = 0, RELU clamps at zp 3).
    const int8_t second = act == Activation::Relu ? 3 : 0;
    EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{10, second}));
  }
}

// Hybrid: input [1, -0.5] is quantized symmetrically to [127, -64] (-63.5 rounds away from zero) with
// scale 1/127; weights [2, -4] * 0.5. dot = 510, out = 510 * 0.5 / 127.
TEST(Conv2D, HybridSymmetricGolden) {
  OpRunner r(ops::register_conv_2d(), conv_options(Padding::Valid, 1, 1));
  r.add_input(DType::Float32, {1, 1, 1, 2}, std::vector<float>{1.0f, -0.5f});
  r.add_constant(DType::Int8, {1, 1, 1, 2}, std::vector<int8_t>{2, -4}, test::quant(0.5f));
  r.add_constant(DType::Float32, {1}, std::vector<float>{0.25f});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_FLOAT_EQ(r.output_values<float>(0)[0], 510.0f * (0.5f / 127.0f) + 0.25f);
}

struct ConvCase {
  int n, h, w, in_c, out_c, kh, kw, stride_h, stride_w, dilation;
  Padding padding;
  Activation act;
};

const ConvCase kCases[] = {
    {1, 9, 7, 3, 5, 3, 3, 1, 1, 1, Padding::Same, Activation::None},
    {2, 8, 8, 4, 6, 3, 3, 2, 2, 1, Padding::Same, Activation::Relu},
    {1, 49, 10, 1, 8, 3, 3, 2, 1, 1, Padding::Valid, Activation::Relu},
    {1, 6, 5, 17, 19, 1, 1, 1, 1, 1, Padding::Valid, Activation::Relu6},
    {1, 10, 9, 5, 7, 3, 2, 1, 2, 2, Padding::Same, Activation::None},
    {1, 7, 7, 33, 9, 5, 5, 3, 2, 1, Padding::Same, Activation::ReluN1To1},
};

// Runs one case with the given variant on deterministic data and returns the float view of the output.
std::vector<float> run_case(const ConvCase& c, const std::string& variant, bool reference_only,
                            std::vector<int32_t>* shape = nullptr) {
  const size_t in_n = static_cast<size_t>(c.n) * c.h * c.w * c.in_c;
  const size_t f_n = static_cast<size_t>(c.out_c) * c.kh * c.kw * c.in_c;
  OpRunner r(ops::register_conv_2d(), conv_options(c.padding, c.stride_h, c.stride_w, c.act, c.dilation),
             reference_only);
  std::vector<int32_t> in_shape{c.n, c.h, c.w, c.in_c}, f_shape{c.out_c, c.kh, c.kw, c.in_c};
  if (variant == "float") {
    r.add_input(DType::Float32, in_shape, test::random_floats(in_n, -2, 2, 1));
    r.add_constant(DType::Float32, f_shape, test::random_floats(f_n, -1, 1, 2));
    r.add_constant(DType::Float32, {c.out_c}, test::random_floats(c.out_c, -1, 1, 3));
    r.add_output(DType::Float32);
  } else if (variant == "int8") {
    std::vector<float> scales = test::random_floats(c.out_c, 0.002f, 0.02f, 4);
    r.add_input(DType::Int8, in_shape, test::random_ints<int8_t>(in_n, -128, 127, 1), test::quant(0.05f, -7));
    r.add_constant(DType::Int8, f_shape, test::random_ints<int8_t>(f_n, -127, 127, 2), test::quant_per_channel(scales, 0));
    r.add_constant(DType::Int32, {c.out_c}, test::random_ints<int32_t>(c.out_c, -3000, 3000, 3));
    r.add_output(DType::Int8, test::quant(0.3f, 5));
  } else {  // "hybrid" (per-tensor, symmetric) or "hybrid_pc" (per-channel, asymmetric)
    Quantization fq = variant == "hybrid" ? test::quant(0.01f)
                                          : test::quant_per_channel(test::random_floats(c.out_c, 0.005f, 0.02f, 4), 0);
    r.add_input(DType::Float32, in_shape, test::random_floats(in_n, -1, 3, 1));
    r.add_constant(DType::Int8, f_shape, test::random_ints<int8_t>(f_n, -127, 127, 2), fq);
    r.add_constant(DType::Float32, {c.out_c}, test::random_floats(c.out_c, -1, 1, 3));
    r.add_output(DType::Float32);
  }
  r.run();
  if (shape) *shape = r.output_shape(0);
  return test::output_as_floats(r, variant == "int8");
}

TEST(Conv2D, FastMatchesReference) {
  for (const ConvCase& c : kCases) {
    for (const char* variant : {"float", "int8", "hybrid", "hybrid_pc"}) {
      SCOPED_TRACE(std::string(variant) + " case h=" + std::to_string(c.h) + " in_c=" + std::to_string(c.in_c));
      const auto ref = run_case(c, variant, true);
      const auto fast = run_case(c, variant, false);
      ASSERT_NO_FATAL_FAILURE(test::expect_fast_matches_ref(ref, fast, std::string(variant) == "float"));
    }
  }
}

// Hybrid output vs a float convolution with the dequantized weights: the only difference is the input
// quantization, whose error is at most half a step per input, so |err| <= step/2 * sum|w|.
TEST(Conv2D, HybridCloseToFloatOnDequantizedWeights) {
  for (const ConvCase& c : kCases) {
    for (const char* variant : {"hybrid", "hybrid_pc"}) {
      SCOPED_TRACE(std::string(variant) + " case h=" + std::to_string(c.h));
      const size_t f_n = static_cast<size_t>(c.out_c) * c.kh * c.kw * c.in_c;
      const auto q = test::random_ints<int8_t>(f_n, -127, 127, 2);
      const auto scales = test::random_floats(c.out_c, 0.005f, 0.02f, 4);
      std::vector<float> w(f_n);
      const size_t per_oc = f_n / c.out_c;
      float max_abs_sum = 0;
      for (size_t i = 0; i < f_n; ++i) w[i] = q[i] * (std::string(variant) == "hybrid" ? 0.01f : scales[i / per_oc]);
      for (int oc = 0; oc < c.out_c; ++oc) {
        float s = 0;
        for (size_t i = 0; i < per_oc; ++i) s += std::abs(w[oc * per_oc + i]);
        max_abs_sum = std::max(max_abs_sum, s);
      }
      OpRunner r(ops::register_conv_2d(), conv_options(c.padding, c.stride_h, c.stride_w, c.act, c.dilation));
      const size_t in_n = static_cast<size_t>(c.n) * c.h * c.w * c.in_c;
      r.add_input(DType::Float32, {c.n, c.h, c.w, c.in_c}, test::random_floats(in_n, -1, 3, 1));
      r.add_constant(DType::Float32, {c.out_c, c.kh, c.kw, c.in_c}, w);
      r.add_constant(DType::Float32, {c.out_c}, test::random_floats(c.out_c, -1, 1, 3));
      r.add_output(DType::Float32);
      r.run();
      const auto expected = r.output_values<float>(0);
      const auto hybrid = run_case(c, variant, true);
      // Inputs lie in [-1, 3]: symmetric step 3/127, asymmetric step 4/255.
      const float step = std::string(variant) == "hybrid" ? 3.0f / 127 : 4.0f / 255;
      const float bound = step / 2 * max_abs_sum * 1.01f + 1e-4f;
      for (size_t i = 0; i < expected.size(); ++i) ASSERT_NEAR(hybrid[i], expected[i], bound) << i;
    }
  }
}

// The vectorisable requantization of the fast kernels against ref::multiply_by_quantized_multiplier,
// over multipliers from 1e-7 to 64 (right and left shifts) and accumulators across the int32 range.
TEST(Conv2D, FastRequantizeMatchesReference) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> log_m(std::log(1e-7), std::log(64.0));
  std::uniform_int_distribution<int32_t> any_acc(-2000000000, 2000000000), small_acc(-70000, 70000);
  for (int i = 0; i < 200000; ++i) {
    int32_t m;
    int shift;
    ref::quantize_multiplier(std::exp(log_m(rng)), &m, &shift);
    int32_t acc = (i % 2) ? small_acc(rng) : any_acc(rng);
    if (shift > 0) acc >>= shift + 1;  // keep acc * 2^shift inside int32, as real layers do
    ASSERT_EQ(fast::requantize_one(acc, m, shift), ref::multiply_by_quantized_multiplier(acc, m, shift))
        << acc << " " << m << " " << shift;
  }
}

TEST(Conv2D, PrepareRejectsBadInputs) {
  {
    OpRunner r(ops::register_conv_2d());
    r.add_input(DType::Float32, {4, 4, 1}, std::vector<float>(16));  // rank 3
    r.add_constant(DType::Float32, {1, 3, 3, 1}, std::vector<float>(9));
    r.add_output(DType::Float32);
    EXPECT_THROW(r.prepare(), Error);
  }
  {
    OpRunner r(ops::register_conv_2d());
    r.add_input(DType::Int32, {1, 4, 4, 1}, std::vector<int32_t>(16));  // unsupported type
    r.add_constant(DType::Float32, {1, 3, 3, 1}, std::vector<float>(9));
    r.add_output(DType::Float32);
    try {
      r.prepare();
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("CONV_2D"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("int32"), std::string::npos) << e.what();
    }
  }
  {
    OpRunner r(ops::register_conv_2d(), conv_options(Padding::Valid, 1, 1));
    r.add_input(DType::Float32, {1, 2, 2, 1}, std::vector<float>(4));  // 3x3 does not fit VALID
    r.add_constant(DType::Float32, {1, 3, 3, 1}, std::vector<float>(9));
    r.add_output(DType::Float32);
    EXPECT_THROW(r.prepare(), Error);
  }
}

}  // namespace
}  // namespace tinyfit::tflite
