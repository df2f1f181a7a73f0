#include <gtest/gtest.h>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;
using test::quant;
using test::contains;
using test::error_message;

OpOptions with_activation(Activation a) {
  OpOptions o;
  o.activation = a;
  return o;
}

TEST(AddOp, FloatSameShape) {
  OpRunner r(ops::register_add());
  r.add_input<float>(DType::Float32, {1, 2, 2, 1}, {-2.0f, 0.2f, 0.7f, 0.8f});
  r.add_input<float>(DType::Float32, {1, 2, 2, 1}, {0.1f, 0.2f, 0.3f, 0.5f});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 2, 2, 1}));
  const auto y = r.output_values<float>(0);
  EXPECT_FLOAT_EQ(y[0], -1.9f);
  EXPECT_FLOAT_EQ(y[1], 0.4f);
  EXPECT_FLOAT_EQ(y[2], 1.0f);
  EXPECT_FLOAT_EQ(y[3], 1.3f);
}

TEST(AddOp, FloatBiasBroadcastWithRelu) {
  // The G7 forecasting models add a [C] bias to a [1, T, C] tensor with a fused RELU.
  OpRunner r(ops::register_add(), with_activation(Activation::Relu));
  r.add_input<float>(DType::Float32, {1, 2, 3}, {1, -2, 3, -4, 5, -6});
  r.add_input<float>(DType::Float32, {3}, {1, 1, 1}, {}, true);
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{2, 0, 4, 0, 6, 0}));
}

TEST(AddOp, FloatBroadcastsBothOperands) {
  OpRunner r(ops::register_add());
  r.add_input<float>(DType::Float32, {2, 1}, {1, 2});
  r.add_input<float>(DType::Float32, {1, 3}, {10, 20, 30});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{11, 21, 31, 12, 22, 32}));
}

TEST(AddOp, FloatRelu6AndReluN1To1) {
  OpRunner r6(ops::register_add(), with_activation(Activation::Relu6));
  r6.add_input<float>(DType::Float32, {3}, {-1, 3, 7});
  r6.add_input<float>(DType::Float32, {}, {0.5f});
  r6.add_output(DType::Float32);
  r6.run();
  EXPECT_EQ(r6.output_values<float>(0), (std::vector<float>{0, 3.5f, 6}));

  OpRunner r1(ops::register_add(), with_activation(Activation::ReluN1To1));
  r1.add_input<float>(DType::Float32, {3}, {-3, 0.25f, 7});
  r1.add_input<float>(DType::Float32, {3}, {0, 0, 0});
  r1.add_output(DType::Float32);
  r1.run();
  EXPECT_EQ(r1.output_values<float>(0), (std::vector<float>{-1, 0.25f, 1}));
}

TEST(AddOp, Int32) {
  OpRunner r(ops::register_add());
  r.add_input<int32_t>(DType::Int32, {3}, {1, -5, 100});
  r.add_input<int32_t>(DType::Int32, {1}, {7});
  r.add_output(DType::Int32);
  r.run();
  EXPECT_EQ(r.output_values<int32_t>(0), (std::vector<int32_t>{8, 2, 107}));
}

TEST(AddOp, Int8SimpleScales) {
  // Inputs at scale 0.5, output at scale 1: (q1 + q2) / 2, ties away from zero.
  OpRunner r(ops::register_add());
  r.add_input<int8_t>(DType::Int8, {5}, {4, 3, -3, 10, 127}, quant(0.5f, 0));
  r.add_input<int8_t>(DType::Int8, {5}, {6, 0, 0, -10, 127}, quant(0.5f, 0));
  r.add_output(DType::Int8, quant(1.0f, 0));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{5, 2, -2, 0, 127}));
}

TEST(AddOp, Int8DifferentScalesZeroPointsAndRelu) {
  // a = 0.1 (q + 10): {0, 2, 5, -4}; b = 0.2 (q - 5): {1, -0.6, 0.4, 2}; sum {1, 1.4, 5.4, -2};
  // out = sum / 0.25 - 3 = {1, 2.6, 18.6, -11} -> {1, 3, 19, -11}; RELU clamps at q(0) = -3.
  OpRunner r(ops::register_add(), with_activation(Activation::Relu));
  r.add_input<int8_t>(DType::Int8, {4}, {-10, 10, 40, -50}, quant(0.1f, -10));
  r.add_input<int8_t>(DType::Int8, {4}, {10, 2, 7, 15}, quant(0.2f, 5));
  r.add_output(DType::Int8, quant(0.25f, -3));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{1, 3, 19, -3}));
}

TEST(AddOp, Int8BroadcastScalarAndSaturation) {
  OpRunner r(ops::register_add());
  r.add_input<int8_t>(DType::Int8, {2, 2}, {-128, -1, 0, 127}, quant(1.0f, 0));
  r.add_input<int8_t>(DType::Int8, {1}, {100}, quant(1.0f, 0));
  r.add_output(DType::Int8, quant(1.0f, 0));
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-28, 99, 100, 127}));
}

TEST(AddOp, Int8FastTablesMatchTheReferenceOnEveryInputPair) {
  // The fast path's per-value tables must give the reference's integers for all 256 x 256 pairs, for
  // scale ratios either way and a fused RELU; 29 pairs more than a multiple of 64 exercise the vector
  // path's masked tail. The last two output scales are tiny enough for an output shift of 0 (no
  // rounding divide) and of +1 (the scalar loop's left shift).
  std::vector<int8_t> a, b;
  for (int x = -128; x <= 127; ++x)
    for (int y = -128; y <= 127; ++y) {
      a.push_back(static_cast<int8_t>(x));
      b.push_back(static_cast<int8_t>(y));
    }
  for (int i = 0; i < 29; ++i) {
    a.push_back(static_cast<int8_t>(37 * i));
    b.push_back(static_cast<int8_t>(-11 * i));
  }
  const int32_t n = static_cast<int32_t>(a.size());
  struct Case { float sa; int za; float sb; int zb; float so; int zo; Activation act; };
  for (const Case& c : {Case{0.0173f, -7, 0.0419f, 12, 0.0511f, -3, Activation::None},
                        Case{0.31f, 100, 0.0077f, -128, 0.2f, 5, Activation::Relu},
                        Case{0.02f, 0, 0.02f, 0, 0.04f, 0, Activation::None},
                        Case{1e-3f, 3, 2e-3f, -2, 6e-9f, 0, Activation::None},
                        Case{1e-3f, 3, 2e-3f, -2, 2e-9f, 0, Activation::None}}) {
    std::vector<int8_t> out[2];
    for (bool reference : {true, false}) {
      OpRunner r(ops::register_add(), with_activation(c.act), reference);
      r.add_input<int8_t>(DType::Int8, {n}, a, quant(c.sa, c.za));
      r.add_input<int8_t>(DType::Int8, {n}, b, quant(c.sb, c.zb));
      r.add_output(DType::Int8, quant(c.so, c.zo));
      r.run();
      out[reference] = r.output_values<int8_t>(0);
    }
    EXPECT_EQ(out[0], out[1]) << c.sa << " " << c.sb;
  }
}

TEST(AddOp, RejectsUnsupportedTypeNamingOpAndType) {
  OpRunner r(ops::register_add());
  r.add_input<int16_t>(DType::Int16, {2}, {1, 2});
  r.add_input<int16_t>(DType::Int16, {2}, {1, 2});
  r.add_output(DType::Int16);
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "ADD");
  EXPECT_PRED2(contains, msg, "int16");
}

TEST(AddOp, RejectsIncompatibleShapesAndActivations) {
  OpRunner shapes(ops::register_add());
  shapes.add_input<float>(DType::Float32, {2, 3}, {1, 2, 3, 4, 5, 6});
  shapes.add_input<float>(DType::Float32, {2}, {1, 2});
  shapes.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { shapes.prepare(); }), "do not broadcast");

  OpRunner tanh(ops::register_add(), with_activation(Activation::Tanh));
  tanh.add_input<float>(DType::Float32, {1}, {1});
  tanh.add_input<float>(DType::Float32, {1}, {1});
  tanh.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { tanh.prepare(); }), "fused activation");

  OpRunner mixed(ops::register_add());
  mixed.add_input<float>(DType::Float32, {1}, {1});
  mixed.add_input<int32_t>(DType::Int32, {1}, {1});
  mixed.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { mixed.prepare(); }), "share one type");
}

}  // namespace
}  // namespace tinyfit::tflite
