// QUANTIZE and DEQUANTIZE arithmetic, as TFLite's reference kernels (AffineQuantize, Requantize,
// Dequantize, PerChannelDequantize, float16 Dequantize). Framework-free.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "tflite/ref/fp16.hpp"
#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref {

// float -> Q: round(x / scale) half away from zero (float division, as TfLiteRound), plus the zero
// point, clamped to Q's range.
template <class Q>
void affine_quantize(const float* in, Q* out, int64_t n, float scale, int32_t zero_point) {
  constexpr int32_t kMin = std::numeric_limits<Q>::min(), kMax = std::numeric_limits<Q>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = static_cast<int32_t>(std::round(in[i] / scale)) + zero_point;
    out[i] = static_cast<Q>(std::min(std::max(v, kMin), kMax));
  }
}

// float -> Q as XNNPACK's convert (f32-qs8-vcvt / f32-qu8-vcvt, scale = 1.0f / output_scale in
// float32): x * (1 / scale) in float32, clamped to [qmin - zp, qmax - zp], rounded to nearest even, + zp.
template <class Q>
void xnnpack_quantize(const float* in, Q* out, int64_t n, float scale, int32_t zero_point) {
  constexpr int32_t kMin = std::numeric_limits<Q>::min(), kMax = std::numeric_limits<Q>::max();
  const float inv_scale = 1.0f / scale;
  const auto lo = static_cast<float>(kMin - zero_point), hi = static_cast<float>(kMax - zero_point);
  // Round to nearest even as XNNPACK's magic-bias kernels do (= std::nearbyint in the default
  // rounding mode for |v| <= 255, but without a libm call, so the loop vectorizes).
  for (int64_t i = 0; i < n; ++i)
    out[i] = static_cast<Q>(magic_round(std::min(std::max(in[i] * inv_scale, lo), hi)) + zero_point);
}

// In -> Out between two quantizations: zp_out + (q - zp_in) * M, M = scale_in / scale_out.
template <class In, class Out>
void requantize(const In* in, Out* out, int64_t n, int32_t input_zero_point, int32_t output_zero_point,
                int32_t multiplier, int shift) {
  constexpr int32_t kMin = std::numeric_limits<Out>::min(), kMax = std::numeric_limits<Out>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v =
        multiply_by_quantized_multiplier(static_cast<int32_t>(in[i]) - input_zero_point, multiplier, shift) +
        output_zero_point;
    out[i] = static_cast<Out>(std::min(std::max(v, kMin), kMax));
  }
}

// Q -> float: scale * (q - zero_point), computed in double and rounded once to float.
template <class Q>
void dequantize(const Q* in, float* out, int64_t n, double scale, int32_t zero_point) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(scale * (static_cast<int32_t>(in[i]) - zero_point));
}

// Per-channel: the shape seen as [outer, channels, inner] around the quantized axis.
template <class Q>
void dequantize_per_channel(const Q* in, float* out, int64_t outer, int64_t channels, int64_t inner,
                            const float* scales, const int32_t* zero_points) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t base = (o * channels + c) * inner;
      dequantize(in + base, out + base, inner, static_cast<double>(scales[c]), zero_points[c]);
    }
}

inline void dequantize_fp16(const uint16_t* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = half_to_float(in[i]);
}

}  // namespace tinyfit::tflite::ref
