// ADD: element-wise sum with broadcasting and a fused activation. float32 and int32 plain; int8 with
// TFLite's general quantized path (inputs and output may all have different scales).
#include <algorithm>
#include <array>
#include <cstdint>

#include "tflite/fast/add.hpp"
#include "tflite/ops/binary_common.hpp"

namespace tinyfit::tflite::ops {
namespace {

// The reference parameters plus the fast path's tables (fast/add.hpp).
struct Params : ref::QuantizedAddParams {
  fast::AddTables tables;
};

void fill_tables(Params& q) {
  fast::AddTables& t = q.tables;
  for (int v = -128; v <= 127; ++v) {
    t.scaled_a[static_cast<size_t>(v + 128)] = ref::multiply_by_quantized_multiplier(
        (q.input1_offset + v) * (1 << q.left_shift), q.input1_multiplier, q.input1_shift);
    t.scaled_b[static_cast<size_t>(v + 128)] = ref::multiply_by_quantized_multiplier(
        (q.input2_offset + v) * (1 << q.left_shift), q.input2_multiplier, q.input2_shift);
  }
  t.output_multiplier = q.output_multiplier;
  t.output_shift = q.output_shift;
  t.output_offset = q.output_offset;
  t.act_min = q.act_min;
  t.act_max = q.act_max;
  t.finish();
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
        if (fast && plan.same_shape) return fast::add_int8(q.tables, a, b, out, plan.size);
        ref::add_quantized(q, plan, a, b, out);
      });
}

}  // namespace

OpRegistration register_add() { return {BuiltinOp::Add, "ADD", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
