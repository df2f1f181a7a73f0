#include "tflite/op_table.hpp"

#include <vector>

#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {

namespace {

// Built on first use (function-local static: no static-initialisation order issues).
const std::vector<OpRegistration>& table() {
  static const std::vector<OpRegistration> ops = {
      // Convolutions, fully-connected, pools (ops/conv_2d.cpp ... ops/max_pool_2d.cpp).
      ops::register_conv_2d(),
      ops::register_depthwise_conv_2d(),
      ops::register_fully_connected(),
      ops::register_average_pool_2d(),
      ops::register_max_pool_2d(),

      // ---- Element-wise, reductions, activations, shapes, type conversions ----
      // One line per op as its file lands in ops/ (declared in ops/ops.hpp):
      //   add, mul, relu, relu6, softmax, mean, reshape, squeeze, expand_dims, shape,
      //   strided_slice, pack, concatenation, quantize, dequantize
      // e.g.  ops::register_add(),
      ops::register_add(),
      ops::register_mul(),
      ops::register_relu(),
      ops::register_relu6(),
      ops::register_softmax(),
      ops::register_mean(),
      ops::register_reshape(),
      ops::register_squeeze(),
      ops::register_expand_dims(),
      ops::register_shape(),
      ops::register_strided_slice(),
      ops::register_pack(),
      ops::register_concatenation(),
      ops::register_quantize(),
      ops::register_dequantize(),
  };
  return ops;
}

}  // namespace

const OpRegistration* find_op(int32_t code) {
  for (const OpRegistration& reg : table())
    if (static_cast<int32_t>(reg.code) == code) return &reg;
  return nullptr;
}

std::span<const OpRegistration> all_ops() { return table(); }

}  // namespace tinyfit::tflite
