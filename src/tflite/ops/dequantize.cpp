// DEQUANTIZE to float32: int8 / uint8 / int16 (per-tensor, or per-channel along quant.axis), and
// float16 (the converter's fp16 weights). A constant input (weights) is dequantized once: the op
// asks the interpreter to fold it.
#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/conversion.hpp"

namespace tinyfit::tflite::ops {
namespace {

struct DequantizeData {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int64_t outer = 1, channels = 1, inner = 1;  // per-channel layout; channels == 1: per-tensor
};

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) ctx.fail("expects 1 input and 1 output");
  const Tensor& in = ctx.input(0);
  if (in.type != DType::Int8 && in.type != DType::UInt8 && in.type != DType::Int16 && in.type != DType::Float16)
    ctx.fail(std::string("unsupported input type ") + dtype_name(in.type));
  if (ctx.output(0).type != DType::Float32)
    ctx.fail(std::string("unsupported output type ") + dtype_name(ctx.output(0).type) + " (float32 only)");
  ctx.set_output_shape(0, in.shape);
  if (in.is_constant) ctx.request_fold();
  DequantizeData& d = ctx.make_data<DequantizeData>();
  if (in.type == DType::Float16) return;

  const Quantization& q = in.quant;
  if (q.scale.empty() || q.scale.size() != q.zero_point.size())
    ctx.fail("quantized input needs scales and zero points");
  d.scales = q.scale;
  for (int64_t z : q.zero_point) d.zero_points.push_back(static_cast<int32_t>(z));
  if (q.scale.size() == 1) {
    d.inner = in.num_elements();
    return;
  }
  if (q.axis < 0 || q.axis >= in.rank() || in.dim(q.axis) != static_cast<int32_t>(q.scale.size()))
    ctx.fail(std::to_string(q.scale.size()) + " per-channel scales do not match axis " + std::to_string(q.axis) +
             " of the input");
  d.outer = 1;
  d.inner = 1;
  for (int i = 0; i < in.rank(); ++i)
    if (i < q.axis) d.outer *= in.dim(i);
    else if (i > q.axis) d.inner *= in.dim(i);
  d.channels = in.dim(q.axis);
}

template <class Q>
void dequantize_typed(const DequantizeData& d, const Tensor& in, Tensor& out) {
  ref::dequantize_per_channel(in.as<Q>(), out.as<float>(), d.outer, d.channels, d.inner, d.scales.data(),
                              d.zero_points.data());
}

void eval(const OpContext& ctx) {
  const DequantizeData& d = ctx.data<DequantizeData>();
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  switch (in.type) {
    case DType::Float16:
      ref::dequantize_fp16(in.as<uint16_t>(), out.as<float>(), in.num_elements());
      break;
    case DType::Int8:
      dequantize_typed<int8_t>(d, in, out);
      break;
    case DType::UInt8:
      dequantize_typed<uint8_t>(d, in, out);
      break;
    case DType::Int16:
      dequantize_typed<int16_t>(d, in, out);
      break;
    default:
      break;  // rejected in prepare
  }
}

}  // namespace

OpRegistration register_dequantize() { return {BuiltinOp::Dequantize, "DEQUANTIZE", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
