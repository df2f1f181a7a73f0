#include "tflite/batch_runner.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "core/error.hpp"

namespace tinyfit::tflite {

namespace {
// x -> relu(x) over [1, 3]
ModelDef relu_model(DType io) {
  ModelDef m;
  TensorDef t{.type = io, .shape = {1, 3}};
  if (io == DType::Int8) t.quant = Quantization{.scale = {0.5f}, .zero_point = {-10}};
  m.tensors = {t, t};
  m.operators.push_back(OperatorDef{.opcode = static_cast<int32_t>(BuiltinOp::Relu), .inputs = {0}, .outputs = {1}});
  m.inputs = {0};
  m.outputs = {1};
  return m;
}
}  // namespace

TEST(BatchRunner, RunsEveryItemInOrderOnManyThreads) {
  const ModelDef m = relu_model(DType::Float32);
  std::vector<float> in;
  for (int i = 0; i < 100; ++i) in.insert(in.end(), {float(i), -float(i), 0.5f});
  const auto out = run_batch(m, in, 100, {}, 2);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(out[3 * i], static_cast<float>(i));
    EXPECT_EQ(out[3 * i + 1], 0.0f);
    EXPECT_EQ(out[3 * i + 2], 0.5f);
  }
}

TEST(BatchRunner, QuantizesInt8InputsAndDequantizesOutputs) {
  const ModelDef m = relu_model(DType::Int8);
  // scale 0.5, zero point -10: 1.25 -> round(2.5) - 10 = -7 -> 1.5; -3 -> -16 -> relu -> -10 -> 0
  const std::vector<float> in = {1.25f, -3.0f, 100.0f};
  const auto out = run_batch(m, in, 1, {}, 1);
  EXPECT_FLOAT_EQ(out[0], 1.5f);
  EXPECT_FLOAT_EQ(out[1], 0.0f);
  EXPECT_FLOAT_EQ(out[2], 0.5f * (127 + 10));  // clamped to the int8 range
}

TEST(BatchRunner, RejectsWrongInputSize) {
  const ModelDef m = relu_model(DType::Float32);
  const std::vector<float> in(7);
  EXPECT_THROW(run_batch(m, in, 2, {}, 1), Error);
}

}  // namespace tinyfit::tflite
