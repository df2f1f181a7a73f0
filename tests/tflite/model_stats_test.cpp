// Parameter and MAC counting shared by `tinyfit inspect` and the report.
#include <gtest/gtest.h>

#include "tflite/model_stats.hpp"

namespace tinyfit::tflite {
namespace {

// input [1,5,5,2] -> CONV_2D 3x3, 4 filters, VALID -> [1,3,3,4] -> RESHAPE (int32 shape constant) -> FC 36->3.
ModelDef conv_reshape_fc() {
  ModelDef m;
  auto buffer = [&m](size_t bytes) {
    m.buffers.push_back(std::vector<uint8_t>(bytes, 1));
    return static_cast<int>(m.buffers.size() - 1);
  };
  m.tensors = {{.name = "in", .type = DType::Int8, .shape = {1, 5, 5, 2}},
               {.name = "w", .type = DType::Int8, .shape = {4, 3, 3, 2}, .buffer = buffer(72)},
               {.name = "b", .type = DType::Int32, .shape = {4}, .buffer = buffer(16)},
               {.name = "conv", .type = DType::Int8, .shape = {1, 3, 3, 4}},
               {.name = "shape", .type = DType::Int32, .shape = {2}, .buffer = buffer(8)},
               {.name = "flat", .type = DType::Int8, .shape = {1, 36}},
               {.name = "fw", .type = DType::Int8, .shape = {3, 36}, .buffer = buffer(108)},
               {.name = "fb", .type = DType::Int32, .shape = {3}, .buffer = buffer(12)},
               {.name = "out", .type = DType::Int8, .shape = {1, 3}}};
  m.operators = {{.opcode = static_cast<int32_t>(BuiltinOp::Conv2D), .inputs = {0, 1, 2}, .outputs = {3}},
                 {.opcode = static_cast<int32_t>(BuiltinOp::Reshape), .inputs = {3, 4}, .outputs = {5}},
                 {.opcode = static_cast<int32_t>(BuiltinOp::FullyConnected), .inputs = {5, 6, 7}, .outputs = {8}}};
  return m;
}

TEST(ModelStats, CountsWeightsAndBiasesButNotShapeConstants) {
  const ModelDef m = conv_reshape_fc();
  EXPECT_TRUE(is_bias_input(m, 2));
  EXPECT_TRUE(is_bias_input(m, 7));
  EXPECT_FALSE(is_bias_input(m, 4));
  EXPECT_EQ(count_parameters(m), 72 + 4 + 108 + 3);
}

TEST(ModelStats, CountsMultiplyAccumulatesPerOperator) {
  const ModelDef m = conv_reshape_fc();
  EXPECT_EQ(count_macs(m, m.operators[0]), 36 * 3 * 3 * 2);  // every output element sums kh x kw x in
  EXPECT_EQ(count_macs(m, m.operators[1]), 0);
  EXPECT_EQ(count_macs(m, m.operators[2]), 3 * 36);
}

}  // namespace
}  // namespace tinyfit::tflite
