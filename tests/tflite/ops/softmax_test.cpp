#include <gtest/gtest.h>

#include <cmath>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;
using test::quant;

const Quantization kSoftmaxOut = quant(1.0f / 256, -128);

TEST(SoftmaxOp, FloatRowsOverLastDim) {
  OpRunner r(ops::register_softmax());
  r.add_input<float>(DType::Float32, {2, 3}, {1, 2, 3, 10, 10, 10});
  r.add_output(DType::Float32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 3}));
  const auto y = r.output_values<float>(0);
  // e^-2, e^-1, 1 over their sum 1.5032147.
  EXPECT_NEAR(y[0], 0.09003057f, 1e-7);
  EXPECT_NEAR(y[1], 0.24472847f, 1e-7);
  EXPECT_NEAR(y[2], 0.66524096f, 1e-7);
  for (int i = 3; i < 6; ++i) EXPECT_NEAR(y[static_cast<size_t>(i)], 1.0f / 3, 1e-7);
}

TEST(SoftmaxOp, FloatBeta) {
  // beta 2 on {0, ln(3)/2}: exp(2x) = {1, 3} -> {1/4, 3/4}.
  OpOptions o;
  o.beta = 2.0f;
  OpRunner r(ops::register_softmax(), o);
  r.add_input<float>(DType::Float32, {1, 2}, {0.0f, 0.5f * std::log(3.0f)});
  r.add_output(DType::Float32);
  r.run();
  const auto y = r.output_values<float>(0);
  EXPECT_NEAR(y[0], 0.25f, 1e-7);
  EXPECT_NEAR(y[1], 0.75f, 1e-7);
}

TEST(SoftmaxOp, Int8UniformRow) {
  // Four equal logits: 1/4 each = 64/256 -> -128 + 64.
  OpRunner r(ops::register_softmax());
  r.add_input<int8_t>(DType::Int8, {1, 4}, {5, 5, 5, 5}, quant(0.1f));
  r.add_output(DType::Int8, kSoftmaxOut);
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-64, -64, -64, -64}));
}

TEST(SoftmaxOp, Int8MatchesRoundedProbabilities) {
  // Input scale 1/16: logits {0, 1, 2} -> {0.0900, 0.2447, 0.6652} * 256 = {23.05, 62.65, 170.30}.
  // Second row: a dominant logit saturates at 127 and the tiny ones floor at -128.
  OpRunner r(ops::register_softmax());
  r.add_input<int8_t>(DType::Int8, {2, 3}, {0, 16, 32, 127, -128, -100}, quant(1.0f / 16));
  r.add_output(DType::Int8, kSoftmaxOut);
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-105, -65, 42, 127, -128, -128}));
}

TEST(SoftmaxOp, Int8BetaAndZeroPoint) {
  // zero point 20 cancels; beta 0.5 halves the logits: (q - 20) / 8 * 0.5 = {0, 1, 2} again.
  OpOptions o;
  o.beta = 0.5f;
  OpRunner r(ops::register_softmax(), o);
  r.add_input<int8_t>(DType::Int8, {3}, {20, 36, 52}, quant(1.0f / 8, 20));
  r.add_output(DType::Int8, kSoftmaxOut);
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-105, -65, 42}));
}

TEST(SoftmaxOp, RejectsWrongInt8OutputQuantization) {
  OpRunner r(ops::register_softmax());
  r.add_input<int8_t>(DType::Int8, {2}, {1, 2}, quant(0.1f));
  r.add_output(DType::Int8, quant(1.0f / 128, 0));
  EXPECT_PRED2(contains, error_message([&] { r.prepare(); }), "1/256");
}

TEST(SoftmaxOp, RejectsUnsupportedTypeNamingOpAndType) {
  OpRunner r(ops::register_softmax());
  r.add_input<int16_t>(DType::Int16, {2}, {1, 2}, quant(0.1f));
  r.add_output(DType::Int16, quant(1.0f / 32768));
  const std::string msg = error_message([&] { r.prepare(); });
  EXPECT_PRED2(contains, msg, "SOFTMAX");
  EXPECT_PRED2(contains, msg, "int16");
}

}  // namespace
}  // namespace tinyfit::tflite
