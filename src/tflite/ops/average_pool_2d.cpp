// AVERAGE_POOL_2D: one NHWC input, one output; float32, or int8 with input and output sharing one
// quantization (the int8 kernel averages raw values with rounding (sum ± count/2) / count and does
// not requantize). Windows are clipped at the borders: padding never counts towards the mean.
#include "tflite/ops/pool_common.hpp"

namespace tinyfit::tflite::ops {

OpRegistration register_average_pool_2d() {
  return {BuiltinOp::AveragePool2D, "AVERAGE_POOL_2D", pool::prepare, pool::eval<ref::average_pool_float, ref::average_pool_int8>};
}

}  // namespace tinyfit::tflite::ops
