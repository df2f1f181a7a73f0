// CONCATENATION along an axis (negative allowed). float32 (with a fused activation clamp) and int32
// copy; int8 / uint8 inputs whose scale or zero point differ from the output's are requantized with
// a fixed-point multiplier (TFLite's ConcatenationWithScaling, fixed-point variant).
#include <cstdint>
#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/activation.hpp"
#include "tflite/ref/concatenation.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops {
namespace {

struct ConcatData {
  int64_t outer = 1;
  std::vector<int64_t> slice;        // elements each input contributes per row
  std::vector<int64_t> slice_bytes;  // the same in bytes
  std::vector<ref::RequantizeParams> requantize;  // quantized types
  bool clamp = false;                             // float with a fused activation
  float lo = 0, hi = 0;
};

void prepare_quantized(const OpContext& ctx, ConcatData& d) {
  ref::QuantParams q_out;
  if (!ref::per_tensor(ctx.output(0).quant, &q_out)) ctx.fail("quantized output needs per-tensor quantization");
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    ref::QuantParams q_in;
    if (!ref::per_tensor(ctx.input(i).quant, &q_in))
      ctx.fail("input " + std::to_string(i) + " needs per-tensor quantization");
    ref::RequantizeParams r;
    r.input_zero_point = q_in.zero_point;
    r.output_zero_point = q_out.zero_point;
    r.identity = ref::same_quantization(q_in, q_out);
    ref::quantize_multiplier(static_cast<double>(q_in.scale) / static_cast<double>(q_out.scale), &r.multiplier,
                             &r.shift);
    d.requantize.push_back(r);
  }
}

void prepare(const OpContext& ctx) {
  const size_t n = ctx.num_inputs();
  if (n < 1 || ctx.num_outputs() != 1) ctx.fail("expects at least 1 input and 1 output");
  const Tensor& first = ctx.input(0);
  const DType type = first.type;
  if (type != DType::Float32 && type != DType::Int32 && type != DType::Int8 && type != DType::UInt8)
    ctx.fail(std::string("unsupported type ") + dtype_name(type));
  if (ctx.output(0).type != type)
    ctx.fail(std::string("output type ") + dtype_name(ctx.output(0).type) + " differs from input type " +
             dtype_name(type));
  const int rank = first.rank();
  const int axis = ctx.options().axis < 0 ? ctx.options().axis + rank : ctx.options().axis;
  if (axis < 0 || axis >= rank)
    ctx.fail("axis " + std::to_string(ctx.options().axis) + " is out of range for inputs of rank " +
             std::to_string(rank));
  std::vector<int32_t> shape = first.shape;
  shape[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& t = ctx.input(i);
    bool compatible = t.type == type && t.rank() == rank;
    for (int k = 0; compatible && k < rank; ++k) compatible = k == axis || t.dim(k) == first.dim(k);
    if (!compatible)
      ctx.fail("input " + std::to_string(i) + " (" + dtype_name(t.type) + " " + ref::shape_string(t.shape) +
               ") does not concatenate with input 0 (" + dtype_name(type) + " " + ref::shape_string(first.shape) +
               ") along axis " + std::to_string(axis));
    shape[static_cast<size_t>(axis)] += t.dim(axis);
  }
  ConcatData& d = ctx.make_data<ConcatData>();
  int64_t inner = 1;
  for (int k = 0; k < rank; ++k)
    if (k < axis) d.outer *= first.dim(k);
    else if (k > axis) inner *= first.dim(k);
  for (size_t i = 0; i < n; ++i) {
    d.slice.push_back(ctx.input(i).dim(axis) * inner);
    d.slice_bytes.push_back(d.slice.back() * static_cast<int64_t>(dtype_size(type)));
  }
  ctx.set_output_shape(0, std::move(shape));

  const Activation act = ctx.options().activation;
  if (type == DType::Float32) {
    if (!ref::activation_range_float(act, &d.lo, &d.hi))
      ctx.fail("unsupported fused activation " + std::to_string(static_cast<int>(act)));
    d.clamp = act != Activation::None;
    return;
  }
  if (act != Activation::None)
    ctx.fail(std::string("fused activations are supported for float32 only, not ") + dtype_name(type));
  if (type == DType::Int8 || type == DType::UInt8) prepare_quantized(ctx, d);
}

template <class T>
void eval_quantized(const OpContext& ctx, const ConcatData& d) {
  ref::concatenate_requantized(
      d.outer, static_cast<int>(ctx.num_inputs()),
      [&](int i) -> const T* { return ctx.input(static_cast<size_t>(i)).as<T>(); }, d.slice.data(),
      d.requantize.data(), ctx.output(0).as<T>());
}

void eval(const OpContext& ctx) {
  const ConcatData& d = ctx.data<ConcatData>();
  Tensor& out = ctx.output(0);
  switch (out.type) {
    case DType::Int8:
      return eval_quantized<int8_t>(ctx, d);
    case DType::UInt8:
      return eval_quantized<uint8_t>(ctx, d);
    default: {
      ref::concatenate_bytes(
          d.outer, static_cast<int>(ctx.num_inputs()),
          [&](int i) -> const uint8_t* { return ctx.input(static_cast<size_t>(i)).data; },
          [&](int i) { return d.slice_bytes[static_cast<size_t>(i)]; }, out.data);
      if (d.clamp) ref::clamp_in_place(out.as<float>(), out.num_elements(), d.lo, d.hi);
    }
  }
}

}  // namespace

OpRegistration register_concatenation() { return {BuiltinOp::Concatenation, "CONCATENATION", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
