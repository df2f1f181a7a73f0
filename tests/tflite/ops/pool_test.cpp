// AVERAGE_POOL_2D and MAX_POOL_2D: goldens for VALID/SAME windows (clipped at the borders), TFLite's
// int8 average rounding and activation clamps, and prepare errors.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "tflite/op_runner.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;

OpOptions pool_options(Padding padding, int filter_h, int filter_w, int stride_h, int stride_w,
                       Activation act = Activation::None) {
  OpOptions o;
  o.padding = padding;
  o.filter_h = filter_h;
  o.filter_w = filter_w;
  o.stride_h = stride_h;
  o.stride_w = stride_w;
  o.activation = act;
  return o;
}

std::vector<float> one_to(int n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  return v;
}

template <class T>
std::vector<T> run_pool(OpRegistration reg, const OpOptions& o, std::vector<int32_t> shape, const std::vector<T>& in,
                        std::vector<int32_t>* out_shape = nullptr, Quantization q = {}) {
  OpRunner r(reg, o);
  const DType type = std::is_same_v<T, float> ? DType::Float32 : DType::Int8;
  r.add_input(type, std::move(shape), in, q);
  r.add_output(type, q);
  r.run();
  if (out_shape) *out_shape = r.output_shape(0);
  return r.output_values<T>(0);
}

TEST(AveragePool2D, FloatValidGolden) {
  std::vector<int32_t> shape;
  const auto out = run_pool(ops::register_average_pool_2d(), pool_options(Padding::Valid, 2, 2, 2, 2), {1, 4, 4, 1},
                            one_to(16), &shape);
  EXPECT_EQ(shape, (std::vector<int32_t>{1, 2, 2, 1}));
  EXPECT_EQ(out, (std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f}));
}

// SAME 3x3 on 3x3 (1..9): corners average 4 values, edges 6, the centre 9.
TEST(AveragePool2D, FloatSameCountsOnlyInsideValues) {
  const auto out =
      run_pool(ops::register_average_pool_2d(), pool_options(Padding::Same, 3, 3, 1, 1), {1, 3, 3, 1}, one_to(9));
  EXPECT_EQ(out, (std::vector<float>{3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}));
}

// Window pairs {1,2} {-1,-2} {-3,2} {3,0}: sums 3, -3, -1, 3 over 2 -> (3+1)/2 = 2, (-3-1)/2 = -2,
// (-1-1)/2 = -1, (3+1)/2 = 2: halves round away from zero. RELU (zero point 0) then clamps at 0.
TEST(AveragePool2D, Int8RoundingAndActivation) {
  const std::vector<int8_t> in{1, 2, -1, -2, -3, 2, 3, 0};
  EXPECT_EQ(run_pool(ops::register_average_pool_2d(), pool_options(Padding::Valid, 1, 2, 1, 2), {1, 1, 8, 1}, in,
                     nullptr, test::quant(1.0f, 0)),
            (std::vector<int8_t>{2, -2, -1, 2}));
  EXPECT_EQ(run_pool(ops::register_average_pool_2d(), pool_options(Padding::Valid, 1, 2, 1, 2, Activation::Relu),
                     {1, 1, 8, 1}, in, nullptr, test::quant(1.0f, 0)),
            (std::vector<int8_t>{2, 0, 0, 2}));
}

TEST(AveragePool2D, Int8NeedsMatchingQuantization) {
  OpRunner r(ops::register_average_pool_2d(), pool_options(Padding::Valid, 2, 2, 2, 2));
  r.add_input(DType::Int8, {1, 2, 2, 1}, std::vector<int8_t>(4), test::quant(0.5f, 1));
  r.add_output(DType::Int8, test::quant(0.25f, 1));
  EXPECT_THROW(r.prepare(), Error);
}

TEST(MaxPool2D, FloatAndInt8Golden) {
  const auto pool = pool_options(Padding::Valid, 2, 2, 2, 2);
  EXPECT_EQ(run_pool(ops::register_max_pool_2d(), pool, {1, 4, 4, 1}, one_to(16)),
            (std::vector<float>{6, 8, 14, 16}));
  std::vector<int8_t> in(16);
  for (int i = 0; i < 16; ++i) in[static_cast<size_t>(i)] = static_cast<int8_t>(-100 + 13 * i);
  EXPECT_EQ(run_pool(ops::register_max_pool_2d(), pool, {1, 4, 4, 1}, in, nullptr, test::quant(0.1f, -5)),
            (std::vector<int8_t>{-35, -9, 69, 95}));
}

// All-negative input: SAME padding must not contribute zeros to the maximum.
TEST(MaxPool2D, PaddingNeverWins) {
  std::vector<int32_t> shape;
  EXPECT_EQ(run_pool(ops::register_max_pool_2d(), pool_options(Padding::Same, 3, 3, 1, 1), {1, 2, 2, 1},
                     std::vector<float>{-5, -3, -4, -8}, &shape),
            (std::vector<float>{-3, -3, -3, -3}));
  EXPECT_EQ(shape, (std::vector<int32_t>{1, 2, 2, 1}));
}

// RELU6 on int8 with scale 0.1, zero point -5: the clamp is [quantize(0), quantize(6)] = [-5, 55].
TEST(MaxPool2D, Int8ActivationClamp) {
  EXPECT_EQ(run_pool(ops::register_max_pool_2d(), pool_options(Padding::Valid, 1, 1, 1, 1, Activation::Relu6),
                     {1, 1, 4, 1}, std::vector<int8_t>{-20, 0, 55, 100}, nullptr, test::quant(0.1f, -5)),
            (std::vector<int8_t>{-5, 0, 55, 55}));
}

TEST(MaxPool2D, PrepareRejectsBadInputs) {
  OpRunner r(ops::register_max_pool_2d(), pool_options(Padding::Valid, 3, 3, 1, 1));
  r.add_input(DType::Float32, {1, 2, 2, 1}, std::vector<float>(4));  // window larger than the input
  r.add_output(DType::Float32);
  EXPECT_THROW(r.prepare(), Error);
  OpRunner t(ops::register_max_pool_2d(), pool_options(Padding::Valid, 1, 1, 1, 1));
  t.add_input(DType::Int32, {1, 2, 2, 1}, std::vector<int32_t>(4));
  t.add_output(DType::Int32);
  EXPECT_THROW(t.prepare(), Error);
}

}  // namespace
}  // namespace tinyfit::tflite
