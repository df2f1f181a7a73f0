// ADD: element-wise sum with broadcasting and a fused activation. float32 and int32 plain; int8 with
// TFLite's general quantized path (inputs and output may all have different scales).
#include <algorithm>
#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/activation.hpp"
#include "tflite/ref/elementwise.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops {
namespace {

struct AddData {
  ref::BroadcastPlan plan;
  float float_min = 0, float_max = 0;
  int32_t int_min = 0, int_max = 0;
  ref::QuantizedAddParams quantized;
};

void prepare_quantized(const OpContext& ctx, AddData& d) {
  ref::QuantParams a, b, out;
  if (!ref::per_tensor(ctx.input(0).quant, &a) || !ref::per_tensor(ctx.input(1).quant, &b) ||
      !ref::per_tensor(ctx.output(0).quant, &out))
    ctx.fail("int8 inputs and output need per-tensor quantization");
  ref::QuantizedAddParams& q = d.quantized;
  q.input1_offset = -a.zero_point;
  q.input2_offset = -b.zero_point;
  q.output_offset = out.zero_point;
  q.left_shift = 20;
  // Same float/double mix as TFLite's Prepare, so the multipliers come out bit-identical.
  const double twice_max_input_scale = 2 * std::max(a.scale, b.scale);
  ref::quantize_multiplier(a.scale / twice_max_input_scale, &q.input1_multiplier, &q.input1_shift);
  ref::quantize_multiplier(b.scale / twice_max_input_scale, &q.input2_multiplier, &q.input2_shift);
  ref::quantize_multiplier(twice_max_input_scale / ((1 << q.left_shift) * out.scale), &q.output_multiplier,
                           &q.output_shift);
  if (!ref::activation_range_quantized(ctx.options().activation, out.scale, out.zero_point, -128, 127, &q.act_min,
                                       &q.act_max))
    ctx.fail("unsupported fused activation " + std::to_string(static_cast<int>(ctx.options().activation)));
}

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 2 || ctx.num_outputs() != 1) ctx.fail("expects 2 inputs and 1 output");
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const DType type = a.type;
  if (type != DType::Float32 && type != DType::Int32 && type != DType::Int8)
    ctx.fail(std::string("unsupported type ") + dtype_name(type));
  if (b.type != type || ctx.output(0).type != type)
    ctx.fail(std::string("inputs and output must share one type, got ") + dtype_name(a.type) + ", " +
             dtype_name(b.type) + " -> " + dtype_name(ctx.output(0).type));
  AddData& d = ctx.make_data<AddData>();
  if (!ref::plan_broadcast(a.shape, b.shape, &d.plan))
    ctx.fail("shapes " + ref::shape_string(a.shape) + " and " + ref::shape_string(b.shape) + " do not broadcast");
  ctx.set_output_shape(0, d.plan.out_shape);
  if (type == DType::Int8) return prepare_quantized(ctx, d);
  if (!ref::activation_range_float(ctx.options().activation, &d.float_min, &d.float_max))
    ctx.fail("unsupported fused activation " + std::to_string(static_cast<int>(ctx.options().activation)));
  ref::int_range_from_float(d.float_min, d.float_max, &d.int_min, &d.int_max);
}

void eval(const OpContext& ctx) {
  const AddData& d = ctx.data<AddData>();
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  Tensor& out = ctx.output(0);
  switch (a.type) {
    case DType::Float32:
      ref::add(d.plan, a.as<float>(), b.as<float>(), out.as<float>(), d.float_min, d.float_max);
      break;
    case DType::Int32:
      ref::add(d.plan, a.as<int32_t>(), b.as<int32_t>(), out.as<int32_t>(), d.int_min, d.int_max);
      break;
    case DType::Int8:
      ref::add_quantized(d.quantized, d.plan, a.as<int8_t>(), b.as<int8_t>(), out.as<int8_t>());
      break;
    default:
      break;  // rejected in prepare
  }
}

}  // namespace

OpRegistration register_add() { return {BuiltinOp::Add, "ADD", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
