// CONV_2D: inputs (input [n, h, w, in_c], filter [out_c, kh, kw, in_c], optional bias [out_c]),
// one output [n, out_h, out_w, out_c]. Three variants, chosen from the tensor types:
//   float32  float input, filter, bias and output;
//   int8     int8 input/output (per-tensor), int8 symmetric filter (per-tensor or per output
//            channel), int32 bias, requantized per output channel as TFLite does;
//   hybrid   float input/output, int8 filter, float bias (dynamic-range quantization): the input is
//            quantized per batch at run time — symmetric with per-tensor filter scales, asymmetric
//            when the filter scales differ per channel, as TFLite's EvalHybrid / EvalHybridPerChannel.
#include <string>

#include "tflite/fast/conv.hpp"
#include "tflite/ops/int8_limits.hpp"
#include "tflite/ops/conv_window.hpp"
#include "tflite/ops/ops.hpp"
#include "tflite/ops/weighted_common.hpp"
#include "tflite/ref/conv.hpp"
#include "tflite/ref/hybrid.hpp"
#include "tflite/ref/weight_quant.hpp"

namespace tinyfit::tflite::ops {

namespace {

enum class Kind { Float, Int8, Hybrid };

struct ConvData {
  Kind kind = Kind::Float;
  ref::ConvParams params;
  ref::Shape4 in, filter, out;
  std::vector<int32_t> multiplier;  // int8, per output channel
  std::vector<int> shift;
  std::vector<float> requant_scale;  // int8 with Int8Numerics::Xnnpack: float32 scale per output channel
  float filter_scale = 1.0f;         // hybrid, per-tensor filter
  std::vector<float> channel_scale;  // hybrid, per-channel filter (empty: per-tensor)
  mutable ref::HybridInput hybrid;
  bool fast = false;  // fast kernels, with weights prepared below (needs a constant filter)
  fast::ConvWeights weights;
  mutable fast::ConvScratch scratch;
};

void prepare(const OpContext& ctx) {
  const Tensor* bias = weighted::check_inputs(ctx, "filter");
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  Tensor& output = ctx.output(0);

  if (input.rank() != 4) ctx.fail("input must have rank 4 (NHWC), got rank " + std::to_string(input.rank()));
  if (filter.rank() != 4) ctx.fail("filter must have rank 4 [out_c, kh, kw, in_c]");
  if (filter.dim(3) != input.dim(3))
    ctx.fail("filter has " + std::to_string(filter.dim(3)) + " input channels, input has " +
             std::to_string(input.dim(3)) + " (grouped convolution is not supported)");
  const int out_c = filter.dim(0);
  if (bias && bias->num_elements() != out_c) ctx.fail("bias must have " + std::to_string(out_c) + " elements");
  auto& d = conv_window::make_data<ConvData>(ctx, input, filter, out_c);
  ref::ConvParams& p = d.params;

  const bool fast = !ctx.reference_only() && filter.is_constant;
  if (input.type == DType::Float32 && filter.type == DType::Float32 && output.type == DType::Float32) {
    if (bias && bias->type != DType::Float32) ctx.fail("float convolution needs a float32 bias");
    d.kind = Kind::Float;
    if (fast) fast::prepare_conv_weights(d.filter, filter.as<float>(), &d.weights);
  } else if (input.type == DType::Int8 && filter.type == DType::Int8 && output.type == DType::Int8) {
    if (bias && bias->type != DType::Int32) ctx.fail("int8 convolution needs an int32 bias");
    if (input.quant.empty() || output.quant.empty() || filter.quant.empty())
      ctx.fail("int8 convolution needs quantized input, filter and output");
    const auto& fs = filter.quant.scale;
    if (fs.size() != 1 && (fs.size() != static_cast<size_t>(out_c) || filter.quant.axis != 0))
      ctx.fail("filter scales must be per tensor or per output channel (axis 0)");
    for (int64_t zp : filter.quant.zero_point)
      if (zp != 0) ctx.fail("int8 filter must be symmetric (zero point 0)");
    check_integer_accumulation(ctx, int64_t{filter.dim(1)} * filter.dim(2) * filter.dim(3), bias);
    d.kind = Kind::Int8;
    weighted::per_channel_requant(ctx, input.quant.scale[0], fs, output.quant.scale[0], out_c, &d.multiplier,
                                  &d.shift, &d.requant_scale);
    weighted::set_int8_output(ctx, input, output, p);
    p.requant_in_range = weighted::requant_in_range(filter, bias, d.requant_scale, out_c, /*channel_last=*/false);
    if (fast) {
      fast::prepare_conv_weights(d.filter, filter.as<int8_t>(), &d.weights);
      d.scratch.reserve(d.weights, p, d.filter, d.in, d.out);
      ctx.request_scratch(d.scratch.bytes());
    }
  } else if (input.type == DType::Float32 && filter.type == DType::Int8 && output.type == DType::Float32) {
    if (bias && bias->type != DType::Float32) ctx.fail("hybrid convolution needs a float32 bias");
    const auto& fs = filter.quant.scale;
    if (fs.empty()) ctx.fail("hybrid convolution needs a quantized filter");
    if (fs.size() != 1 && fs.size() != static_cast<size_t>(out_c))
      ctx.fail("filter scales must be per tensor or per output channel");
    check_integer_accumulation(ctx, int64_t{filter.dim(1)} * filter.dim(2) * filter.dim(3), nullptr);
    d.kind = Kind::Hybrid;
    const bool per_channel = fs.size() > 1 && ref::scales_differ(fs);
    if (per_channel) d.channel_scale = fs;
    d.filter_scale = fs[0];
    d.hybrid.reserve(d.in.n, d.in.h * d.in.w * d.in.c, /*asymmetric=*/per_channel);
    if (fast) {
      fast::prepare_conv_weights(d.filter, filter.as<int8_t>(), &d.weights);
      d.scratch.reserve(d.weights, p, d.filter, d.in, d.out);
      ctx.request_scratch(d.scratch.bytes());
    }
  } else {
    ctx.fail(weighted::unsupported_types(input, "filter", filter, output));
  }
  d.fast = fast;
}

void eval(const OpContext& ctx) {
  const auto& d = ctx.data<ConvData>();
  if (d.fast) d.scratch.bind(ctx.scratch());
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  Tensor& output = ctx.output(0);
  switch (d.kind) {
    case Kind::Float: {
      const float* bias = weighted::bias_or_null<float>(ctx);
      if (d.fast) {
        fast::conv_float(d.params, d.in, input.as<float>(), d.filter, d.weights, bias, d.out, output.as<float>());
      } else {
        ref::conv_float(d.params, d.in, input.as<float>(), d.filter, filter.as<float>(), bias, d.out,
                        output.as<float>());
      }
      break;
    }
    case Kind::Int8: {
      const ref::ConvParams p = weighted::with_requant(d.params, d.multiplier, d.shift, d.requant_scale);
      const int32_t* bias = weighted::bias_or_null<int32_t>(ctx);
      if (d.fast) {
        fast::conv_int8(p, d.in, input.as<int8_t>(), d.filter, d.weights, bias, d.out, output.as<int8_t>(),
                        d.scratch);
      } else {
        ref::conv_int8(p, d.in, input.as<int8_t>(), d.filter, filter.as<int8_t>(), bias, d.out, output.as<int8_t>());
      }
      break;
    }
    case Kind::Hybrid: {
      const float* channel_scale =
          weighted::quantize_hybrid_input(d.hybrid, input.as<float>(), d.filter_scale, d.channel_scale);
      const float* bias = weighted::bias_or_null<float>(ctx);
      if (d.fast) {
        fast::conv_hybrid(d.params, d.in, d.hybrid.quantized.data(), d.hybrid.scale.data(), d.hybrid.zero_points(),
                          d.filter, d.weights, channel_scale, bias, d.out, output.as<float>(), d.scratch);
      } else {
        ref::conv_hybrid(d.params, d.in, d.hybrid.quantized.data(), d.hybrid.scale.data(), d.hybrid.zero_points(),
                         d.filter, filter.as<int8_t>(), channel_scale, bias, d.out, output.as<float>());
      }
      break;
    }
  }
}

}  // namespace

OpRegistration register_conv_2d() { return {BuiltinOp::Conv2D, "CONV_2D", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
