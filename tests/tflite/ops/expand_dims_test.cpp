#include <gtest/gtest.h>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;

const std::vector<float> kSix{1, 2, 3, 4, 5, 6};

template <class AxisT>
std::vector<int32_t> expanded_shape(DType axis_type, AxisT axis, std::vector<int32_t> in_shape = {2, 3}) {
  OpRunner r(ops::register_expand_dims());
  r.add_input<float>(DType::Float32, in_shape, kSix);
  r.add_constant<AxisT>(axis_type, {}, {axis});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_values<float>(0), kSix);
  return r.output_shape(0);
}

TEST(ExpandDimsOp, PositiveAndNegativeAxes) {
  EXPECT_EQ(expanded_shape<int32_t>(DType::Int32, 0), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(expanded_shape<int32_t>(DType::Int32, 2), (std::vector<int32_t>{2, 3, 1}));
  EXPECT_EQ(expanded_shape<int32_t>(DType::Int32, -1), (std::vector<int32_t>{2, 3, 1}));
  EXPECT_EQ(expanded_shape<int64_t>(DType::Int64, 1), (std::vector<int32_t>{2, 1, 3}));
  // The G7 forecasting models: [1, 6, 2] with axis -3 -> [1, 1, 6, 2].
  EXPECT_EQ(expanded_shape<int32_t>(DType::Int32, -3, {1, 3, 2}), (std::vector<int32_t>{1, 1, 3, 2}));
}

TEST(ExpandDimsOp, RejectsOutOfRangeAxis) {
  OpRunner r(ops::register_expand_dims());
  r.add_input<float>(DType::Float32, {2, 3}, kSix);
  r.add_constant<int32_t>(DType::Int32, {1}, {3});
  r.add_output(DType::Float32);
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "EXPAND_DIMS");
  EXPECT_PRED2(contains, msg, "out of range");
}

TEST(ExpandDimsOp, RejectsFloatAxis) {
  OpRunner r(ops::register_expand_dims());
  r.add_input<float>(DType::Float32, {2, 3}, kSix);
  r.add_constant<float>(DType::Float32, {1}, {0});
  r.add_output(DType::Float32);
  EXPECT_PRED2(contains, error_message([&] { r.prepare(); }), "float32");
}

}  // namespace
}  // namespace tinyfit::tflite
