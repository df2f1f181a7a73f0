// MAX_POOL_2D: one NHWC input, one output; float32, or int8 with input and output sharing one
// quantization (the maximum of raw int8 values needs no requantization). Windows are clipped at the
// borders: padding never wins the maximum.
#include "tflite/ops/pool_common.hpp"

namespace tinyfit::tflite::ops {

OpRegistration register_max_pool_2d() {
  return {BuiltinOp::MaxPool2D, "MAX_POOL_2D", pool::prepare, pool::eval<ref::max_pool_float, ref::max_pool_int8>};
}

}  // namespace tinyfit::tflite::ops
