#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;
using test::quant;

TEST(DequantizeOp, Int8PerTensor) {
  OpRunner r(ops::register_dequantize());
  r.add_input<int8_t>(DType::Int8, {2, 2}, {-1, 0, 127, -128}, quant(0.5f, -1));
  r.add_output(DType::Float32);
  r.run();
  EXPECT_FALSE(r.fold_requested());
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{0.0f, 0.5f, 64.0f, -63.5f}));
}

TEST(DequantizeOp, UInt8) {
  OpRunner r(ops::register_dequantize());
  r.add_input<uint8_t>(DType::UInt8, {3}, {0, 128, 255}, quant(0.25f, 128));
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{-32.0f, 0.0f, 31.75f}));
}

TEST(DequantizeOp, PerChannelConstantWeightsFold) {
  // [2, 2] weights, channel axis 0 with scales {0.5, 2}: constant input -> dequantized once (fold).
  Quantization q = test::quant_per_channel({0.5f, 2.0f}, 0);
  OpRunner r(ops::register_dequantize());
  r.add_constant<int8_t>(DType::Int8, {2, 2}, {1, 2, 3, -4}, q);
  r.add_output(DType::Float32);
  r.run();
  EXPECT_TRUE(r.fold_requested());
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{0.5f, 1.0f, 6.0f, -8.0f}));
}

TEST(DequantizeOp, PerChannelInnerAxis) {
  Quantization q = test::quant_per_channel({1.0f, 0.25f}, 1);
  OpRunner r(ops::register_dequantize());
  r.add_constant<int8_t>(DType::Int8, {2, 2}, {1, 2, 3, -4}, q);
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{1.0f, 0.5f, 3.0f, -1.0f}));
}

TEST(DequantizeOp, Float16) {
  // 1, -2, 65504 (largest half), 2^-24 (smallest subnormal), 1/3 rounded to half, +inf, -0.
  OpRunner r(ops::register_dequantize());
  r.add_constant<uint16_t>(DType::Float16, {7}, {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555, 0x7C00, 0x8000});
  r.add_output(DType::Float32);
  r.run();
  const auto y = r.output_values<float>(0);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], -2.0f);
  EXPECT_EQ(y[2], 65504.0f);
  EXPECT_EQ(y[3], std::ldexp(1.0f, -24));
  EXPECT_EQ(y[4], 0.333251953125f);
  EXPECT_EQ(y[5], std::numeric_limits<float>::infinity());
  EXPECT_EQ(y[6], 0.0f);
  EXPECT_TRUE(std::signbit(y[6]));
}

TEST(DequantizeOp, RejectsUnsupportedTypesNamingOpAndType) {
  OpRunner r(ops::register_dequantize());
  r.add_input<float>(DType::Float32, {1}, {1});
  r.add_output(DType::Float32);
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "DEQUANTIZE");
  EXPECT_PRED2(contains, msg, "float32");

  OpRunner bad_axis(ops::register_dequantize());
  bad_axis.add_constant<int8_t>(DType::Int8, {2, 3}, {1, 2, 3, 4, 5, 6}, test::quant_per_channel({1, 2}, 1));
  bad_axis.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { bad_axis.prepare(); }), "per-channel scales");
}

}  // namespace
}  // namespace tinyfit::tflite
