// SHAPE: the input's shape as a 1-D int32 (or int64, per the output tensor / out_type) vector. Its
// value is known at prepare time, so it asks the interpreter to fold it into a constant; that lets
// SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE chains (dynamic-batch reshapes) resolve before invoke.
#include <string>

#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite::ops {
namespace {

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) ctx.fail("expects 1 input and 1 output");
  const DType out_type = ctx.output(0).type;
  if (out_type != DType::Int32 && out_type != DType::Int64)
    ctx.fail(std::string("unsupported output type ") + dtype_name(out_type) + " (int32 or int64)");
  ctx.set_output_shape(0, {ctx.input(0).rank()});
  ctx.request_fold();
}

void eval(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  for (int i = 0; i < in.rank(); ++i) {
    if (out.type == DType::Int32)
      out.as<int32_t>()[i] = in.dim(i);
    else
      out.as<int64_t>()[i] = in.dim(i);
  }
}

}  // namespace

OpRegistration register_shape() { return {BuiltinOp::Shape, "SHAPE", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
