// Reference CONV_2D kernels (TFLite reference_ops::Conv, reference_integer_ops::ConvPerChannel,
// HybridConv / HybridConvPerChannel), NHWC input, filter [out_c, kh, kw, in_c].
#pragma once

#include <cstdint>

#include "tflite/ref/kernel_types.hpp"

namespace tinyfit::tflite::ref {

void conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                const float* filter_data, const float* bias, const Shape4& out, float* output);

// Per-channel int8: acc = sum filter * (input + input_offset) + bias, requantized with
// p.multiplier/p.shift[out_c], + output_offset, clamped to [quant_min, quant_max]; with
// p.requant_scale set, XNNPACK's fp32 requantization instead (ref/quant.hpp requantize_fp32).
void conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
               const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output);

// Hybrid: `input` is the float input quantized per batch (ref/hybrid.hpp) with scale
// batch_scale[b] and zero point batch_zero_point[b] (null = symmetric, all 0). Per-tensor weights
// (channel_scale null, the filter scale folded into batch_scale): out = acc * batch_scale + bias.
// Per-channel weights: out = acc * channel_scale[c] * batch_scale[b] + bias (TFLite's order).
void conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                 const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                 const float* channel_scale, const float* bias, const Shape4& out, float* output);

}  // namespace tinyfit::tflite::ref
