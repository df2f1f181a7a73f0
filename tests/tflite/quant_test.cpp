#include "tflite/ref/quant.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace tinyfit::tflite::ref {

TEST(QuantizeMultiplier, RepresentsTypicalScales) {
  int32_t q = 0;
  int shift = 0;
  quantize_multiplier(0.5, &q, &shift);
  EXPECT_EQ(q, 1 << 30);
  EXPECT_EQ(shift, 0);
  quantize_multiplier(3.0, &q, &shift);
  EXPECT_EQ(multiply_by_quantized_multiplier(100, q, shift), 300);
  quantize_multiplier(1e-12, &q, &shift);  // below 2^-31 x 2^-31: flushed to zero
  EXPECT_EQ(q, 0);
}

TEST(QuantizeMultiplier, RejectsAbsurdScaleRatios) {
  // Found by fuzzing: a hostile file's scales implied a left shift of 115.
  int32_t q = 0;
  int shift = 0;
  EXPECT_THROW(quantize_multiplier(1e35, &q, &shift), Error);
  EXPECT_NO_THROW(quantize_multiplier(1e8, &q, &shift));
}

TEST(MultiplyByQuantizedMultiplier, LargeLeftShiftWrapsWithoutUndefinedBehaviour) {
  int32_t q = 0;
  int shift = 0;
  quantize_multiplier(1 << 20, &q, &shift);
  EXPECT_EQ(shift, 21);
  EXPECT_EQ(multiply_by_quantized_multiplier(1, q, shift), 1 << 20);
  // 4096 << 21 overflows int32: TFLite's compiled code wraps; so do we (defined, no UB).
  (void)multiply_by_quantized_multiplier(4096, q, shift);
}

}  // namespace tinyfit::tflite::ref

// The int8 kernels' accumulation bounds (ops/int8_limits.hpp), found by fuzzing: a hostile
// fully-connected layer with a huge depth overflowed int32 accumulators.
#include "tflite/ops/int8_limits.hpp"

namespace tinyfit::tflite::ops {

TEST(IntegerAccumulation, RejectsOverlongReductionsAndHugeBiases) {
  std::vector<Tensor> tensors(1);
  OperatorDef op{.opcode = static_cast<int32_t>(BuiltinOp::FullyConnected)};
  std::any data;
  const OpContext ctx(tensors, op, 7, data, false);
  EXPECT_NO_THROW(check_integer_accumulation(ctx, 4096, nullptr));
  EXPECT_THROW(check_integer_accumulation(ctx, kMaxIntegerReduction + 1, nullptr), Error);
  std::vector<int32_t> bias = {5, -(1 << 30)};
  Tensor b;
  b.type = DType::Int32;
  b.shape = {2};
  b.data = reinterpret_cast<uint8_t*>(bias.data());
  try {
    check_integer_accumulation(ctx, 16, &b);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 7 (FULLY_CONNECTED)"), std::string::npos) << e.what();
  }
}

}  // namespace tinyfit::tflite::ops

#include "tflite/model_check.hpp"

namespace tinyfit::tflite {

TEST(ModelCheck, ZeroPointMustFitTheTensorType) {
  // Found by fuzzing: an int8 tensor with zero point -536871040 overflowed the fast FC's offsets.
  ModelDef m;
  m.tensors.push_back(TensorDef{.type = DType::Int8, .shape = {1, 4}, .quant = {.scale = {0.5f}, .zero_point = {127}}});
  m.inputs = {0};
  m.outputs = {0};
  EXPECT_NO_THROW(check_model(m, "ok.tflite"));
  m.tensors[0].quant.zero_point = {128};
  EXPECT_THROW(check_model(m, "bad.tflite"), Error);
  m.tensors[0].type = DType::UInt8;
  EXPECT_NO_THROW(check_model(m, "ok.tflite"));
  m.tensors[0].quant.zero_point = {-1};
  EXPECT_THROW(check_model(m, "bad.tflite"), Error);
}

}  // namespace tinyfit::tflite
