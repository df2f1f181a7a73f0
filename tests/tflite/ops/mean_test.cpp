#include <gtest/gtest.h>

#include <algorithm>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;
using test::quant;

OpOptions keep(bool keep_dims) {
  OpOptions o;
  o.keep_dims = keep_dims;
  return o;
}

// NHWC [1, 2, 2, 2]: channel 0 holds {1, 2, 3, 4}, channel 1 {10, 20, 30, 40}.
const std::vector<float> kSpatial{1, 10, 2, 20, 3, 30, 4, 40};

TEST(MeanOp, FloatSpatialMean) {
  OpRunner r(ops::register_mean());
  r.add_input<float>(DType::Float32, {1, 2, 2, 2}, kSpatial);
  r.add_constant<int32_t>(DType::Int32, {2}, {1, 2});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{2.5f, 25.0f}));
}

TEST(MeanOp, FloatKeepDims) {
  OpRunner r(ops::register_mean(), keep(true));
  r.add_input<float>(DType::Float32, {1, 2, 2, 2}, kSpatial);
  r.add_constant<int32_t>(DType::Int32, {2}, {2, 1});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 1, 1, 2}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{2.5f, 25.0f}));
}

TEST(MeanOp, FloatNegativeAndDuplicateAxes) {
  OpRunner r(ops::register_mean());
  r.add_input<float>(DType::Float32, {2, 3}, {1, 2, 3, 4, 5, 6});
  r.add_constant<int32_t>(DType::Int32, {2}, {-1, 1});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{2, 5}));
}

TEST(MeanOp, FloatAllAxesGiveScalar) {
  OpRunner r(ops::register_mean());
  r.add_input<float>(DType::Float32, {2, 3}, {1, 2, 3, 4, 5, 6});
  r.add_constant<int32_t>(DType::Int32, {2}, {0, 1});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{3.5f}));
}

TEST(MeanOp, Int8Requantizes) {
  // In: 0.5 (q + 10); out: 0.25 q + 5. Each case is one [1, 2, 2, 1] spatial mean.
  //  {0, 1, 2, 5} -> 2.0 -> 13;  ties round half away from zero (the division by N):
  //  {0, 0.5, 0, 0} -> 0.125 -> 0.5 quanta -> 6;  {-0.5, 0, 0, 0} -> -0.5 quanta -> 4;
  //  {0.5, 0.5, 0.5, 0} -> 0.375 -> 1.5 quanta -> 7.
  const std::vector<std::pair<std::vector<int8_t>, int8_t>> cases{
      {{-10, -8, -6, 0}, 13}, {{-10, -9, -10, -10}, 6}, {{-11, -10, -10, -10}, 4}, {{-9, -9, -9, -10}, 7}};
  for (const auto& [x, expected] : cases) {
    OpRunner r(ops::register_mean());
    r.add_input<int8_t>(DType::Int8, {1, 2, 2, 1}, x, quant(0.5f, -10));
    r.add_constant<int32_t>(DType::Int32, {2}, {1, 2});
    r.add_output(DType::Int8, quant(0.25f, 5));
    r.run();
    EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 1}));
    EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{expected}));
  }
}

TEST(MeanOp, Int8WithPeerModelScales) {
  // The quantization of g3_22_kws_c's global average pool: in 0.186669 (zp -128), out 0.013695
  // (zp -128). Mean of (q + 128) = 3.5 -> 0.653342 real -> 47.707 quanta -> -128 + 48.
  OpRunner r(ops::register_mean());
  r.add_input<int8_t>(DType::Int8, {1, 2, 4, 1}, {-128, -127, -126, -125, -124, -123, -122, -121},
                      quant(0.186669f, -128));
  r.add_constant<int32_t>(DType::Int32, {2}, {1, 2});
  r.add_output(DType::Int8, quant(0.013695f, -128));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-80}));
}

TEST(MeanOp, Int8SmallSumsKeepPrecision) {
  // g3_22 scales over N = 80 (a [1, 20, 4, C] spatial mean) with a small post-ReLU sum: 14 quanta
  // above the zero point -> 14 * 0.186669 / 80 / 0.013695 = 2.385 -> -128 + 2. (Folding 1/N into
  // the multiplier, as TFLite's newer QuantizedMeanOrSum does, gives 3 here.)
  std::vector<int8_t> x(80, -128);
  for (int i = 0; i < 14; ++i) x[static_cast<size_t>(i * 5)] = -127;
  OpRunner r(ops::register_mean());
  r.add_input<int8_t>(DType::Int8, {1, 20, 4, 1}, x, quant(0.186669f, -128));
  r.add_constant<int32_t>(DType::Int32, {2}, {1, 2});
  r.add_output(DType::Int8, quant(0.013695f, -128));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-126}));
}

TEST(MeanOp, Int8XnnpackFastPathMatchesTheReference) {
  // The fast global average pool (channels in the inner loop) against the per-channel walk, over two
  // batches, an odd channel count and values at both ends of int8.
  const std::vector<int32_t> shape{2, 5, 7, 23};  // 23 channels: blocks of 16, 4 and 1
  const auto x = test::random_ints<int8_t>(2 * 5 * 7 * 23, -128, 127, 7);
  std::vector<int8_t> out[2];
  for (bool reference : {true, false}) {
    OpRunner r(ops::register_mean(), keep(true), reference);
    r.set_int8_numerics(Int8Numerics::Xnnpack);
    r.add_input<int8_t>(DType::Int8, shape, x, quant(0.0731f, -3));
    r.add_constant<int32_t>(DType::Int32, {2}, {1, 2});
    r.add_output(DType::Int8, quant(0.0113f, 9));
    r.run();
    EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 1, 1, 23}));
    out[reference] = r.output_values<int8_t>(0);
  }
  EXPECT_EQ(out[0], out[1]);
  EXPECT_NE(std::count(out[0].begin(), out[0].end(), out[0][0]), 46);  // not one saturated value
}

TEST(MeanOp, RejectsNonConstantAxes) {
  OpRunner r(ops::register_mean());
  r.add_input<float>(DType::Float32, {2}, {1, 2});
  r.add_input<int32_t>(DType::Int32, {1}, {0});
  r.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { r.prepare(); }), "axis tensor must be constant");
}

TEST(MeanOp, RejectsOutOfRangeAxis) {
  OpRunner r(ops::register_mean());
  r.add_input<float>(DType::Float32, {2}, {1, 2});
  r.add_constant<int32_t>(DType::Int32, {1}, {1});
  r.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { r.prepare(); }), "out of range");
}

TEST(MeanOp, RejectsUnsupportedTypeNamingOpAndType) {
  OpRunner r(ops::register_mean());
  r.add_input<int16_t>(DType::Int16, {2}, {1, 2});
  r.add_constant<int32_t>(DType::Int32, {1}, {0});
  r.add_output(DType::Int16);
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "MEAN");
  EXPECT_PRED2(contains, msg, "int16");
}

}  // namespace
}  // namespace tinyfit::tflite
