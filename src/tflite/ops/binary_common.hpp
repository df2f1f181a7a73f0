// What ADD and MUL share: both are broadcasting binary element-wise ops with a fused activation over
// float32 / int32 / int8, and differ only in the kernels and in how the int8 multipliers are derived.
// Keeping the checks here means the two ops cannot drift apart in what they accept or how they fail.
#pragma once

#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/activation.hpp"
#include "tflite/ref/elementwise.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops::binary {

// Op data of one binary op; QuantizedParams is the op's int8 parameter struct (ref::Quantized*Params).
template <class QuantizedParams>
struct BinaryData {
  ref::BroadcastPlan plan;
  float float_min = 0, float_max = 0;
  int32_t int_min = 0, int_max = 0;
  QuantizedParams quantized;
};

// Per-tensor scales and zero points of both inputs and the output, as set_multipliers sees them.
struct BinaryQuant {
  ref::QuantParams a, b, out;
};

// int8: offsets and activation clamp are the same for every binary op; set_multipliers(BinaryQuant,
// QuantizedParams&) fills the op-specific multipliers (each op reproduces TFLite's own float/double
// mix there, so that must stay in the op); it runs last, so it may also build tables from the rest.
template <class QuantizedParams, class SetMultipliers>
void prepare_quantized(const OpContext& ctx, QuantizedParams& q, SetMultipliers&& set_multipliers) {
  BinaryQuant s;
  if (!ref::per_tensor(ctx.input(0).quant, &s.a) || !ref::per_tensor(ctx.input(1).quant, &s.b) ||
      !ref::per_tensor(ctx.output(0).quant, &s.out))
    ctx.fail("int8 inputs and output need per-tensor quantization");
  q.input1_offset = -s.a.zero_point;
  q.input2_offset = -s.b.zero_point;
  q.output_offset = s.out.zero_point;
  if (!ref::activation_range_quantized(ctx.options().activation, s.out.scale, s.out.zero_point, -128, 127, &q.act_min,
                                       &q.act_max))
    ctx.fail("unsupported fused activation " + std::to_string(static_cast<int>(ctx.options().activation)));
  set_multipliers(s, q);  // last: an op may build tables from the offsets and clamp too
}

// Whole prepare: arity and type checks, broadcast plan and output shape, then the activation range
// (float / int32) or the int8 parameters via prepare_quantized.
template <class QuantizedParams, class SetMultipliers>
void prepare(const OpContext& ctx, SetMultipliers&& set_multipliers) {
  if (ctx.num_inputs() != 2 || ctx.num_outputs() != 1) ctx.fail("expects 2 inputs and 1 output");
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const DType type = a.type;
  if (type != DType::Float32 && type != DType::Int32 && type != DType::Int8)
    ctx.fail(std::string("unsupported type ") + dtype_name(type));
  if (b.type != type || ctx.output(0).type != type)
    ctx.fail(std::string("inputs and output must share one type, got ") + dtype_name(a.type) + ", " +
             dtype_name(b.type) + " -> " + dtype_name(ctx.output(0).type));
  auto& d = ctx.make_data<BinaryData<QuantizedParams>>();
  if (!ref::plan_broadcast(a.shape, b.shape, &d.plan))
    ctx.fail("shapes " + ref::shape_string(a.shape) + " and " + ref::shape_string(b.shape) + " do not broadcast");
  ctx.set_output_shape(0, d.plan.out_shape);
  if (type == DType::Int8) return prepare_quantized(ctx, d.quantized, set_multipliers);
  if (!ref::activation_range_float(ctx.options().activation, &d.float_min, &d.float_max))
    ctx.fail("unsupported fused activation " + std::to_string(static_cast<int>(ctx.options().activation)));
  ref::int_range_from_float(d.float_min, d.float_max, &d.int_min, &d.int_max);
}

// Type dispatch of eval. plain(plan, a, b, out, lo, hi) is the float32 / int32 kernel (a generic
// lambda over ref::add / ref::mul), quantized(params, plan, a, b, out) the int8 one; both inline.
template <class QuantizedParams, class Plain, class Quantized>
void eval(const OpContext& ctx, Plain&& plain, Quantized&& quantized) {
  const auto& d = ctx.data<BinaryData<QuantizedParams>>();
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  Tensor& out = ctx.output(0);
  switch (a.type) {
    case DType::Float32:
      plain(d.plan, a.as<float>(), b.as<float>(), out.as<float>(), d.float_min, d.float_max);
      break;
    case DType::Int32:
      plain(d.plan, a.as<int32_t>(), b.as<int32_t>(), out.as<int32_t>(), d.int_min, d.int_max);
      break;
    case DType::Int8:
      quantized(d.quantized, d.plan, a.as<int8_t>(), b.as<int8_t>(), out.as<int8_t>());
      break;
    default:
      break;  // rejected in prepare
  }
}

}  // namespace tinyfit::tflite::ops::binary
