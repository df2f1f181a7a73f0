// ADD and MUL with broadcasting, as TFLite's reference kernels compute them (float/int32 plain with
// an activation clamp; int8 through 32-bit fixed-point requantization). Framework-free.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "tflite/ref/broadcast.hpp"
#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref {

// Non-quantized integer clamp of a fused activation, from its float bounds (TFLite's
// CalculateActivationRange<int32>: lowest/max for unbounded sides).
inline void int_range_from_float(float lo, float hi, int32_t* ilo, int32_t* ihi) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min(), kMax = std::numeric_limits<int32_t>::max();
  *ilo = lo <= static_cast<float>(kMin) ? kMin : static_cast<int32_t>(lo);
  *ihi = hi >= static_cast<float>(kMax) ? kMax : static_cast<int32_t>(hi);
}

// ADD / MUL for non-quantized types: op(a, b) clamped to [lo, hi] (min(max(x, lo), hi), as TFLite's
// ActivationFunctionWithMinMax).
template <class T>
void add(const BroadcastPlan& p, const T* a, const T* b, T* out, T lo, T hi) {
  broadcast_for_each(p, [&](int64_t o, int64_t ia, int64_t ib) { out[o] = std::min(std::max(a[ia] + b[ib], lo), hi); });
}

template <class T>
void mul(const BroadcastPlan& p, const T* a, const T* b, T* out, T lo, T hi) {
  broadcast_for_each(p, [&](int64_t o, int64_t ia, int64_t ib) { out[o] = std::min(std::max(a[ia] * b[ib], lo), hi); });
}

// Quantized ADD (TFLite's general int8 path): both inputs are shifted left by `left_shift` (20) for
// headroom, each scaled by its own multiplier (scale_i / (2 * max scale)), summed, then scaled to the
// output by (2 * max scale) / (2^left_shift * output scale).
struct QuantizedAddParams {
  int32_t input1_offset = 0, input2_offset = 0;  // -zero points
  int32_t output_offset = 0;                     // +zero point
  int left_shift = 20;
  int32_t input1_multiplier = 0, input2_multiplier = 0, output_multiplier = 0;
  int input1_shift = 0, input2_shift = 0, output_shift = 0;
  int32_t act_min = -128, act_max = 127;
};

template <class T>
void add_quantized(const QuantizedAddParams& q, const BroadcastPlan& p, const T* a, const T* b, T* out) {
  broadcast_for_each(p, [&](int64_t o, int64_t ia, int64_t ib) {
    const int32_t va = (q.input1_offset + a[ia]) * (1 << q.left_shift);
    const int32_t vb = (q.input2_offset + b[ib]) * (1 << q.left_shift);
    const int32_t sa = multiply_by_quantized_multiplier(va, q.input1_multiplier, q.input1_shift);
    const int32_t sb = multiply_by_quantized_multiplier(vb, q.input2_multiplier, q.input2_shift);
    const int32_t raw =
        multiply_by_quantized_multiplier(sa + sb, q.output_multiplier, q.output_shift) + q.output_offset;
    out[o] = static_cast<T>(std::min(std::max(raw, q.act_min), q.act_max));
  });
}

// Quantized MUL: (a - za) * (b - zb) times one multiplier scale_a * scale_b / scale_out.
struct QuantizedMulParams {
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int32_t output_multiplier = 0;
  int output_shift = 0;
  int32_t act_min = -128, act_max = 127;
};

template <class T>
void mul_quantized(const QuantizedMulParams& q, const BroadcastPlan& p, const T* a, const T* b, T* out) {
  broadcast_for_each(p, [&](int64_t o, int64_t ia, int64_t ib) {
    const int32_t prod = (q.input1_offset + a[ia]) * (q.input2_offset + b[ib]);
    const int32_t raw = multiply_by_quantized_multiplier(prod, q.output_multiplier, q.output_shift) + q.output_offset;
    out[o] = static_cast<T>(std::min(std::max(raw, q.act_min), q.act_max));
  });
}

// RELU / RELU6 on floats: clamp to [lo, hi].
inline void relu_float(const float* in, float* out, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::min(std::max(in[i], lo), hi);
}

// Quantized RELU / RELU6 (TFLite's ReluX): requantize to the output's scale, then clamp to the
// activation's bounds in the output domain.
struct QuantizedReluParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int32_t multiplier = 0;  // input scale / output scale
  int shift = 0;
  int32_t act_min = -128, act_max = 127;
};

template <class T>
void relu_quantized(const QuantizedReluParams& q, const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = q.output_zero_point +
                      multiply_by_quantized_multiplier(static_cast<int32_t>(in[i]) - q.input_zero_point,
                                                       q.multiplier, q.shift);
    out[i] = static_cast<T>(std::min(std::max(v, q.act_min), q.act_max));
  }
}

}  // namespace tinyfit::tflite::ref
