#include <gtest/gtest.h>

#include <numeric>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;
using test::quant;

struct Slice {
  std::vector<int32_t> begin = {}, end = {}, strides = {};
  int begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
};

OpOptions options_of(const Slice& s) {
  OpOptions o;
  o.begin_mask = s.begin_mask;
  o.end_mask = s.end_mask;
  o.ellipsis_mask = s.ellipsis_mask;
  o.new_axis_mask = s.new_axis_mask;
  o.shrink_axis_mask = s.shrink_axis_mask;
  return o;
}

// Slices an int32 tensor holding 1, 2, 3, ... and returns {shape, values}.
std::pair<std::vector<int32_t>, std::vector<int32_t>> slice(std::vector<int32_t> shape, const Slice& s) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  std::vector<int32_t> values(static_cast<size_t>(n));
  std::iota(values.begin(), values.end(), 1);
  OpRunner r(ops::register_strided_slice(), options_of(s));
  r.add_input<int32_t>(DType::Int32, shape, values);
  const int32_t k = static_cast<int32_t>(s.begin.size());
  r.add_constant<int32_t>(DType::Int32, {k}, s.begin);
  r.add_constant<int32_t>(DType::Int32, {k}, s.end);
  r.add_constant<int32_t>(DType::Int32, {k}, s.strides);
  r.add_output(DType::Int32);
  r.run();
  return {r.output_shape(0), r.output_values<int32_t>(0)};
}

using Result = std::pair<std::vector<int32_t>, std::vector<int32_t>>;

TEST(StridedSliceOp, ShrinkAxisPicksBatchFromShapeVector) {
  // G7 forecasting: SHAPE [1, 12] -> x[0] with shrink_axis_mask 1 -> scalar 1.
  OpRunner r(ops::register_strided_slice(), options_of({.shrink_axis_mask = 1}));
  r.add_input<int32_t>(DType::Int32, {2}, {1, 12}, {}, true);
  r.add_constant<int32_t>(DType::Int32, {1}, {0});
  r.add_constant<int32_t>(DType::Int32, {1}, {1});
  r.add_constant<int32_t>(DType::Int32, {1}, {1});
  r.add_output(DType::Int32);
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{}));
  EXPECT_EQ(r.output_values<int32_t>(0), (std::vector<int32_t>{1}));
}

TEST(StridedSliceOp, ShrinkWithNegativeIndex) {
  // x[-1] on {1, 2, 3, 4}: the end value is ignored for a shrunk axis.
  EXPECT_EQ(slice({4}, {.begin = {-1}, .end = {0}, .strides = {1}, .shrink_axis_mask = 1}), (Result{{}, {4}}));
}

TEST(StridedSliceOp, NegativeIndices) {
  // x[-3:-1] on {1, 2, 3, 4}
  EXPECT_EQ(slice({4}, {.begin = {-3}, .end = {-1}, .strides = {1}}), (Result{{2}, {2, 3}}));
}

TEST(StridedSliceOp, BeginAndEndMasks) {
  // [[1, 2, 3], [4, 5, 6]][:2, 1:] -> begin_mask on dim 0, end_mask on dim 1.
  EXPECT_EQ(slice({2, 3}, {.begin = {1, 1}, .end = {2, 2}, .strides = {1, 1}, .begin_mask = 1, .end_mask = 2}),
            (Result{{2, 2}, {2, 3, 5, 6}}));
}

TEST(StridedSliceOp, Strides) {
  EXPECT_EQ(slice({7}, {.begin = {0}, .end = {7}, .strides = {2}}), (Result{{4}, {1, 3, 5, 7}}));
  EXPECT_EQ(slice({7}, {.begin = {1}, .end = {6}, .strides = {3}}), (Result{{2}, {2, 5}}));
}

TEST(StridedSliceOp, NegativeStrides) {
  // x[::-1]: begin/end masks with a negative stride take the whole axis backwards.
  EXPECT_EQ(slice({4}, {.begin = {0}, .end = {0}, .strides = {-1}, .begin_mask = 1, .end_mask = 1}),
            (Result{{4}, {4, 3, 2, 1}}));
  // x[-1:-5:-1]: end -5 wraps to -1, i.e. past the front.
  EXPECT_EQ(slice({4}, {.begin = {-1}, .end = {-5}, .strides = {-1}}), (Result{{4}, {4, 3, 2, 1}}));
  // x[:0:-2]
  EXPECT_EQ(slice({4}, {.begin = {0}, .end = {0}, .strides = {-2}, .begin_mask = 1}), (Result{{2}, {4, 2}}));
}

TEST(StridedSliceOp, ShrinkInnerAxisOf2D) {
  // [[1, 2, 3], [4, 5, 6]][1] -> [4, 5, 6]; [:, 2] -> [3, 6]
  EXPECT_EQ(slice({2, 3}, {.begin = {1, 0}, .end = {2, 3}, .strides = {1, 1}, .shrink_axis_mask = 1}),
            (Result{{3}, {4, 5, 6}}));
  EXPECT_EQ(slice({2, 3}, {.begin = {0, 2}, .end = {2, 3}, .strides = {1, 1}, .shrink_axis_mask = 2}),
            (Result{{2}, {3, 6}}));
}

TEST(StridedSliceOp, FewerSpecsThanDimsTakeTheRestWhole) {
  EXPECT_EQ(slice({2, 3}, {.begin = {1}, .end = {2}, .strides = {1}}), (Result{{1, 3}, {4, 5, 6}}));
}

TEST(StridedSliceOp, Ellipsis) {
  // x[..., 1:2] on [2, 2, 3] holding 1..12 -> [2, 2, 1] {2, 5, 8, 11}
  EXPECT_EQ(slice({2, 2, 3}, {.begin = {0, 1}, .end = {0, 2}, .strides = {1, 1}, .ellipsis_mask = 1}),
            (Result{{2, 2, 1}, {2, 5, 8, 11}}));
  // x[1, ...] -> [2, 3] {7..12}
  EXPECT_EQ(
      slice({2, 2, 3}, {.begin = {1, 0}, .end = {2, 0}, .strides = {1, 1}, .ellipsis_mask = 2, .shrink_axis_mask = 1}),
      (Result{{2, 3}, {7, 8, 9, 10, 11, 12}}));
}

TEST(StridedSliceOp, NewAxis) {
  // x[newaxis, :] on {1, 2, 3} -> [1, 3]; x[:, newaxis] -> [3, 1]
  EXPECT_EQ(slice({3}, {.begin = {0, 0}, .end = {0, 0}, .strides = {1, 1}, .end_mask = 2, .new_axis_mask = 1}),
            (Result{{1, 3}, {1, 2, 3}}));
  EXPECT_EQ(slice({3}, {.begin = {0, 0}, .end = {0, 0}, .strides = {1, 1}, .end_mask = 1, .new_axis_mask = 2}),
            (Result{{3, 1}, {1, 2, 3}}));
}

TEST(StridedSliceOp, OutOfRangeBoundsClampToEmpty) {
  EXPECT_EQ(slice({3}, {.begin = {5}, .end = {7}, .strides = {1}}), (Result{{0}, {}}));
  EXPECT_EQ(slice({3}, {.begin = {-10}, .end = {10}, .strides = {1}}), (Result{{3}, {1, 2, 3}}));
}

TEST(StridedSliceOp, FloatAndInt8) {
  OpRunner f(ops::register_strided_slice());
  f.add_input<float>(DType::Float32, {2, 2}, {0.5f, 1.5f, 2.5f, 3.5f});
  f.add_constant<int32_t>(DType::Int32, {2}, {0, 1});
  f.add_constant<int32_t>(DType::Int32, {2}, {2, 2});
  f.add_constant<int32_t>(DType::Int32, {2}, {1, 1});
  f.add_output(DType::Float32);
  f.run();
  EXPECT_EQ(f.output_shape(0), (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(f.output_values<float>(0), (std::vector<float>{1.5f, 3.5f}));

  OpRunner q(ops::register_strided_slice());
  q.add_input<int8_t>(DType::Int8, {4}, {-128, -1, 1, 127}, quant(0.5f, 3));
  q.add_constant<int32_t>(DType::Int32, {1}, {1});
  q.add_constant<int32_t>(DType::Int32, {1}, {4});
  q.add_constant<int32_t>(DType::Int32, {1}, {2});
  q.add_output(DType::Int8, quant(0.5f, 3));
  q.run();
  EXPECT_EQ(q.output_values<int8_t>(0), (std::vector<int8_t>{-1, 127}));
}

TEST(StridedSliceOp, RejectsZeroStrideAndDynamicBegin) {
  OpRunner zero(ops::register_strided_slice());
  zero.add_input<int32_t>(DType::Int32, {3}, {1, 2, 3});
  zero.add_constant<int32_t>(DType::Int32, {1}, {0});
  zero.add_constant<int32_t>(DType::Int32, {1}, {3});
  zero.add_constant<int32_t>(DType::Int32, {1}, {0});
  zero.add_output(DType::Int32);
  const std::string msg = error_message([&] { zero.prepare(); });
  EXPECT_PRED2(contains, msg, "STRIDED_SLICE");
  EXPECT_PRED2(contains, msg, "stride must be non-zero");

  OpRunner dynamic(ops::register_strided_slice());
  dynamic.add_input<int32_t>(DType::Int32, {3}, {1, 2, 3});
  dynamic.add_input<int32_t>(DType::Int32, {1}, {0});
  dynamic.add_constant<int32_t>(DType::Int32, {1}, {3});
  dynamic.add_constant<int32_t>(DType::Int32, {1}, {1});
  dynamic.add_output(DType::Int32);
  EXPECT_PRED2(contains, error_message([&] { dynamic.prepare(); }), "begin must be constant");
}

TEST(StridedSliceOp, RejectsShrinkIndexOutOfRange) {
  OpRunner r(ops::register_strided_slice(), options_of({.shrink_axis_mask = 1}));
  r.add_input<int32_t>(DType::Int32, {2}, {1, 12});
  r.add_constant<int32_t>(DType::Int32, {1}, {2});
  r.add_constant<int32_t>(DType::Int32, {1}, {3});
  r.add_constant<int32_t>(DType::Int32, {1}, {1});
  r.add_output(DType::Int32);
  EXPECT_PRED2(contains, error_message([&] { r.prepare(); }), "out of range");
}

}  // namespace
}  // namespace tinyfit::tflite
