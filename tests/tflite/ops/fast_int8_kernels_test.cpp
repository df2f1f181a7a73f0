// The fast int8 kernels (fast/dot.cpp pixel-block GEMM, fast/depthwise_conv.cpp prepared-weights
// kernel, fast/requantize.hpp) against the reference kernels, bit for bit, on random shapes: channel
// counts that are not multiples of 16 (masked tails, padded weight blocks), more output channels than
// one tile holds, pixel counts that leave partial pixel blocks, strides 1 and 2, SAME and VALID,
// dilation, a one-channel first layer, and both Int8Numerics modes.
#include <gtest/gtest.h>

#include <algorithm>

#include <random>
#include <string>

#include "tflite/op_runner.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;

struct Shape {
  int n, h, w, in_c, out_c, k, stride, dilation;
  Padding padding;
  Activation act;
  int in_zp, out_zp;
  int stride_w = 0;  // 0: stride
};

std::string describe(const Shape& s) {
  return std::string("n") + std::to_string(s.n) + " " + std::to_string(s.h) + "x" + std::to_string(s.w) + "x" +
         std::to_string(s.in_c) + " -> " + std::to_string(s.out_c) + " k" + std::to_string(s.k) + " s" +
         std::to_string(s.stride) + " d" + std::to_string(s.dilation) +
         (s.padding == Padding::Same ? " SAME" : " VALID") + " act" + std::to_string(static_cast<int>(s.act)) +
         " zp " + std::to_string(s.in_zp) + "/" + std::to_string(s.out_zp);
}

// A random shape; depthwise has out_c = in_c.
Shape random_shape(std::mt19937& rng, bool depthwise) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int channel_choices[] = {1, 3, 15, 16, 17, 31, 66, 79, 80, 97, 179};
  Shape s{};
  s.n = pick(1, 2);
  s.in_c = channel_choices[pick(0, 10)];
  s.out_c = depthwise ? s.in_c : channel_choices[pick(0, 10)];
  s.k = pick(0, 2) == 0 ? 1 : (pick(0, 3) == 0 ? 5 : 3);
  s.stride = pick(1, 2);
  s.dilation = pick(0, 4) == 0 ? 2 : 1;
  s.padding = pick(0, 1) ? Padding::Same : Padding::Valid;
  const int span = (s.k - 1) * s.dilation + 1;
  s.h = pick(span, span + 9);
  s.w = pick(span, span + 7);
  const Activation acts[] = {Activation::None, Activation::Relu, Activation::Relu6};
  s.act = acts[pick(0, 2)];
  s.in_zp = pick(-128, 127);
  s.out_zp = pick(-100, 100);
  return s;
}

std::vector<int8_t> run(const Shape& s, bool depthwise, bool reference_only, Int8Numerics numerics, uint32_t seed,
                        float output_scale = 0.25f) {
  OpOptions o;
  o.padding = s.padding;
  o.stride_h = s.stride;
  o.stride_w = s.stride_w ? s.stride_w : s.stride;
  o.dilation_h = o.dilation_w = s.dilation;
  o.activation = s.act;
  o.depth_multiplier = 1;
  OpRunner r(depthwise ? ops::register_depthwise_conv_2d() : ops::register_conv_2d(), o, reference_only);
  r.set_int8_numerics(numerics);
  const size_t in_n = static_cast<size_t>(s.n) * s.h * s.w * s.in_c;
  const size_t taps = static_cast<size_t>(s.k) * s.k;
  const std::vector<float> scales = test::random_floats(static_cast<size_t>(s.out_c), 0.002f, 0.03f, seed + 1);
  r.add_input(DType::Int8, {s.n, s.h, s.w, s.in_c}, test::random_ints<int8_t>(in_n, -128, 127, seed + 2),
              test::quant(0.05f, s.in_zp));
  if (depthwise) {
    r.add_constant(DType::Int8, {1, s.k, s.k, s.out_c}, test::random_ints<int8_t>(taps * s.out_c, -127, 127, seed + 3),
                   test::quant_per_channel(scales, 3));
  } else {
    r.add_constant(DType::Int8, {s.out_c, s.k, s.k, s.in_c},
                   test::random_ints<int8_t>(taps * s.in_c * s.out_c, -127, 127, seed + 3),
                   test::quant_per_channel(scales, 0));
  }
  r.add_constant(DType::Int32, {s.out_c}, test::random_ints<int32_t>(static_cast<size_t>(s.out_c), -20000, 20000, seed + 4));
  r.add_output(DType::Int8, test::quant(output_scale, s.out_zp));
  r.run();
  return r.output_values<int8_t>(0);
}

void check_random_shapes(bool depthwise) {
  std::mt19937 rng(depthwise ? 11 : 7);
  for (int round = 0; round < 60; ++round) {
    const Shape s = random_shape(rng, depthwise);
    for (Int8Numerics numerics : {Int8Numerics::Xnnpack, Int8Numerics::TfliteReference}) {
      SCOPED_TRACE(describe(s) + (numerics == Int8Numerics::Xnnpack ? " xnnpack" : " tflite"));
      const auto seed = static_cast<uint32_t>(round * 10);
      const auto ref = run(s, depthwise, true, numerics, seed);
      const auto fast = run(s, depthwise, false, numerics, seed);
      ASSERT_EQ(ref, fast);
    }
  }
}

TEST(FastInt8Kernels, ConvMatchesReferenceOnRandomShapes) { check_random_shapes(false); }
TEST(FastInt8Kernels, DepthwiseMatchesReferenceOnRandomShapes) { check_random_shapes(true); }

// The KWS layers themselves: a 3x3 stride (2, 1) first layer on one channel, 3x3 depthwise and 1x1
// pointwise on 66 channels.
TEST(FastInt8Kernels, KwsLayersMatchReference) {
  const Shape first{1, 49, 10, 1, 66, 3, 2, 1, Padding::Valid, Activation::Relu, -5, -128, 1};
  const Shape dw{1, 24, 8, 66, 66, 3, 1, 1, Padding::Valid, Activation::None, -128, 3};
  const Shape pw{1, 22, 6, 66, 66, 1, 1, 1, Padding::Valid, Activation::Relu, 3, -128};
  for (Int8Numerics numerics : {Int8Numerics::Xnnpack, Int8Numerics::TfliteReference}) {
    EXPECT_EQ(run(first, false, true, numerics, 1), run(first, false, false, numerics, 1));
    EXPECT_EQ(run(dw, true, true, numerics, 2), run(dw, true, false, numerics, 2));
    EXPECT_EQ(run(pw, false, true, numerics, 3), run(pw, false, false, numerics, 3));
  }
}

// With these scales |accumulator * scale| can exceed 2^30, so the fast kernels keep XNNPACK's float
// clamp before rounding (the in-range shortcut of Fp32Requant16 would overflow the conversion); the
// outputs saturate at both ends (v is far beyond the int8 range), which is what the clamp must give.
TEST(FastInt8Kernels, HugeRequantScalesMatchReference) {
  const Shape conv{1, 7, 6, 17, 31, 3, 1, 1, Padding::Same, Activation::None, 9, -7};
  const Shape relu{1, 7, 6, 17, 31, 3, 1, 1, Padding::Same, Activation::Relu, 9, -7};
  const Shape dw{1, 9, 8, 33, 33, 3, 1, 1, Padding::Same, Activation::None, -3, 5};
  for (float out_scale : {1e-7f, 1e-6f, 1e-5f}) {
    SCOPED_TRACE(out_scale);
    const auto a = run(conv, false, true, Int8Numerics::Xnnpack, 4, out_scale);
    EXPECT_EQ(a, run(conv, false, false, Int8Numerics::Xnnpack, 4, out_scale));
    EXPECT_EQ(run(relu, false, true, Int8Numerics::Xnnpack, 5, out_scale),
              run(relu, false, false, Int8Numerics::Xnnpack, 5, out_scale));
    EXPECT_EQ(run(dw, true, true, Int8Numerics::Xnnpack, 6, out_scale),
              run(dw, true, false, Int8Numerics::Xnnpack, 6, out_scale));
    EXPECT_NE(std::find(a.begin(), a.end(), -128), a.end());
    EXPECT_NE(std::find(a.begin(), a.end(), 127), a.end());
  }
}

}  // namespace
}  // namespace tinyfit::tflite
