// EXPAND_DIMS: inserts a size-1 dim at the position given by the (constant) axis input; negative
// axes count from the end of the output (axis + rank + 1). Any dtype; eval copies the bytes.
#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ops/reshape_common.hpp"

namespace tinyfit::tflite::ops {
namespace {

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 2 || ctx.num_outputs() != 1) ctx.fail("expects 2 inputs (data, axis) and 1 output");
  const Tensor& in = ctx.input(0);
  const Tensor& axis_tensor = ctx.input(1);
  reshape_like::check_output_type(ctx);
  if (axis_tensor.type != DType::Int32 && axis_tensor.type != DType::Int64)
    ctx.fail(std::string("axis must be int32 or int64, got ") + dtype_name(axis_tensor.type));
  if (axis_tensor.num_elements() != 1) ctx.fail("axis must hold exactly one value");
  if (!axis_tensor.is_constant) ctx.fail("axis must be constant");
  const int64_t raw = axis_tensor.type == DType::Int32 ? axis_tensor.as<int32_t>()[0] : axis_tensor.as<int64_t>()[0];
  const int rank = in.rank();
  const int64_t axis = raw < 0 ? raw + rank + 1 : raw;
  if (axis < 0 || axis > rank)
    ctx.fail("axis " + std::to_string(raw) + " is out of range for an input of rank " + std::to_string(rank));
  std::vector<int32_t> shape = in.shape;
  shape.insert(shape.begin() + axis, 1);
  ctx.set_output_shape(0, std::move(shape));
}

}  // namespace

OpRegistration register_expand_dims() {
  return {BuiltinOp::ExpandDims, "EXPAND_DIMS", prepare, reshape_like::copy_bytes};
}

}  // namespace tinyfit::tflite::ops
