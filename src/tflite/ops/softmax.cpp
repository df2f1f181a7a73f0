// SOFTMAX over the last dimension. float32 with beta; int8 -> int8 with TFLite's fixed-point
// reference kernel, whose output quantization is fixed at scale 1/256, zero point -128.
#include <cmath>
#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/quant_params.hpp"
#include "tflite/ref/softmax.hpp"

namespace tinyfit::tflite::ops {
namespace {

struct SoftmaxData {
  int64_t outer = 0, depth = 0;
  ref::QuantizedSoftmaxParams quantized;
};

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) ctx.fail("expects 1 input and 1 output");
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.type != DType::Float32 && in.type != DType::Int8)
    ctx.fail(std::string("unsupported type ") + dtype_name(in.type));
  if (out.type != in.type)
    ctx.fail(std::string("output type ") + dtype_name(out.type) + " differs from input type " + dtype_name(in.type));
  if (in.rank() < 1) ctx.fail("input must have at least one dimension");
  ctx.set_output_shape(0, in.shape);
  SoftmaxData& d = ctx.make_data<SoftmaxData>();
  d.depth = in.dim(in.rank() - 1);
  d.outer = d.depth == 0 ? 0 : in.num_elements() / d.depth;
  if (in.type == DType::Float32) return;

  ref::QuantParams qi, qo;
  if (!ref::per_tensor(in.quant, &qi) || !ref::per_tensor(out.quant, &qo))
    ctx.fail("int8 input and output need per-tensor quantization");
  // The kernel's output encoding is fixed; TFLite enforces the same tolerance.
  if (qo.zero_point != -128 || std::fabs(qo.scale - 1.0f / 256) > 0.001f / 256)
    ctx.fail("int8 output quantization must be scale 1/256, zero point -128 (got scale " +
             std::to_string(qo.scale) + ", zero point " + std::to_string(qo.zero_point) + ")");
  d.quantized = ref::make_quantized_softmax_params(ctx.options().beta, qi.scale);
}

void eval(const OpContext& ctx) {
  const SoftmaxData& d = ctx.data<SoftmaxData>();
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  switch (in.type) {
    case DType::Float32:
      ref::softmax_float(in.as<float>(), out.as<float>(), d.outer, d.depth, ctx.options().beta);
      break;
    case DType::Int8:
      ref::softmax_quantized(d.quantized, in.as<int8_t>(), out.as<int8_t>(), d.outer, d.depth);
      break;
    default:
      break;  // rejected in prepare
  }
}

}  // namespace

OpRegistration register_softmax() { return {BuiltinOp::Softmax, "SOFTMAX", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
