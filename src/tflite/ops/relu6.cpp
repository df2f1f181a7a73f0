// RELU6: min(max(0, x), 6). Same kernel as RELU (relu.cpp) with an upper bound of 6.
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite::ops {
namespace detail {
// Defined in relu.cpp: prepare for a clamp to [0, upper], and the matching eval.
void relu_x_prepare(const OpContext& ctx, float upper);
void relu_x_eval(const OpContext& ctx);
}  // namespace detail

namespace {
void prepare(const OpContext& ctx) { detail::relu_x_prepare(ctx, 6.0f); }
}  // namespace

OpRegistration register_relu6() { return {BuiltinOp::Relu6, "RELU6", prepare, detail::relu_x_eval}; }

}  // namespace tinyfit::tflite::ops
