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

OpOptions concat_options(int axis, Activation activation = Activation::None) {
  OpOptions o;
  o.axis = axis;
  o.activation = activation;
  return o;
}

std::pair<std::vector<int32_t>, std::vector<float>> concat_floats(int axis, Activation activation = Activation::None) {
  OpRunner r(ops::register_concatenation(), concat_options(axis, activation));
  r.add_input<float>(DType::Float32, {2, 1}, {1, -2});
  r.add_input<float>(DType::Float32, {2, 2}, {3, 4, -5, 6});
  r.add_output(DType::Float32);
  r.run();
  return {r.output_shape(0), r.output_values<float>(0)};
}

using FloatResult = std::pair<std::vector<int32_t>, std::vector<float>>;

TEST(ConcatenationOp, FloatInnerAxisPositiveAndNegative) {
  EXPECT_EQ(concat_floats(1), (FloatResult{{2, 3}, {1, 3, 4, -2, -5, 6}}));
  EXPECT_EQ(concat_floats(-1), (FloatResult{{2, 3}, {1, 3, 4, -2, -5, 6}}));
}

TEST(ConcatenationOp, FloatFusedRelu) {
  EXPECT_EQ(concat_floats(1, Activation::Relu), (FloatResult{{2, 3}, {1, 3, 4, 0, 0, 6}}));
}

TEST(ConcatenationOp, OuterAxisAndThreeInputs) {
  OpRunner r(ops::register_concatenation(), concat_options(0));
  r.add_input<int32_t>(DType::Int32, {1, 2}, {1, 2});
  r.add_input<int32_t>(DType::Int32, {2, 2}, {3, 4, 5, 6});
  r.add_input<int32_t>(DType::Int32, {1, 2}, {7, 8});
  r.add_output(DType::Int32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{4, 2}));
  EXPECT_EQ(r.output_values<int32_t>(0), (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(ConcatenationOp, Int8SameQuantizationCopies) {
  OpRunner r(ops::register_concatenation(), concat_options(0));
  r.add_input<int8_t>(DType::Int8, {2}, {-128, 5}, quant(0.5f, 1));
  r.add_input<int8_t>(DType::Int8, {1}, {127}, quant(0.5f, 1));
  r.add_output(DType::Int8, quant(0.5f, 1));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-128, 5, 127}));
}

TEST(ConcatenationOp, Int8RequantizesDifferingInputs) {
  // Input 1 = 0.25 (q - 1): {1, -1, 0.75, -0.75, 31.5} -> output scale 0.5:
  // {2, -2, 1.5 -> 2, -1.5 -> -1 (the fixed-point multiply rounds ties up), 63}.
  OpRunner r(ops::register_concatenation(), concat_options(0));
  r.add_input<int8_t>(DType::Int8, {2}, {2, -4}, quant(0.5f, 0));
  r.add_input<int8_t>(DType::Int8, {5}, {5, -3, 4, -2, 127}, quant(0.25f, 1));
  r.add_output(DType::Int8, quant(0.5f, 0));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{2, -4, 2, -2, 2, -1, 63}));
}

TEST(ConcatenationOp, RejectsMismatchedDims) {
  OpRunner r(ops::register_concatenation(), concat_options(1));
  r.add_input<float>(DType::Float32, {2, 1}, {1, 2});
  r.add_input<float>(DType::Float32, {3, 1}, {1, 2, 3});
  r.add_output(DType::Float32);
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "CONCATENATION");
  EXPECT_PRED2(contains, msg, "does not concatenate");
}

TEST(ConcatenationOp, RejectsUnsupportedTypeAndQuantizedActivation) {
  OpRunner type(ops::register_concatenation(), concat_options(0));
  type.add_input<int16_t>(DType::Int16, {1}, {1});
  type.add_output(DType::Int16);
  const std::string msg = error_message([&] { type.prepare(); });
  EXPECT_PRED2(contains, msg, "CONCATENATION");
  EXPECT_PRED2(contains, msg, "int16");

  OpRunner act(ops::register_concatenation(), concat_options(0, Activation::Relu));
  act.add_input<int8_t>(DType::Int8, {1}, {1}, quant(1.0f));
  act.add_output(DType::Int8, quant(1.0f));
  EXPECT_PRED2(contains, error_message([&] { act.prepare(); }), "float32 only");
}

}  // namespace
}  // namespace tinyfit::tflite
