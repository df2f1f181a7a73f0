// SQUEEZE: drops the listed size-1 dims (negative allowed), or every size-1 dim when none are
// listed. Any dtype; eval copies the bytes.
#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ops/reshape_common.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops {
namespace {

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) ctx.fail("expects 1 input and 1 output");
  const Tensor& in = ctx.input(0);
  reshape_like::check_output_type(ctx);
  const int rank = in.rank();
  const std::vector<int32_t>& dims = ctx.options().squeeze_dims;
  std::vector<bool> drop(static_cast<size_t>(rank), dims.empty());
  if (dims.empty()) {
    for (int i = 0; i < rank; ++i) drop[static_cast<size_t>(i)] = in.dim(i) == 1;
  } else {
    for (int32_t d : dims) {
      const int32_t axis = d < 0 ? d + rank : d;
      if (axis < 0 || axis >= rank || in.dim(axis) != 1)
        ctx.fail("cannot squeeze dim " + std::to_string(d) + " of shape " + ref::shape_string(in.shape));
      drop[static_cast<size_t>(axis)] = true;
    }
  }
  std::vector<int32_t> shape;
  for (int i = 0; i < rank; ++i)
    if (!drop[static_cast<size_t>(i)]) shape.push_back(in.dim(i));
  ctx.set_output_shape(0, std::move(shape));
}

}  // namespace

OpRegistration register_squeeze() {
  return {BuiltinOp::Squeeze, "SQUEEZE", prepare, reshape_like::copy_bytes};
}

}  // namespace tinyfit::tflite::ops
