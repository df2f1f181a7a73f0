// PACK: stacks values_count same-shaped inputs along a new axis (negative counts from the end of the
// output). Any dtype; quantized inputs must share the output's quantization (TFLite does not
// rescale here). Eval copies rows.
#include <cstdint>
#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/concatenation.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops {
namespace {

struct PackData {
  int64_t outer = 1;
  int64_t slice_bytes = 0;  // every input's contribution to one output row
};

void prepare(const OpContext& ctx) {
  const int n = static_cast<int>(ctx.num_inputs());
  if (n < 1 || ctx.num_outputs() != 1) ctx.fail("expects at least 1 input and 1 output");
  if (ctx.options().values_count != 0 && ctx.options().values_count != n)
    ctx.fail("values_count " + std::to_string(ctx.options().values_count) + " differs from the " +
             std::to_string(n) + " inputs");
  const Tensor& first = ctx.input(0);
  const Tensor& out = ctx.output(0);
  if (out.type != first.type)
    ctx.fail(std::string("output type ") + dtype_name(out.type) + " differs from input type " + dtype_name(first.type));
  const bool quantized = first.type == DType::Int8 || first.type == DType::UInt8 || first.type == DType::Int16;
  ref::QuantParams q_out;
  if (quantized && !ref::per_tensor(out.quant, &q_out)) ctx.fail("quantized output needs per-tensor quantization");
  for (int i = 0; i < n; ++i) {
    const Tensor& t = ctx.input(static_cast<size_t>(i));
    if (t.type != first.type || t.shape != first.shape)
      ctx.fail("input " + std::to_string(i) + " (" + dtype_name(t.type) + " " + ref::shape_string(t.shape) +
               ") differs from input 0 (" + dtype_name(first.type) + " " + ref::shape_string(first.shape) + ")");
    ref::QuantParams q;
    if (quantized && (!ref::per_tensor(t.quant, &q) || !ref::same_quantization(q, q_out)))
      ctx.fail("input " + std::to_string(i) + " must share the output's quantization");
  }
  const int rank = first.rank();
  const int axis = ctx.options().axis < 0 ? ctx.options().axis + rank + 1 : ctx.options().axis;
  if (axis < 0 || axis > rank)
    ctx.fail("axis " + std::to_string(ctx.options().axis) + " is out of range for inputs of rank " +
             std::to_string(rank));
  PackData& d = ctx.make_data<PackData>();
  int64_t inner = 1;
  for (int i = 0; i < rank; ++i) (i < axis ? d.outer : inner) *= first.dim(i);
  d.slice_bytes = inner * static_cast<int64_t>(dtype_size(first.type));
  std::vector<int32_t> shape = first.shape;
  shape.insert(shape.begin() + axis, n);
  ctx.set_output_shape(0, std::move(shape));
}

void eval(const OpContext& ctx) {
  const PackData& d = ctx.data<PackData>();
  ref::concatenate_bytes(
      d.outer, static_cast<int>(ctx.num_inputs()),
      [&](int i) -> const uint8_t* { return ctx.input(static_cast<size_t>(i)).data; },
      [&](int) { return d.slice_bytes; }, ctx.output(0).data);
}

}  // namespace

OpRegistration register_pack() { return {BuiltinOp::Pack, "PACK", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
