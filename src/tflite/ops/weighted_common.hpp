// What CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share around their kernels: the fused
// activation clamps, the int8 zero-point offsets, the per-output-channel requantization, the
// "unsupported types" message, and the small per-invoke steps of eval (bias pointer, int8 params
// pointing into op data, hybrid filter-scale folding). The variants and kernels stay in each op.
#pragma once

#include <cmath>

#include <string>
#include <vector>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/activation.hpp"
#include "tflite/ref/hybrid.hpp"
#include "tflite/ref/weight_quant.hpp"

namespace tinyfit::tflite::ops::weighted {

// Prepare: inputs (input, weights[, bias]) and one output; `weights_name` ("filter" or "weights")
// names the second input in the message. Returns the optional bias tensor (null when absent).
inline const Tensor* check_inputs(const OpContext& ctx, const char* weights_name) {
  if (ctx.num_inputs() < 2 || ctx.num_inputs() > 3 || ctx.num_outputs() != 1 || !ctx.has_input(0) || !ctx.has_input(1))
    ctx.fail(std::string("expects inputs (input, ") + weights_name + "[, bias]) and one output");
  return ctx.has_input(2) ? &ctx.input(2) : nullptr;
}

// Float clamp of the fused activation into params.float_min / float_max (also used by hybrid).
template <class Params>
void set_float_clamp(const OpContext& ctx, Params& p) {
  const Activation a = ctx.options().activation;
  if (!ref::activation_range_float(a, &p.float_min, &p.float_max))
    ctx.fail("unsupported fused activation " + std::to_string(static_cast<int>(a)));
}

// int8: input / output zero-point offsets and the activation clamp in the output's quantized domain.
template <class Params>
void set_int8_output(const OpContext& ctx, const Tensor& input, const Tensor& output, Params& p) {
  p.input_offset = -ref::zero_point_of(input.quant.zero_point);
  p.output_offset = ref::zero_point_of(output.quant.zero_point);
  if (!ref::activation_range_quantized(ctx.options().activation, output.quant.scale[0], p.output_offset, -128, 127,
                                       &p.quant_min, &p.quant_max))
    ctx.fail("unsupported fused activation");
}

// int8 convolutions: one Q31 multiplier / shift per output channel (filter scales per tensor or
// per channel), plus XNNPACK's float32 scale per channel when that numerics mode is asked for.
inline void per_channel_requant(const OpContext& ctx, float input_scale, const std::vector<float>& filter_scales,
                                float output_scale, int out_c, std::vector<int32_t>* multiplier,
                                std::vector<int>* shift, std::vector<float>* requant_scale) {
  const auto& fs = filter_scales;
  ref::per_channel_multipliers(input_scale, fs, output_scale, out_c, multiplier, shift);
  if (ctx.int8_numerics() == Int8Numerics::Xnnpack)
    for (int c = 0; c < out_c; ++c)
      requant_scale->push_back(ref::xnnpack_requant_scale(input_scale, fs.size() > 1 ? fs[c] : fs[0], output_scale));
}

// Int8Numerics::Xnnpack: whether |accumulator * scale| stays below 2^30 for every input, so the fast
// kernels may skip the float clamp (fast/requantize.hpp Fp32Requant16): |acc| <= |bias| + 255 sum |w|
// over the channel's weights (|x - zero point| <= 255). Needs constant weights and bias; the weights'
// channel is index / (size / channels) ([out_c][...], convolutions) or index % channels ([...][out_c],
// depthwise).
inline bool requant_in_range(const Tensor& filter, const Tensor* bias, const std::vector<float>& requant_scale,
                             int channels, bool channel_last) {
  if (requant_scale.size() != static_cast<size_t>(channels) || !filter.is_constant || (bias && !bias->is_constant))
    return false;
  std::vector<double> bound(static_cast<size_t>(channels), 0.0);
  const int8_t* w = filter.as<int8_t>();
  const int64_t n = filter.num_elements(), per_channel = n / channels;
  for (int64_t i = 0; i < n; ++i)
    bound[static_cast<size_t>(channel_last ? i % channels : i / per_channel)] += 255.0 * std::abs(int{w[i]});
  for (int c = 0; c < channels; ++c) {
    const double b = bias ? std::abs(static_cast<double>(bias->as<int32_t>()[c])) : 0.0;
    // The float product may round up a little: keep a margin of 2^-10.
    if ((bound[static_cast<size_t>(c)] + b) * std::abs(static_cast<double>(requant_scale[static_cast<size_t>(c)])) *
            (1.0 + 1.0 / 1024) >= 1073741824.0)
      return false;
  }
  return true;
}

// The message for a type combination none of the variants takes; `weights_name` is "filter" or "weights".
inline std::string unsupported_types(const Tensor& input, const char* weights_name, const Tensor& weights,
                                     const Tensor& output) {
  return std::string("unsupported types: input ") + dtype_name(input.type) + ", " + weights_name + " " +
         dtype_name(weights.type) + ", output " + dtype_name(output.type);
}

// Eval: the optional bias (input 2) as T, or null.
template <class T>
const T* bias_or_null(const OpContext& ctx) {
  return ctx.has_input(2) ? ctx.input(2).as<T>() : nullptr;
}

// Eval: a copy of the prepared params pointing at the op data's requantization arrays (op data may
// move between prepare and eval, so the pointers are set per invoke).
template <class Params>
Params with_requant(const Params& base, const std::vector<int32_t>& multiplier, const std::vector<int>& shift,
                    const std::vector<float>& requant_scale) {
  Params p = base;
  p.multiplier = multiplier.data();
  p.shift = shift.data();
  p.requant_scale = requant_scale.empty() ? nullptr : requant_scale.data();
  return p;
}

// Eval, hybrid: quantizes the input rows; per-tensor filters fold their scale into each batch's input
// scale (float product, as TFLite). Returns the per-channel filter scales, or null for per-tensor.
inline const float* quantize_hybrid_input(ref::HybridInput& hybrid, const float* input, float filter_scale,
                                          const std::vector<float>& channel_scale) {
  hybrid.quantize(input);
  if (channel_scale.empty())
    for (float& s : hybrid.scale) s *= filter_scale;
  return channel_scale.empty() ? nullptr : channel_scale.data();
}

}  // namespace tinyfit::tflite::ops::weighted
