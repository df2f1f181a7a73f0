// Optimised CONV_2D and DEPTHWISE_CONV_2D: same parameters and results as ref/conv.hpp and
// ref/depthwise_conv.hpp (bit-exact on int8 and hybrid; float sums in the reference order, so equal
// up to the compiler's contraction of multiply-adds), plus weights prepared once in prepare and a
// scratch area made there, so nothing allocates per invoke.
#pragma once

#include <cstdint>
#include <vector>

#include "tflite/fast/dot.hpp"
#include "tflite/ref/kernel_types.hpp"

namespace tinyfit::tflite::fast {

using ref::ConvParams;
using ref::Shape4;

// Constant-filter preparation for conv.
struct ConvWeights {
  std::vector<float> transposed;  // float: [kh * kw * in_c][out_c], so the inner loop runs over out_c
  PackedInt8Matrix int8;          // int8 / hybrid: [out_c][kh * kw * in_c], packed for the dot products
};
void prepare_conv_weights(const Shape4& filter, const float* weights, ConvWeights* out);
void prepare_conv_weights(const Shape4& filter, const int8_t* weights, ConvWeights* out);

// Per-op work area: one input patch (kh * kw * in_c bytes biased to unsigned, padded to the packed
// weights' stride) and one int32 accumulator per output channel.
struct ConvScratch {
  std::vector<uint8_t> patch;
  std::vector<int32_t> acc;
  void reserve(const ConvWeights& weights, const Shape4& out) {
    patch.assign(static_cast<size_t>(weights.int8.stride), 0);
    acc.assign(static_cast<size_t>(out.c), 0);
  }
};

void conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                const ConvWeights& weights, const float* bias, const Shape4& out, float* output);
// The int8 filter is read from `weights` (packed by prepare_conv_weights).
void conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
               const ConvWeights& weights, const int32_t* bias, const Shape4& out, int8_t* output,
               ConvScratch& scratch);
void conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                 const int32_t* batch_zero_point, const Shape4& filter, const ConvWeights& weights,
                 const float* channel_scale, const float* bias, const Shape4& out, float* output,
                 ConvScratch& scratch);

// Depthwise: vectorised over channels (input, filter and output are channel-contiguous in NHWC), no
// weight preparation. `acc` holds out.c int32 values.
void depthwise_conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                          const float* filter_data, const float* bias, const Shape4& out, float* output);
void depthwise_conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                         const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output,
                         int32_t* acc);
void depthwise_conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                           const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                           const float* channel_scale, const float* bias, const Shape4& out, float* output,
                           int32_t* acc);

}  // namespace tinyfit::tflite::fast
