// QUANTIZE: float32 -> int8 / uint8 (round half away from zero of x / scale, plus the zero point,
// clamped), or int8 / uint8 -> int8 / uint8 requantization with a fixed-point multiplier
// scale_in / scale_out (TFLite's Requantize). Per-tensor quantization only.
#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/conversion.hpp"
#include "tflite/ref/quant_params.hpp"

namespace tinyfit::tflite::ops {
namespace {

struct QuantizeData {
  ref::QuantParams in, out;
  int32_t multiplier = 0;  // requantization only
  int shift = 0;
  bool xnnpack = false;  // float input, Int8Numerics::Xnnpack: XNNPACK's convert arithmetic
};

bool is_8bit(DType t) { return t == DType::Int8 || t == DType::UInt8; }

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) ctx.fail("expects 1 input and 1 output");
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  if (in.type != DType::Float32 && !is_8bit(in.type))
    ctx.fail(std::string("unsupported input type ") + dtype_name(in.type));
  if (!is_8bit(out.type)) ctx.fail(std::string("unsupported output type ") + dtype_name(out.type));
  QuantizeData& d = ctx.make_data<QuantizeData>();
  if (!ref::per_tensor(out.quant, &d.out)) ctx.fail("output needs per-tensor quantization");
  ctx.set_output_shape(0, in.shape);
  d.xnnpack = ctx.int8_numerics() == Int8Numerics::Xnnpack;
  if (in.type == DType::Float32) return;
  if (!ref::per_tensor(in.quant, &d.in)) ctx.fail("quantized input needs per-tensor quantization");
  ref::quantize_multiplier(static_cast<double>(d.in.scale) / static_cast<double>(d.out.scale), &d.multiplier,
                           &d.shift);
}

template <class In>
void requantize_from(const QuantizeData& d, const Tensor& in, Tensor& out) {
  if (out.type == DType::Int8)
    ref::requantize(in.as<In>(), out.as<int8_t>(), in.num_elements(), d.in.zero_point, d.out.zero_point, d.multiplier,
                    d.shift);
  else
    ref::requantize(in.as<In>(), out.as<uint8_t>(), in.num_elements(), d.in.zero_point, d.out.zero_point,
                    d.multiplier, d.shift);
}

void eval(const OpContext& ctx) {
  const QuantizeData& d = ctx.data<QuantizeData>();
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  switch (in.type) {
    case DType::Float32:
      if (d.xnnpack && out.type == DType::Int8)
        ref::xnnpack_quantize(in.as<float>(), out.as<int8_t>(), in.num_elements(), d.out.scale, d.out.zero_point);
      else if (d.xnnpack)
        ref::xnnpack_quantize(in.as<float>(), out.as<uint8_t>(), in.num_elements(), d.out.scale, d.out.zero_point);
      else if (out.type == DType::Int8)
        ref::affine_quantize(in.as<float>(), out.as<int8_t>(), in.num_elements(), d.out.scale, d.out.zero_point);
      else
        ref::affine_quantize(in.as<float>(), out.as<uint8_t>(), in.num_elements(), d.out.scale, d.out.zero_point);
      break;
    case DType::Int8:
      requantize_from<int8_t>(d, in, out);
      break;
    case DType::UInt8:
      requantize_from<uint8_t>(d, in, out);
      break;
    default:
      break;  // rejected in prepare
  }
}

}  // namespace

OpRegistration register_quantize() { return {BuiltinOp::Quantize, "QUANTIZE", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
