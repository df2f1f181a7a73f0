// RESHAPE: same bytes, new shape. The shape comes from the second input when it is a 1-D int32 tensor
// known at prepare time (constant, or folded from SHAPE -> STRIDED_SLICE -> PACK), else from the
// options' new_shape; one -1 entry is inferred. Any dtype; eval copies the bytes.
#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ops/reshape_common.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops {
namespace {

std::vector<int32_t> requested_shape(const OpContext& ctx) {
  const std::vector<int32_t>& from_options = ctx.options().new_shape;
  if (ctx.has_input(1)) {
    const Tensor& s = ctx.input(1);
    const bool is_vector = s.type == DType::Int32 && s.rank() == 1;
    if (is_vector && s.is_constant) return std::vector<int32_t>(s.as<int32_t>(), s.as<int32_t>() + s.num_elements());
    if (!from_options.empty()) return from_options;
    if (is_vector) ctx.fail("shape input is not known before invoke (dynamic shapes are not supported)");
    ctx.fail(std::string("shape input must be a 1-D int32 tensor, got ") + dtype_name(s.type) + " " +
             ref::shape_string(s.shape));
  }
  // Legacy files write new_shape [0] for a scalar.
  if (from_options.size() == 1 && from_options[0] == 0) return {};
  return from_options;
}

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() < 1 || ctx.num_inputs() > 2 || ctx.num_outputs() != 1)
    ctx.fail("expects 1 or 2 inputs and 1 output");
  const Tensor& in = ctx.input(0);
  reshape_like::check_output_type(ctx);
  std::vector<int32_t> shape = requested_shape(ctx);
  int stretch = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (stretch >= 0) ctx.fail("new shape " + ref::shape_string(shape) + " has more than one -1");
      stretch = static_cast<int>(i);
    } else if (shape[i] < 0) {
      ctx.fail("new shape " + ref::shape_string(shape) + " has a negative dimension");
    } else {
      known *= shape[i];
    }
  }
  const int64_t count = in.num_elements();
  if (stretch >= 0) shape[static_cast<size_t>(stretch)] = known == 0 ? 0 : static_cast<int32_t>(count / known);
  int64_t total = 1;
  for (int32_t dim : shape) total *= dim;
  if (total != count)
    ctx.fail("cannot reshape " + ref::shape_string(in.shape) + " (" + std::to_string(count) + " elements) to " +
             ref::shape_string(shape));
  ctx.set_output_shape(0, std::move(shape));
}

}  // namespace

OpRegistration register_reshape() {
  return {BuiltinOp::Reshape, "RESHAPE", prepare, reshape_like::copy_bytes};
}

}  // namespace tinyfit::tflite::ops
