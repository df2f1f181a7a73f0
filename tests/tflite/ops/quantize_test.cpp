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

TEST(QuantizeOp, FloatToInt8RoundsHalfAwayAndClamps) {
  // x / 0.5 = {0, 0.5, -0.5, 1.5, 200, -200} -> {0, 1, -1, 2, 200, -200}, minus 1, clamped.
  OpRunner r(ops::register_quantize());
  r.add_input<float>(DType::Float32, {1, 6}, {0.0f, 0.25f, -0.25f, 0.75f, 100.0f, -100.0f});
  r.add_output(DType::Int8, quant(0.5f, -1));
  r.run();
  EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 6}));
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-1, 0, -2, 1, 127, -128}));
}

TEST(QuantizeOp, FloatToUInt8) {
  OpRunner r(ops::register_quantize());
  r.add_input<float>(DType::Float32, {4}, {0.0f, 1.0f, -12.8f, 50.0f});
  r.add_output(DType::UInt8, quant(0.1f, 128));
  r.run();
  EXPECT_EQ(r.output_values<uint8_t>(0), (std::vector<uint8_t>{128, 138, 0, 255}));
}

TEST(QuantizeOp, Int8Requantize) {
  // 0.5 q -> 0.25 q' + 10: q' = 2 q + 10, clamped.
  OpRunner r(ops::register_quantize());
  r.add_input<int8_t>(DType::Int8, {4}, {1, -3, 60, -128}, quant(0.5f, 0));
  r.add_output(DType::Int8, quant(0.25f, 10));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{12, 4, 127, -128}));
}

TEST(QuantizeOp, Int8ToUInt8ShiftsZeroPoint) {
  OpRunner r(ops::register_quantize());
  r.add_input<int8_t>(DType::Int8, {3}, {-128, 0, 127}, quant(0.5f, -1));
  r.add_output(DType::UInt8, quant(0.5f, 127));
  r.run();
  EXPECT_EQ(r.output_values<uint8_t>(0), (std::vector<uint8_t>{0, 128, 255}));
}

TEST(QuantizeOp, RejectsUnsupportedTypesNamingOpAndType) {
  OpRunner in(ops::register_quantize());
  in.add_input<int32_t>(DType::Int32, {1}, {1});
  in.add_output(DType::Int8, quant(1.0f));
  const std::string msg = error_message([&] { in.prepare(); });
  EXPECT_PRED2(contains, msg, "QUANTIZE");
  EXPECT_PRED2(contains, msg, "int32");

  OpRunner out(ops::register_quantize());
  out.add_input<float>(DType::Float32, {1}, {1});
  out.add_output(DType::Int16, quant(1.0f));
  EXPECT_PRED2(contains, error_message([&] { out.prepare(); }), "unsupported output type int16");

  OpRunner noquant(ops::register_quantize());
  noquant.add_input<float>(DType::Float32, {1}, {1});
  noquant.add_output(DType::Int8);
  EXPECT_PRED2(contains, error_message([&] { noquant.prepare(); }), "per-tensor quantization");
}

}  // namespace
}  // namespace tinyfit::tflite
