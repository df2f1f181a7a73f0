// The TFLite builtin operator codes tinyfit reads, runs and writes. Values are the schema's
// BuiltinOperator values (they travel in files).
#pragma once

#include <cstdint>

namespace tinyfit::tflite {

enum class BuiltinOp : int32_t {
  Add = 0,
  AveragePool2D = 1,
  Concatenation = 2,
  Conv2D = 3,
  DepthwiseConv2D = 4,
  Dequantize = 6,
  FullyConnected = 9,
  Logistic = 14,
  MaxPool2D = 17,
  Mul = 18,
  Relu = 19,
  Relu6 = 21,
  Reshape = 22,
  Softmax = 25,
  Tanh = 28,
  Pad = 34,
  Transpose = 39,
  Mean = 40,
  Sub = 41,
  Squeeze = 43,
  StridedSlice = 45,
  ExpandDims = 70,
  Shape = 77,
  Pack = 83,
  Quantize = 114,
};

// "CONV_2D" etc. for any code (also ones tinyfit does not run, so errors can name them).
const char* builtin_op_name(int32_t code);

}  // namespace tinyfit::tflite
