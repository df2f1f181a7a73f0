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

std::vector<int32_t> squeezed_shape(std::vector<int32_t> dims) {
  OpOptions o;
  o.squeeze_dims = std::move(dims);
  OpRunner r(ops::register_squeeze(), o);
  r.add_input<float>(DType::Float32, {1, 3, 1, 2}, kSix);
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_values<float>(0), kSix);
  return r.output_shape(0);
}

TEST(SqueezeOp, AllSizeOneDims) { EXPECT_EQ(squeezed_shape({}), (std::vector<int32_t>{3, 2})); }

TEST(SqueezeOp, ListedDimsNegativeAllowed) {
  // The G7 models squeeze dim -3 after a Conv1D lowered to CONV_2D.
  EXPECT_EQ(squeezed_shape({-2}), (std::vector<int32_t>{1, 3, 2}));
  EXPECT_EQ(squeezed_shape({0, 2}), (std::vector<int32_t>{3, 2}));
}

TEST(SqueezeOp, RejectsDimThatIsNotOne) {
  OpOptions o;
  o.squeeze_dims = {1};
  OpRunner r(ops::register_squeeze(), o);
  r.add_input<float>(DType::Float32, {1, 3, 1, 2}, kSix);
  r.add_output(DType::Float32);
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "SQUEEZE");
  EXPECT_PRED2(contains, msg, "cannot squeeze dim 1");
}

}  // namespace
}  // namespace tinyfit::tflite
