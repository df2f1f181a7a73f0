// MUL: element-wise product with broadcasting and a fused activation. float32 and int32 plain; int8
// with one requantization multiplier input1_scale * input2_scale / output_scale (TFLite's).
#include "tflite/ops/binary_common.hpp"

namespace tinyfit::tflite::ops {
namespace {

using Params = ref::QuantizedMulParams;

void set_multipliers(const binary::BinaryQuant& s, Params& q) {
  // TFLite forms this product in float before widening to double; do the same for identical bits.
  const float real_multiplier = s.a.scale * s.b.scale / s.out.scale;
  ref::quantize_multiplier(real_multiplier, &q.output_multiplier, &q.output_shift);
}

void prepare(const OpContext& ctx) { binary::prepare<Params>(ctx, set_multipliers); }

void eval(const OpContext& ctx) {
  binary::eval<Params>(
      ctx, [](const auto&... args) { ref::mul(args...); },
      [](const auto&... args) { ref::mul_quantized(args...); });
}

}  // namespace

OpRegistration register_mul() { return {BuiltinOp::Mul, "MUL", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
