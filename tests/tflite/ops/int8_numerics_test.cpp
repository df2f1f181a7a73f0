// Int8Numerics::Xnnpack (what the official runtime's XNNPACK delegate computes) against
// Int8Numerics::TfliteReference, on literal goldens: ties rounded to even vs away from zero, the
// requantization scale taken in float32, the float -> int8 convert multiplying by 1 / scale. Every
// op case runs on the reference and the fast kernels.
#include <gtest/gtest.h>

#include <random>

#include "tflite/fast/requantize.hpp"
#include "tflite/interpreter.hpp"
#include "tflite/op_runner.hpp"
#include "tflite/ops/ops.hpp"
#include "tflite/ref/quant.hpp"
#include "tflite/ref/weight_quant.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;
using test::quant;

// Scales where input * filter / output in float32 (0x1.2edbc4p-9) and in double rounded once to
// float (0x1.2edbc6p-9) differ; with acc = 50852 the float32 product lands just below 117.5.
constexpr float kIn = 0x1.8e2056p-3f, kFilter = 0x1.124732p-8f, kOut = 0x1.688e3ep-2f;

TEST(Int8Numerics, InterpreterDefaultsToXnnpack) {
  EXPECT_EQ(InterpreterOptions{}.int8_numerics, Int8Numerics::Xnnpack);
}

TEST(Int8Numerics, Fp32RequantizationRoundsTiesToEven) {
  // acc * 0.5 = 0.5, 1.5, 2.5, -0.5, -1.5, -2.5 exactly.
  const int32_t acc[] = {1, 3, 5, -1, -3, -5};
  const int32_t even[] = {0, 2, 2, 0, -2, -2};
  int32_t multiplier = 0;
  int shift = 0;
  ref::quantize_multiplier(0.5, &multiplier, &shift);
  // TFLite's doubling high multiply rounds these ties upwards (towards +infinity).
  const int32_t up[] = {1, 2, 3, 0, -1, -2};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(ref::requantize_fp32(acc[i], 0.5f, 0, -128, 127), even[i]) << acc[i];
    EXPECT_EQ(ref::requantize_fp32(acc[i], 0.5f, 7, -128, 127), even[i] + 7) << acc[i];
    EXPECT_EQ(ref::multiply_by_quantized_multiplier(acc[i], multiplier, shift), up[i]) << acc[i];
  }
  // Clamped to the activation range, which includes the zero point.
  EXPECT_EQ(ref::requantize_fp32(1000, 1.0f, 10, -128, 127), 127);
  EXPECT_EQ(ref::requantize_fp32(-1000, 1.0f, 10, -128, 127), -128);
  EXPECT_EQ(ref::requantize_fp32(-3, 1.0f, -128, -128, 127), -128);  // ReLU: lo = zero point
}

TEST(Int8Numerics, RequantizationScaleIsTakenInFloat32) {
  EXPECT_EQ(ref::xnnpack_requant_scale(kIn, kFilter, kOut), 0x1.2edbc4p-9f);
  EXPECT_EQ(static_cast<float>(static_cast<double>(kIn) * kFilter / kOut), 0x1.2edbc6p-9f);
  EXPECT_EQ(ref::requantize_fp32(50852, ref::xnnpack_requant_scale(kIn, kFilter, kOut), 0, -128, 127), 117);
  // TFLite's fixed-point multiplier (double) sees 117.5 and rounds away.
  std::vector<int32_t> m;
  std::vector<int> s;
  ref::per_channel_multipliers(kIn, {kFilter}, kOut, 1, &m, &s);
  EXPECT_EQ(ref::multiply_by_quantized_multiplier(50852, m[0], s[0]), 118);
}

TEST(Int8Numerics, FastRowRequantizationEqualsReference) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> acc_dist(-200000, 200000);
  std::uniform_real_distribution<float> scale_dist(1e-5f, 0.05f);
  constexpr int n = 67;
  std::vector<int32_t> acc(n);
  std::vector<float> scale(n);
  std::vector<int8_t> out(n);
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < n; ++i) {
      acc[static_cast<size_t>(i)] = round % 2 ? acc_dist(rng) % 4000 : acc_dist(rng);
      scale[static_cast<size_t>(i)] = round % 3 ? scale_dist(rng) : 0.5f;  // 0.5: many exact ties
    }
    const int32_t zp = static_cast<int32_t>(rng() % 256) - 128;
    const int32_t lo = round % 4 ? -128 : zp;
    for (bool per_channel : {true, false}) {
      fast::requantize_row_fp32(acc.data(), n, scale.data(), per_channel, zp, lo, 127, out.data());
      for (int i = 0; i < n; ++i) {
        const float sc = per_channel ? scale[static_cast<size_t>(i)] : scale[0];
        ASSERT_EQ(out[static_cast<size_t>(i)], ref::requantize_fp32(acc[static_cast<size_t>(i)], sc, zp, lo, 127))
            << "acc " << acc[static_cast<size_t>(i)] << " scale " << sc << " zp " << zp;
      }
    }
  }
}

// A 1x1 convolution-like op on a single channel: out = requantize(1 * x + bias).
enum class WeightedOp { Conv, Depthwise, FullyConnected };

std::vector<int8_t> run_weighted(WeightedOp op, bool reference_only, Int8Numerics numerics,
                                 const std::vector<int8_t>& x, float in_scale, float filter_scale, float out_scale,
                                 int32_t bias) {
  const int n = static_cast<int>(x.size());
  OpRunner r(op == WeightedOp::Conv        ? ops::register_conv_2d()
             : op == WeightedOp::Depthwise ? ops::register_depthwise_conv_2d()
                                           : ops::register_fully_connected(),
             {}, reference_only);
  r.set_int8_numerics(numerics);
  if (op == WeightedOp::FullyConnected) {
    r.add_input<int8_t>(DType::Int8, {n, 1}, x, quant(in_scale, 0));
    r.add_constant<int8_t>(DType::Int8, {1, 1}, {1}, quant(filter_scale, 0));
  } else {
    r.add_input<int8_t>(DType::Int8, {1, 1, n, 1}, x, quant(in_scale, 0));
    r.add_constant<int8_t>(DType::Int8, {1, 1, 1, 1}, {1}, quant(filter_scale, 0));
  }
  r.add_constant<int32_t>(DType::Int32, {1}, {bias}, quant(in_scale * filter_scale, 0));
  r.add_output(DType::Int8, quant(out_scale, 0));
  r.run();
  return r.output_values<int8_t>(0);
}

TEST(Int8Numerics, WeightedOpsRoundTiesToEvenAndUseTheFloatScale) {
  for (WeightedOp op : {WeightedOp::Conv, WeightedOp::Depthwise, WeightedOp::FullyConnected}) {
    for (bool reference_only : {true, false}) {
      SCOPED_TRACE(testing::Message() << "op " << static_cast<int>(op) << (reference_only ? " ref" : " fast"));
      // Scale 0.5 * 0.5 / 0.5: x * 0.5 = 0.5, 1.5, 2.5, -0.5, -1.5.
      const std::vector<int8_t> x = {1, 3, 5, -1, -3};
      EXPECT_EQ(run_weighted(op, reference_only, Int8Numerics::Xnnpack, x, 0.5f, 0.5f, 0.5f, 0),
                (std::vector<int8_t>{0, 2, 2, 0, -2}));
      EXPECT_EQ(run_weighted(op, reference_only, Int8Numerics::TfliteReference, x, 0.5f, 0.5f, 0.5f, 0),
                (std::vector<int8_t>{1, 2, 3, 0, -1}));
      // acc = bias = 50852 with the float32-scale case above.
      EXPECT_EQ(run_weighted(op, reference_only, Int8Numerics::Xnnpack, {0}, kIn, kFilter, kOut, 50852),
                (std::vector<int8_t>{117}));
      EXPECT_EQ(run_weighted(op, reference_only, Int8Numerics::TfliteReference, {0}, kIn, kFilter, kOut, 50852),
                (std::vector<int8_t>{118}));
    }
  }
}

std::vector<int8_t> run_mean(Int8Numerics numerics, int32_t in_zp) {
  // [1, 2, 2, 3]: channel sums (centered) 2, 10, -2 over N = 4; scale 1 / 4 -> 0.5, 2.5, -0.5.
  std::vector<int8_t> x = {1, 5, -1, 1, 5, -1, 0, 0, 0, 0, 0, 0};
  for (int8_t& v : x) v = static_cast<int8_t>(v + in_zp);
  OpRunner r(ops::register_mean());
  r.set_int8_numerics(numerics);
  r.options().keep_dims = false;
  r.add_input<int8_t>(DType::Int8, {1, 2, 2, 3}, x, quant(1.0f, in_zp));
  r.add_constant<int32_t>(DType::Int32, {2}, {1, 2});
  r.add_output(DType::Int8, quant(1.0f, 3));
  r.run();
  return r.output_values<int8_t>(0);
}

TEST(Int8Numerics, SpatialMeanAsGlobalAveragePooling) {
  for (int32_t zp : {0, -5}) {
    EXPECT_EQ(run_mean(Int8Numerics::Xnnpack, zp), (std::vector<int8_t>{3, 5, 3})) << zp;
    EXPECT_EQ(run_mean(Int8Numerics::TfliteReference, zp), (std::vector<int8_t>{4, 6, 2})) << zp;
  }
}

std::vector<int8_t> run_quantize(Int8Numerics numerics, const std::vector<float>& x, float scale) {
  OpRunner r(ops::register_quantize());
  r.set_int8_numerics(numerics);
  r.add_input<float>(DType::Float32, {static_cast<int32_t>(x.size())}, x);
  r.add_output(DType::Int8, quant(scale, 0));
  r.run();
  return r.output_values<int8_t>(0);
}

TEST(Int8Numerics, QuantizeMultipliesByReciprocalAndRoundsTiesToEven) {
  EXPECT_EQ(run_quantize(Int8Numerics::Xnnpack, {0.25f, 0.75f, -0.25f, 1.25f, 100.0f}, 0.5f),
            (std::vector<int8_t>{0, 2, 0, 2, 127}));
  EXPECT_EQ(run_quantize(Int8Numerics::TfliteReference, {0.25f, 0.75f, -0.25f, 1.25f, 100.0f}, 0.5f),
            (std::vector<int8_t>{1, 2, -1, 3, 127}));
  // x * (1 / 0.1f) is exactly -49.5 in float32 (ties to even: -50); x / 0.1f is -49.4999962 (-49).
  EXPECT_EQ(run_quantize(Int8Numerics::Xnnpack, {-0x1.3cccccp+2f}, 0.1f), (std::vector<int8_t>{-50}));
  EXPECT_EQ(run_quantize(Int8Numerics::TfliteReference, {-0x1.3cccccp+2f}, 0.1f), (std::vector<int8_t>{-49}));
}

}  // namespace
}  // namespace tinyfit::tflite
