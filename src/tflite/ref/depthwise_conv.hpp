// Reference DEPTHWISE_CONV_2D kernels (TFLite reference_ops::DepthwiseConv,
// reference_integer_ops::DepthwiseConvPerChannel / DepthwiseConvHybridPerChannel).
// NHWC input, filter [1, kh, kw, out_c] with out_c = in_c * depth_multiplier and
// output channel oc = ic * depth_multiplier + m.
#pragma once

#include <cstdint>

#include "tflite/ref/kernel_types.hpp"

namespace tinyfit::tflite::ref {

void depthwise_conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                          const float* filter_data, const float* bias, const Shape4& out, float* output);

void depthwise_conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                         const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output);

// Hybrid (always per-channel in TFLite): out = acc * (channel_scale[c] * batch_scale[b]) + bias,
// with acc over (q - batch_zero_point[b]) (null zero points = symmetric).
void depthwise_conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                           const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                           const float* channel_scale, const float* bias, const Shape4& out, float* output);

}  // namespace tinyfit::tflite::ref
