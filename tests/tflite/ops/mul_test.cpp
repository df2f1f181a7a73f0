#include <gtest/gtest.h>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;
using test::quant;

TEST(MulOp, FloatSameShape) {
  OpRunner r(ops::register_mul());
  r.add_input<float>(DType::Float32, {1, 2, 2, 1}, {-2.0f, 0.2f, 0.7f, 0.8f});
  r.add_input<float>(DType::Float32, {1, 2, 2, 1}, {0.1f, 0.2f, 0.3f, 0.5f});
  r.add_output(DType::Float32);
  r.run();
  const auto y = r.output_values<float>(0);
  EXPECT_FLOAT_EQ(y[0], -0.2f);
  EXPECT_FLOAT_EQ(y[1], 0.04f);
  EXPECT_FLOAT_EQ(y[2], 0.21f);
  EXPECT_FLOAT_EQ(y[3], 0.4f);
}

TEST(MulOp, FloatBroadcastWithRelu6) {
  OpOptions o;
  o.activation = Activation::Relu6;
  OpRunner r(ops::register_mul(), o);
  r.add_input<float>(DType::Float32, {2, 2}, {1, -1, 2, 4});
  r.add_input<float>(DType::Float32, {2}, {2, 3});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{2, 0, 4, 6}));
}

TEST(MulOp, Int32) {
  OpRunner r(ops::register_mul());
  r.add_input<int32_t>(DType::Int32, {}, {6});
  r.add_input<int32_t>(DType::Int32, {3}, {1, -2, 7});
  r.add_output(DType::Int32);
  r.run();
  EXPECT_EQ(r.output_values<int32_t>(0), (std::vector<int32_t>{6, -12, 42}));
}

TEST(MulOp, Int8MultiplierOfOne) {
  // 0.5 * 0.25 / 0.125 = 1: the output is the product of the raw values.
  OpRunner r(ops::register_mul());
  r.add_input<int8_t>(DType::Int8, {3}, {4, -6, 3}, quant(0.5f));
  r.add_input<int8_t>(DType::Int8, {3}, {8, 4, -2}, quant(0.25f));
  r.add_output(DType::Int8, quant(0.125f));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{32, -24, -6}));
}

TEST(MulOp, Int8ZeroPointsAndSaturation) {
  // a = 0.1 (q - 3): {1, -1, 2.5, 12.4}; b = 0.2 (q + 2): {1, 2, -1, 25.8};
  // out = a * b / 0.05 + 1 = {21, -39, -49, 6399 -> 127}.
  OpRunner r(ops::register_mul());
  r.add_input<int8_t>(DType::Int8, {4}, {13, -7, 28, 127}, quant(0.1f, 3));
  r.add_input<int8_t>(DType::Int8, {4}, {3, 8, -7, 127}, quant(0.2f, -2));
  r.add_output(DType::Int8, quant(0.05f, 1));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{21, -39, -49, 127}));
}

TEST(MulOp, Int8BroadcastWithRelu) {
  // Scale 1, zero point 0 everywhere: x * 3, RELU clamps negatives to q(0) = 0.
  OpOptions o;
  o.activation = Activation::Relu;
  OpRunner r(ops::register_mul(), o);
  r.add_input<int8_t>(DType::Int8, {2, 2}, {-5, 5, 10, 50}, quant(1.0f));
  r.add_input<int8_t>(DType::Int8, {1, 1}, {3}, quant(1.0f));
  r.add_output(DType::Int8, quant(1.0f));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{0, 15, 30, 127}));
}

TEST(MulOp, RejectsUnsupportedTypeNamingOpAndType) {
  OpRunner r(ops::register_mul());
  r.add_input<uint8_t>(DType::UInt8, {1}, {1}, quant(1.0f));
  r.add_input<uint8_t>(DType::UInt8, {1}, {1}, quant(1.0f));
  r.add_output(DType::UInt8, quant(1.0f));
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "MUL");
  EXPECT_PRED2(contains, msg, "uint8");
}

TEST(MulOp, RejectsInt8WithoutQuantization) {
  OpRunner r(ops::register_mul());
  r.add_input<int8_t>(DType::Int8, {1}, {1});
  r.add_input<int8_t>(DType::Int8, {1}, {1}, quant(1.0f));
  r.add_output(DType::Int8, quant(1.0f));
  EXPECT_PRED2(contains, error_message([&] { r.prepare(); }), "per-tensor quantization");
}

}  // namespace
}  // namespace tinyfit::tflite
