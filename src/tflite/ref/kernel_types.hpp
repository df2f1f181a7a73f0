// Plain shapes and parameter structs shared by the reference kernels (ref::) and their optimised
// twins (fast::). Framework-free: no Tensor, no OpContext; ops fill these in prepare.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace tinyfit::tflite::ref {

// How full-int8 kernels requantize their int32 accumulators.
//   TfliteReference: TFLite's reference integer kernels — Q31 fixed-point multiplier + shift with
//                    gemmlowp rounding, multipliers derived in double.
//   Xnnpack:         what TFLite's default CPU delegate (XNNPACK, "fp32" requantization) computes:
//                    float(acc) * scale in float32, scale = input_scale * filter_scale / output_scale
//                    evaluated in float32, clamped, rounded to nearest even, + output zero point.
enum class Int8Numerics { TfliteReference, Xnnpack };

// NHWC dimensions (filters use the same struct: conv [out_c, kh, kw, in_c], depthwise [1, kh, kw, out_c]).
struct Shape4 {
  int n = 1, h = 1, w = 1, c = 1;
  int64_t size() const { return static_cast<int64_t>(n) * h * w * c; }
};

inline int64_t offset(const Shape4& s, int n, int h, int w, int c) {
  return ((static_cast<int64_t>(n) * s.h + h) * s.w + w) * s.c + c;
}

// TFLite's ActivationFunctionWithMinMax: min(max(x, lo), hi), in that order (NaN passes through).
inline float clamp_float(float x, float lo, float hi) { return std::min(std::max(x, lo), hi); }
inline int32_t clamp_int(int32_t x, int32_t lo, int32_t hi) { return std::min(std::max(x, lo), hi); }

// Convolution and depthwise convolution.
struct ConvParams {
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_h = 0, pad_w = 0;  // top / left padding; TFLite's kernels ignore the odd extra on the far side
  int depth_multiplier = 1;  // depthwise only: out_c = in_c * depth_multiplier
  // float32 and hybrid outputs
  float float_min = std::numeric_limits<float>::lowest();
  float float_max = std::numeric_limits<float>::max();
  // int8: real = scale * (q - zero_point); offsets are added to raw values as TFLite does
  int32_t input_offset = 0;   // -input zero point
  int32_t output_offset = 0;  // +output zero point
  int32_t quant_min = -128, quant_max = 127;  // activation clamp in the output's quantized domain
  const int32_t* multiplier = nullptr;        // per output channel (Q31)
  const int* shift = nullptr;                 // per output channel (positive = left)
  // Int8Numerics::Xnnpack: per output channel float32 scale; when set, multiplier/shift are unused.
  const float* requant_scale = nullptr;
  // Fast kernels only (the reference ignores it): |acc * requant_scale| < 2^30 holds for every input.
  bool requant_in_range = false;
};

// Fully connected: output[b, o] = sum_i input[b, i] * weights[o, i] (+ bias[o]).
struct FullyConnectedParams {
  float float_min = std::numeric_limits<float>::lowest();
  float float_max = std::numeric_limits<float>::max();
  int32_t input_offset = 0, filter_offset = 0, output_offset = 0;
  int32_t quant_min = -128, quant_max = 127;
  // int8: one multiplier for the whole tensor, or one per output row when per_channel.
  const int32_t* multiplier = nullptr;
  const int* shift = nullptr;
  bool per_channel = false;
  // Int8Numerics::Xnnpack: float32 scale (one, or one per row when per_channel); replaces multiplier/shift.
  const float* requant_scale = nullptr;
};

struct PoolParams {
  int stride_h = 1, stride_w = 1;
  int filter_h = 1, filter_w = 1;
  int pad_h = 0, pad_w = 0;
  float float_min = std::numeric_limits<float>::lowest();
  float float_max = std::numeric_limits<float>::max();
  int32_t quant_min = -128, quant_max = 127;
};

}  // namespace tinyfit::tflite::ref
