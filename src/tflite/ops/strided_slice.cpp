// STRIDED_SLICE with constant int32 begin / end / strides and TFLite's mask semantics (begin, end,
// ellipsis, new_axis, shrink_axis). The output shape and the whole index walk are planned in
// prepare; eval copies elements. Any dtype (elements are moved, never interpreted).
#include <cstdint>
#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/quant_params.hpp"
#include "tflite/ref/strided_slice.hpp"

namespace tinyfit::tflite::ops {
namespace {

std::vector<int32_t> index_values(const OpContext& ctx, size_t i, const char* what) {
  const Tensor& t = ctx.input(i);
  if (t.type != DType::Int32) ctx.fail(std::string(what) + " must be int32, got " + dtype_name(t.type));
  if (t.rank() != 1) ctx.fail(std::string(what) + " must be 1-D, got shape " + ref::shape_string(t.shape));
  if (!t.is_constant) ctx.fail(std::string(what) + " must be constant");
  return std::vector<int32_t>(t.as<int32_t>(), t.as<int32_t>() + t.num_elements());
}

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 4 || ctx.num_outputs() != 1)
    ctx.fail("expects 4 inputs (data, begin, end, strides) and 1 output");
  const Tensor& in = ctx.input(0);
  if (ctx.output(0).type != in.type)
    ctx.fail(std::string("output type ") + dtype_name(ctx.output(0).type) + " differs from input type " +
             dtype_name(in.type));
  const OpOptions& o = ctx.options();
  ref::StridedSliceSpec spec;
  spec.begin = index_values(ctx, 1, "begin");
  spec.end = index_values(ctx, 2, "end");
  spec.strides = index_values(ctx, 3, "strides");
  spec.begin_mask = o.begin_mask;
  spec.end_mask = o.end_mask;
  spec.ellipsis_mask = o.ellipsis_mask;
  spec.new_axis_mask = o.new_axis_mask;
  spec.shrink_axis_mask = o.shrink_axis_mask;
  ref::StridedSlicePlan& plan = ctx.make_data<ref::StridedSlicePlan>();
  const std::string error = ref::plan_strided_slice(in.shape, spec, &plan);
  if (!error.empty()) ctx.fail(error);
  ctx.set_output_shape(0, plan.out_shape);
}

void eval(const OpContext& ctx) {
  const ref::StridedSlicePlan& plan = ctx.data<ref::StridedSlicePlan>();
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  // Dispatch on element width: slicing only moves elements.
  switch (dtype_size(in.type)) {
    case 1:
      ref::strided_slice(plan, in.as<uint8_t>(), out.as<uint8_t>());
      break;
    case 2:
      ref::strided_slice(plan, in.as<uint16_t>(), out.as<uint16_t>());
      break;
    case 4:
      ref::strided_slice(plan, in.as<uint32_t>(), out.as<uint32_t>());
      break;
    case 8:
      ref::strided_slice(plan, in.as<uint64_t>(), out.as<uint64_t>());
      break;
    default:
      break;
  }
}

}  // namespace

OpRegistration register_strided_slice() { return {BuiltinOp::StridedSlice, "STRIDED_SLICE", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
