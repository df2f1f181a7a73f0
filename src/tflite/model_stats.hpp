// What a model's constants are, shared by `tinyfit inspect` and the report (one rule, so the two
// cannot disagree): which tensors are weights and biases, how many parameters, how many
// multiply-accumulates an operator costs.
#pragma once

#include <cstdint>

#include "tflite/model.hpp"

namespace tinyfit::tflite {

// Types whose constant tensors are weights (float/int8/int16/uint8 storage; int32 constants are
// biases only where an operator takes them as its bias, otherwise shapes and slice bounds).
bool is_weight_type(DType t);
// The tensor is the third input (bias) of a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED.
bool is_bias_input(const ModelDef& model, int tensor);
// Elements of the distinct constant buffers holding weights or biases.
int64_t count_parameters(const ModelDef& model);
// Multiply-accumulates of one inference of `op` (0 for ops without weights). Weight layouts are
// TFLite's: conv [out, kh, kw, in], depthwise [1, kh, kw, out], fully-connected [out, in]; every output
// element costs the product of the weight dims summed over.
int64_t count_macs(const ModelDef& model, const OperatorDef& op);

}  // namespace tinyfit::tflite
