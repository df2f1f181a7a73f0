// RELU: max(0, x). float32; int8 / uint8 requantize to the output's scale as TFLite's ReluX does
// (input and output quantization may differ), then clamp at the quantized zero.
// The clamp-with-requantize machinery is shared with RELU6 (relu6.cpp) through relu_x_*().
#include <cmath>
#include <limits>
#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/elementwise.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops {
namespace detail {

struct ReluData {
  float lo = 0, hi = 0;
  ref::QuantizedReluParams quantized;
};

// Prepare for a clamp to [0, upper] (upper = +inf for RELU).
void relu_x_prepare(const OpContext& ctx, float upper) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) ctx.fail("expects 1 input and 1 output");
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.type != DType::Float32 && in.type != DType::Int8 && in.type != DType::UInt8)
    ctx.fail(std::string("unsupported type ") + dtype_name(in.type));
  if (out.type != in.type)
    ctx.fail(std::string("output type ") + dtype_name(out.type) + " differs from input type " + dtype_name(in.type));
  ctx.set_output_shape(0, in.shape);
  ReluData& d = ctx.make_data<ReluData>();
  d.lo = 0.0f;
  d.hi = upper;
  if (in.type == DType::Float32) return;

  ref::QuantParams qi, qo;
  if (!ref::per_tensor(in.quant, &qi) || !ref::per_tensor(out.quant, &qo))
    ctx.fail("quantized input and output need per-tensor quantization");
  const int32_t qmin = in.type == DType::Int8 ? -128 : 0;
  const int32_t qmax = in.type == DType::Int8 ? 127 : 255;
  ref::QuantizedReluParams& q = d.quantized;
  q.input_zero_point = qi.zero_point;
  q.output_zero_point = qo.zero_point;
  ref::quantize_multiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale), &q.multiplier, &q.shift);
  // Bounds quantized with roundf of a float division, as TFLite's QuantizedReluX.
  q.act_min = std::max(qmin, qo.zero_point + static_cast<int32_t>(std::round(0.0f / qo.scale)));
  q.act_max = std::isinf(upper) ? qmax
                                : std::min(qmax, qo.zero_point + static_cast<int32_t>(std::round(upper / qo.scale)));
}

void relu_x_eval(const OpContext& ctx) {
  const ReluData& d = ctx.data<ReluData>();
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  switch (in.type) {
    case DType::Float32:
      ref::relu_float(in.as<float>(), out.as<float>(), in.num_elements(), d.lo, d.hi);
      break;
    case DType::Int8:
      ref::relu_quantized(d.quantized, in.as<int8_t>(), out.as<int8_t>(), in.num_elements());
      break;
    case DType::UInt8:
      ref::relu_quantized(d.quantized, in.as<uint8_t>(), out.as<uint8_t>(), in.num_elements());
      break;
    default:
      break;  // rejected in prepare
  }
}

}  // namespace detail

namespace {
void prepare(const OpContext& ctx) { detail::relu_x_prepare(ctx, std::numeric_limits<float>::infinity()); }
}  // namespace

OpRegistration register_relu() { return {BuiltinOp::Relu, "RELU", prepare, detail::relu_x_eval}; }

}  // namespace tinyfit::tflite::ops
