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

const std::vector<float> kEight{1, 2, 3, 4, 5, 6, 7, 8};

TEST(ReshapeOp, ShapeTensorWithInferredDim) {
  OpRunner r(ops::register_reshape());
  r.add_input<float>(DType::Float32, {1, 2, 4}, kEight);
  r.add_constant<int32_t>(DType::Int32, {2}, {-1, 4});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 4}));
  EXPECT_EQ(r.output_values<float>(0), kEight);
}

TEST(ReshapeOp, NewShapeFromOptions) {
  OpOptions o;
  o.new_shape = {4, 2};
  OpRunner r(ops::register_reshape(), o);
  r.add_input<int8_t>(DType::Int8, {8}, {1, 2, 3, 4, 5, 6, 7, -8}, quant(0.5f));
  r.add_output(DType::Int8, quant(0.5f));
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{4, 2}));
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, -8}));
}

TEST(ReshapeOp, NonConstantShapeFallsBackToOptions) {
  OpOptions o;
  o.new_shape = {8};
  OpRunner r(ops::register_reshape(), o);
  r.add_input<float>(DType::Float32, {2, 4}, kEight);
  r.add_input<int32_t>(DType::Int32, {1}, {8});  // computed at run time
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{8}));
}

TEST(ReshapeOp, LegacyZeroShapeMeansScalar) {
  OpOptions o;
  o.new_shape = {0};
  OpRunner r(ops::register_reshape(), o);
  r.add_input<float>(DType::Float32, {1, 1}, {42});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{}));
  EXPECT_EQ(r.output_values<float>(0), (std::vector<float>{42}));
}

TEST(ReshapeOp, RejectsBadShapes) {
  auto message = [](std::vector<int32_t> shape) {
    OpRunner r(ops::register_reshape());
    r.add_input<float>(DType::Float32, {2, 4}, kEight);
    r.add_constant<int32_t>(DType::Int32, {static_cast<int32_t>(shape.size())}, shape);
    r.add_output(DType::Float32);
    return error_message([&] { r.prepare(); });
  };
  EXPECT_PRED2(contains, message({-1, -1}), "more than one -1");
  EXPECT_PRED2(contains, message({3, 3}), "cannot reshape [2, 4]");
  EXPECT_PRED2(contains, message({-1, 3}), "RESHAPE");
}

TEST(ReshapeOp, RejectsDynamicShapeWithoutOptions) {
  OpRunner r(ops::register_reshape());
  r.add_input<float>(DType::Float32, {2, 4}, kEight);
  r.add_input<int32_t>(DType::Int32, {1}, {8});
  r.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { r.prepare(); }), "dynamic shapes");
}

}  // namespace
}  // namespace tinyfit::tflite
