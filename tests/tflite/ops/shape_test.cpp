#include <gtest/gtest.h>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;

TEST(ShapeOp, Int32ShapeAndFoldRequest) {
  OpRunner r(ops::register_shape());
  r.add_input<float>(DType::Float32, {1, 12}, std::vector<float>(12, 0.0f));
  r.add_output(DType::Int32);
  r.run();
  EXPECT_TRUE(r.fold_requested());
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2}));
  EXPECT_EQ(r.output_values<int32_t>(0), (std::vector<int32_t>{1, 12}));
}

TEST(ShapeOp, Int64AndScalarInput) {
  OpOptions o;
  o.out_type = DType::Int64;
  OpRunner r(ops::register_shape(), o);
  r.add_input<int8_t>(DType::Int8, {3, 1, 2}, std::vector<int8_t>(6, 0));
  r.add_output(DType::Int64);
  r.run();
  EXPECT_EQ(r.output_values<int64_t>(0), (std::vector<int64_t>{3, 1, 2}));

  OpRunner scalar(ops::register_shape());
  scalar.add_input<float>(DType::Float32, {}, {1.0f});
  scalar.add_output(DType::Int32);
  scalar.run();
  EXPECT_EQ(scalar.output_shape(0), (std::vector<int32_t>{0}));
}

TEST(ShapeOp, RejectsFloatOutput) {
  OpRunner r(ops::register_shape());
  r.add_input<float>(DType::Float32, {2}, {1, 2});
  r.add_output(DType::Float32);
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "SHAPE");
  EXPECT_PRED2(contains, msg, "float32");
}

}  // namespace
}  // namespace tinyfit::tflite
