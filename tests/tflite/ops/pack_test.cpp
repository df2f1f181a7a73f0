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

OpOptions pack_options(int values_count, int axis) {
  OpOptions o;
  o.values_count = values_count;
  o.axis = axis;
  return o;
}

TEST(PackOp, ScalarsIntoShapeVector) {
  // G7 forecasting: PACK(batch, 6, 2) -> the RESHAPE target [batch, 6, 2].
  OpRunner r(ops::register_pack(), pack_options(3, 0));
  r.add_input<int32_t>(DType::Int32, {}, {1}, {}, true);
  r.add_constant<int32_t>(DType::Int32, {}, {6});
  r.add_constant<int32_t>(DType::Int32, {}, {2});
  r.add_output(DType::Int32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{3}));
  EXPECT_EQ(r.output_values<int32_t>(0), (std::vector<int32_t>{1, 6, 2}));
}

std::pair<std::vector<int32_t>, std::vector<float>> pack_floats(int axis) {
  OpRunner r(ops::register_pack(), pack_options(3, axis));
  r.add_input<float>(DType::Float32, {2}, {1, 2});
  r.add_input<float>(DType::Float32, {2}, {3, 4});
  r.add_input<float>(DType::Float32, {2}, {5, 6});
  r.add_output(DType::Float32);
  r.run();
  return {r.output_shape(0), r.output_values<float>(0)};
}

TEST(PackOp, FloatAlongEachAxis) {
  using Result = std::pair<std::vector<int32_t>, std::vector<float>>;
  EXPECT_EQ(pack_floats(0), (Result{{3, 2}, {1, 2, 3, 4, 5, 6}}));
  EXPECT_EQ(pack_floats(1), (Result{{2, 3}, {1, 3, 5, 2, 4, 6}}));
  EXPECT_EQ(pack_floats(-1), (Result{{2, 3}, {1, 3, 5, 2, 4, 6}}));
}

TEST(PackOp, Int8SharedQuantization) {
  OpRunner r(ops::register_pack(), pack_options(2, 0));
  r.add_input<int8_t>(DType::Int8, {1, 2}, {-128, 1}, quant(0.5f, 2));
  r.add_input<int8_t>(DType::Int8, {1, 2}, {127, -1}, quant(0.5f, 2));
  r.add_output(DType::Int8, quant(0.5f, 2));
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 1, 2}));
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-128, 1, 127, -1}));
}

TEST(PackOp, RejectsMismatches) {
  OpRunner quantization(ops::register_pack(), pack_options(2, 0));
  quantization.add_input<int8_t>(DType::Int8, {1}, {1}, quant(0.5f));
  quantization.add_input<int8_t>(DType::Int8, {1}, {1}, quant(0.25f));
  quantization.add_output(DType::Int8, quant(0.5f));
  const std::string msg = error_message([&] { quantization.prepare(); });
  EXPECT_PRED2(contains, msg, "PACK");
  EXPECT_PRED2(contains, msg, "quantization");

  OpRunner shapes(ops::register_pack(), pack_options(2, 0));
  shapes.add_input<float>(DType::Float32, {1}, {1});
  shapes.add_input<float>(DType::Float32, {2}, {1, 2});
  shapes.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { shapes.prepare(); }), "differs from input 0");

  OpRunner count(ops::register_pack(), pack_options(3, 0));
  count.add_input<float>(DType::Float32, {1}, {1});
  count.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { count.prepare(); }), "values_count 3");
}

}  // namespace
}  // namespace tinyfit::tflite
