// ADD: element-wise sum with broadcasting and a fused activation. float32 and int32 plain; int8 with
// TFLite's general quantized path (inputs and output may all have different scales).
#include <algorithm>
#include <array>
#include <cstdint>

#include "tflite/ops/binary_common.hpp"

namespace tinyfit::tflite::ops {
namespace {

// The reference parameters plus, for the fast path, each input's rescaled value per int8 value: the
// first two of the reference's three fixed-point multiplications depend on one int8 input each, so
// 256-entry tables give the same integers (bit-identical) and leave one addition and the output
// requantization per element. (ADD was a third of a residual KWS net's invoke time.)
struct Params : ref::QuantizedAddParams {
  std::array<int32_t, 256> scaled_a{}, scaled_b{};  // index: int8 value + 128
};

void fill_tables(Params& q) {
  for (int v = -128; v <= 127; ++v) {
    q.scaled_a[static_cast<size_t>(v + 128)] = ref::multiply_by_quantized_multiplier(
        (q.input1_offset + v) * (1 << q.left_shift), q.input1_multiplier, q.input1_shift);
    q.scaled_b[static_cast<size_t>(v + 128)] = ref::multiply_by_quantized_multiplier(
        (q.input2_offset + v) * (1 << q.left_shift), q.input2_multiplier, q.input2_shift);
  }
}

void add_same_shape_int8(const Params& q, const int8_t* __restrict a, const int8_t* __restrict b,
                         int8_t* __restrict out, int64_t n) {
  // Locals and restrict: the output cannot alias the tables, so the loop vectorizes (gathers).
  const int32_t* __restrict ta = q.scaled_a.data();
  const int32_t* __restrict tb = q.scaled_b.data();
  const int32_t multiplier = q.output_multiplier, offset = q.output_offset, lo = q.act_min, hi = q.act_max;
  const int shift = q.output_shift;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t sum = ta[a[i] + 128] + tb[b[i] + 128];
    const int32_t raw = ref::multiply_by_quantized_multiplier(sum, multiplier, shift) + offset;
    out[i] = static_cast<int8_t>(std::min(std::max(raw, lo), hi));
  }
}

void set_multipliers(const binary::BinaryQuant& s, Params& q) {
  q.left_shift = 20;
  // Same float/double mix as TFLite's Prepare, so the multipliers come out bit-identical.
  const double twice_max_input_scale = 2 * std::max(s.a.scale, s.b.scale);
  ref::quantize_multiplier(s.a.scale / twice_max_input_scale, &q.input1_multiplier, &q.input1_shift);
  ref::quantize_multiplier(s.b.scale / twice_max_input_scale, &q.input2_multiplier, &q.input2_shift);
  ref::quantize_multiplier(twice_max_input_scale / ((1 << q.left_shift) * s.out.scale), &q.output_multiplier,
                           &q.output_shift);
  fill_tables(q);
}

void prepare(const OpContext& ctx) { binary::prepare<Params>(ctx, set_multipliers); }

void eval(const OpContext& ctx) {
  const bool fast = !ctx.reference_only();
  binary::eval<Params>(
      ctx, [](const auto&... args) { ref::add(args...); },
      [fast](const Params& q, const ref::BroadcastPlan& plan, const int8_t* a, const int8_t* b, int8_t* out) {
        if (fast && plan.same_shape) return add_same_shape_int8(q, a, b, out, plan.size);
        ref::add_quantized(q, plan, a, b, out);
      });
}

}  // namespace

OpRegistration register_add() { return {BuiltinOp::Add, "ADD", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
