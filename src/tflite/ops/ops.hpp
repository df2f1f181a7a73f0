// Every op tinyfit runs: one file each in this folder, each defining its register_<op>().
// The op table (op_table.cpp) lists them all.
#pragma once

#include "tflite/op.hpp"

namespace tinyfit::tflite::ops {

// Convolutions, fully-connected and pools (float32, int8, hybrid int8-weights/float-activations).
OpRegistration register_conv_2d();
OpRegistration register_depthwise_conv_2d();
OpRegistration register_fully_connected();
OpRegistration register_average_pool_2d();
OpRegistration register_max_pool_2d();

// Element-wise, reductions, activations, shapes and type conversions.
OpRegistration register_add();
OpRegistration register_mul();
OpRegistration register_relu();
OpRegistration register_relu6();
OpRegistration register_softmax();
OpRegistration register_mean();
OpRegistration register_reshape();
OpRegistration register_squeeze();
OpRegistration register_expand_dims();
OpRegistration register_shape();
OpRegistration register_strided_slice();
OpRegistration register_pack();
OpRegistration register_concatenation();
OpRegistration register_quantize();
OpRegistration register_dequantize();

}  // namespace tinyfit::tflite::ops
