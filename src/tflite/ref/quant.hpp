// TFLite's integer requantization arithmetic (reference numerics, bit-exact with the runtime's
// reference kernels): a real multiplier M is represented as a Q31 fixed-point value and a power-of-two
// shift, and applied with saturating rounding-doubling high multiply + rounding right shift.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace tinyfit::tflite::ref {

// M ≈ quantized * 2^(shift - 31), quantized in [2^30, 2^31). M == 0 gives (0, 0).
inline void quantize_multiplier(double m, int32_t* quantized, int* shift) {
  if (m == 0.0) {
    *quantized = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(m, shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {  // too small to represent: flush to zero as TFLite does
    *shift = 0;
    q_fixed = 0;
  }
  // A multiplier of 2^30 or more only comes from inconsistent quantization parameters (hostile or
  // broken files); the left shift it implies would overflow every accumulator.
  if (*shift > 30) throw Error("requantization multiplier " + std::to_string(m) + " is out of range: inconsistent tensor scales");
  *quantized = static_cast<int32_t>(q_fixed);
}

// round(a * b / 2^31) with ties rounded upwards (toward +inf), saturating the one overflow case.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));  // C++ division truncates toward zero
}

// x / 2^exponent rounded to nearest, ties away from zero.
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * M for M given by (quantized, shift) as from quantize_multiplier.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t quantized, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  // The left shift wraps like TFLite's compiled code does, without signed-overflow UB.
  const auto shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, quantized),
                                right_shift);
}

// ---- XNNPACK numerics (Int8Numerics::Xnnpack) ----
// XNNPACK's requantization scale of a convolution / fully-connected output channel, in float32 and
// in this order (src/operators/convolution-nhwc.c, fully-connected-nc.c:
// input_scale * kernel_scale[c] / output_scale).
inline float xnnpack_requant_scale(float input_scale, float filter_scale, float output_scale) {
  return input_scale * filter_scale / output_scale;
}

// Round to nearest, ties to even, without a libm call, as XNNPACK's magic-bias kernels do: for
// |v| <= 2^22, v + 1.5 * 2^23 holds round(v) in its low mantissa bits (default rounding mode), so the
// loops using it vectorize. The vector kernels use the two constants directly.
constexpr float kMagicBias = 12582912.0f;  // 0x1.8p23f
constexpr int32_t kMagicBiasBits = 0x4B400000;
inline int32_t magic_round(float v) { return std::bit_cast<int32_t>(v + kMagicBias) - kMagicBiasBits; }

// XNNPACK's "fp32" requantization (xnn_qs8_requantize_fp32; the wasm/wasmsimd fmagic/imagic kernels
// compute the same): float(acc) * scale in float32, clamped to [lo - zp, hi - zp], rounded to nearest
// with ties to even, + zp. lo/hi are integers, so clamping before rounding equals clamping after.
inline int32_t requantize_fp32(int32_t acc, float scale, int32_t zero_point, int32_t lo, int32_t hi) {
  float v = static_cast<float>(acc) * scale;
  v = std::min(std::max(v, static_cast<float>(lo - zero_point)), static_cast<float>(hi - zero_point));
  return static_cast<int32_t>(std::nearbyint(v)) + zero_point;  // default rounding mode: to nearest even
}

}  // namespace tinyfit::tflite::ref
