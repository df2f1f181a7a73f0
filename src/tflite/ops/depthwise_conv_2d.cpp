// DEPTHWISE_CONV_2D: inputs (input [n, h, w, in_c], filter [1, kh, kw, out_c], optional bias
// [out_c]), out_c = in_c * depth_multiplier. Variants as CONV_2D: float32; int8 with per-channel
// (axis 3) or per-tensor symmetric filter and int32 bias; hybrid (float activations, int8 filter),
// which TFLite always runs per channel with asymmetric per-batch input quantization.
#include <string>

#include "tflite/fast/conv.hpp"
#include "tflite/ops/int8_limits.hpp"
#include "tflite/ops/conv_window.hpp"
#include "tflite/ops/ops.hpp"
#include "tflite/ops/weighted_common.hpp"
#include "tflite/ref/depthwise_conv.hpp"
#include "tflite/ref/hybrid.hpp"
#include "tflite/ref/weight_quant.hpp"

namespace tinyfit::tflite::ops {

namespace {

enum class Kind { Float, Int8, Hybrid };

struct DepthwiseData {
  Kind kind = Kind::Float;
  ref::ConvParams params;
  ref::Shape4 in, filter, out;
  std::vector<int32_t> multiplier;  // int8, per output channel
  std::vector<int> shift;
  std::vector<float> requant_scale;  // int8 with Int8Numerics::Xnnpack: float32 scale per output channel
  std::vector<float> channel_scale;  // hybrid: one filter scale per output channel
  mutable ref::HybridInput hybrid;
  bool fast = false;
  fast::DepthwiseWeights weights;  // fast int8 with a constant filter (empty: the kernel reads the filter)
  mutable fast::DepthwiseScratch scratch;
};

void prepare(const OpContext& ctx) {
  const Tensor* bias = weighted::check_inputs(ctx, "filter");
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  Tensor& output = ctx.output(0);

  if (input.rank() != 4) ctx.fail("input must have rank 4 (NHWC), got rank " + std::to_string(input.rank()));
  if (filter.rank() != 4 || filter.dim(0) != 1) ctx.fail("filter must have shape [1, kh, kw, out_c]");
  const int in_c = input.dim(3);
  const int out_c = filter.dim(3);
  // The channel ratio is the depth multiplier. Like TFLite's kernel, trust the shapes over the option
  // (older converters wrote inconsistent depth_multiplier values).
  if (in_c <= 0 || out_c % in_c != 0) ctx.fail("filter channels must be a multiple of the input channels");
  const int depth_multiplier = out_c / in_c;
  if (bias && bias->num_elements() != out_c) ctx.fail("bias must have " + std::to_string(out_c) + " elements");
  auto& d = conv_window::make_data<DepthwiseData>(ctx, input, filter, out_c);
  ref::ConvParams& p = d.params;
  p.depth_multiplier = depth_multiplier;
  d.fast = !ctx.reference_only();

  const auto& fs = filter.quant.scale;
  auto check_filter_scales = [&] {
    if (fs.empty()) ctx.fail("quantized depthwise convolution needs a quantized filter");
    if (fs.size() != 1 && (fs.size() != static_cast<size_t>(out_c) || filter.quant.axis != 3))
      ctx.fail("filter scales must be per tensor or per output channel (axis 3)");
  };
  if (input.type == DType::Float32 && filter.type == DType::Float32 && output.type == DType::Float32) {
    if (bias && bias->type != DType::Float32) ctx.fail("float depthwise convolution needs a float32 bias");
    d.kind = Kind::Float;
  } else if (input.type == DType::Int8 && filter.type == DType::Int8 && output.type == DType::Int8) {
    if (bias && bias->type != DType::Int32) ctx.fail("int8 depthwise convolution needs an int32 bias");
    if (input.quant.empty() || output.quant.empty()) ctx.fail("int8 depthwise convolution needs quantized input and output");
    check_filter_scales();
    for (int64_t zp : filter.quant.zero_point)
      if (zp != 0) ctx.fail("int8 filter must be symmetric (zero point 0)");
    check_integer_accumulation(ctx, int64_t{filter.dim(1)} * filter.dim(2), bias);
    d.kind = Kind::Int8;
    weighted::per_channel_requant(ctx, input.quant.scale[0], fs, output.quant.scale[0], out_c, &d.multiplier,
                                  &d.shift, &d.requant_scale);
    weighted::set_int8_output(ctx, input, output, p);
    p.requant_in_range = weighted::requant_in_range(filter, bias, d.requant_scale, out_c, /*channel_last=*/true);
    if (d.fast && filter.is_constant) fast::prepare_depthwise_weights(p, d.filter, filter.as<int8_t>(), &d.weights);
  } else if (input.type == DType::Float32 && filter.type == DType::Int8 && output.type == DType::Float32) {
    if (bias && bias->type != DType::Float32) ctx.fail("hybrid depthwise convolution needs a float32 bias");
    check_filter_scales();
    check_integer_accumulation(ctx, int64_t{filter.dim(1)} * filter.dim(2), nullptr);
    d.kind = Kind::Hybrid;
    d.channel_scale.assign(static_cast<size_t>(out_c), fs[0]);
    if (fs.size() > 1) d.channel_scale = fs;
    d.hybrid.reserve(d.in.n, d.in.h * d.in.w * d.in.c, /*asymmetric=*/true);
  } else {
    ctx.fail(weighted::unsupported_types(input, "filter", filter, output));
  }
  if (d.fast) {
    d.scratch.reserve(d.weights, p, d.in, d.filter, d.out);
    ctx.request_scratch(d.scratch.bytes());
  }
}

void eval(const OpContext& ctx) {
  const auto& d = ctx.data<DepthwiseData>();
  if (d.fast) d.scratch.bind(ctx.scratch());
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  Tensor& output = ctx.output(0);
  switch (d.kind) {
    case Kind::Float: {
      const float* bias = weighted::bias_or_null<float>(ctx);
      (d.fast ? fast::depthwise_conv_float : ref::depthwise_conv_float)(
          d.params, d.in, input.as<float>(), d.filter, filter.as<float>(), bias, d.out, output.as<float>());
      break;
    }
    case Kind::Int8: {
      const ref::ConvParams p = weighted::with_requant(d.params, d.multiplier, d.shift, d.requant_scale);
      const int32_t* bias = weighted::bias_or_null<int32_t>(ctx);
      if (d.fast) {
        fast::depthwise_conv_int8(p, d.in, input.as<int8_t>(), d.filter, filter.as<int8_t>(), d.weights, bias, d.out,
                                  output.as<int8_t>(), d.scratch);
      } else {
        ref::depthwise_conv_int8(p, d.in, input.as<int8_t>(), d.filter, filter.as<int8_t>(), bias, d.out,
                                 output.as<int8_t>());
      }
      break;
    }
    case Kind::Hybrid: {
      d.hybrid.quantize(input.as<float>());
      const float* bias = weighted::bias_or_null<float>(ctx);
      if (d.fast) {
        fast::depthwise_conv_hybrid(d.params, d.in, d.hybrid.quantized.data(), d.hybrid.scale.data(),
                                    d.hybrid.zero_points(), d.filter, filter.as<int8_t>(), d.channel_scale.data(),
                                    bias, d.out, output.as<float>(), d.scratch);
      } else {
        ref::depthwise_conv_hybrid(d.params, d.in, d.hybrid.quantized.data(), d.hybrid.scale.data(),
                                   d.hybrid.zero_points(), d.filter, filter.as<int8_t>(), d.channel_scale.data(),
                                   bias, d.out, output.as<float>());
      }
      break;
    }
  }
}

}  // namespace

OpRegistration register_depthwise_conv_2d() {
  return {BuiltinOp::DepthwiseConv2D, "DEPTHWISE_CONV_2D", prepare, eval};
}

}  // namespace tinyfit::tflite::ops
