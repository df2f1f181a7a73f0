// ADD: element-wise sum with broadcasting and a fused activation. float32 and int32 plain; int8 with
// TFLite's general quantized path (inputs and output may all have different scales).
#include <algorithm>

#include "tflite/ops/binary_common.hpp"

namespace tinyfit::tflite::ops {
namespace {

using Params = ref::QuantizedAddParams;

void set_multipliers(const binary::BinaryQuant& s, Params& q) {
  q.left_shift = 20;
  // Same float/double mix as TFLite's Prepare, so the multipliers come out bit-identical.
  const double twice_max_input_scale = 2 * std::max(s.a.scale, s.b.scale);
  ref::quantize_multiplier(s.a.scale / twice_max_input_scale, &q.input1_multiplier, &q.input1_shift);
  ref::quantize_multiplier(s.b.scale / twice_max_input_scale, &q.input2_multiplier, &q.input2_shift);
  ref::quantize_multiplier(twice_max_input_scale / ((1 << q.left_shift) * s.out.scale), &q.output_multiplier,
                           &q.output_shift);
}

void prepare(const OpContext& ctx) { binary::prepare<Params>(ctx, set_multipliers); }

void eval(const OpContext& ctx) {
  binary::eval<Params>(
      ctx, [](const auto&... args) { ref::add(args...); },
      [](const auto&... args) { ref::add_quantized(args...); });
}

}  // namespace

OpRegistration register_add() { return {BuiltinOp::Add, "ADD", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
