// TFLite's requantization (ref/quant.hpp multiply_by_quantized_multiplier + output offset + clamp)
// over a whole row of accumulators, written branch-free so the compiler vectorises it (64-bit lanes
// for the high multiply). Bit-exact with the reference for every multiplier quantize_multiplier
// produces (non-negative, so the one saturating case of the doubling multiply cannot occur).
#pragma once

#include <algorithm>
#include <cstdint>

#include "tflite/fast/dot.hpp"  // TINYFIT_FAST_AVX512
#include "tflite/ref/quant.hpp"

#ifdef TINYFIT_FAST_AVX512
#include <immintrin.h>
#endif

namespace tinyfit::tflite::fast {

inline int32_t requantize_one(int32_t acc, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  // Saturating rounding doubling high multiply: round(x * m / 2^31), the nudge rounding ties
  // upwards, the division truncating toward zero (the shift adds 2^31 - 1 first for negatives).
  const int64_t ab = static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(acc) << left)) * multiplier;
  const int64_t nudged = ab + (ab >= 0 ? (int64_t{1} << 30) : 1 - (int64_t{1} << 30));
  const auto high = static_cast<int32_t>((nudged + (nudged < 0 ? (int64_t{1} << 31) - 1 : 0)) >> 31);
  // Rounding divide by 2^right, ties away from zero.
  const auto mask = static_cast<int32_t>((uint32_t{1} << right) - 1u);
  const int32_t remainder = high & mask;
  const int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> right) + (remainder > threshold ? 1 : 0);
}

// out[i] = clamp(requantize(acc[i], multiplier[i], shift[i]) + offset, lo, hi); with per_channel
// false every element uses multiplier[0] / shift[0].
inline void requantize_row(const int32_t* __restrict acc, int n, const int32_t* __restrict multiplier,
                           const int* __restrict shift, bool per_channel, int32_t offset, int32_t lo, int32_t hi,
                           int8_t* __restrict out) {
  if (per_channel) {
    for (int i = 0; i < n; ++i)
      out[i] = static_cast<int8_t>(std::min(std::max(requantize_one(acc[i], multiplier[i], shift[i]) + offset, lo), hi));
  } else {
    const int32_t m = multiplier[0];
    const int s = shift[0];
    for (int i = 0; i < n; ++i)
      out[i] = static_cast<int8_t>(std::min(std::max(requantize_one(acc[i], m, s) + offset, lo), hi));
  }
}

#ifdef TINYFIT_FAST_AVX512
// XNNPACK numerics (ref/quant.hpp requantize_fp32) on 16 accumulators at a time, branch-free as
// XNNPACK's magic-bias kernels: after the clamp |v| <= 255, so adding 1.5 * 2^23 rounds v to an
// integer (to nearest even, the default rounding mode) held in the low mantissa bits. Bit-exact with
// the reference. The kernels that keep their accumulators in registers requantize them here directly.
//
// With `in_range` (the op proved in prepare that |acc * scale| < 2^30 for every input, see
// weighted::requant_in_range) the float clamp is not needed to keep the rounding exact: v is rounded
// by the float->int conversion (same mode), the zero point added, and the int8 store saturates, which
// is the clamp to [-128, 127]; a fused activation adds an integer clamp. Clamping to integer bounds
// before or after rounding gives the same integer, so this is bit-exact too, in 4 operations instead of 6.
struct Fp32Requant16 {
  __m512 lo, hi, magic;
  __m512i unbias, offset, qmin, qmax;
  bool in_range, clamp;
  Fp32Requant16(int32_t offset_, int32_t qmin_, int32_t qmax_, bool in_range_ = false)
      : lo(_mm512_set1_ps(static_cast<float>(qmin_ - offset_))),
        hi(_mm512_set1_ps(static_cast<float>(qmax_ - offset_))),
        magic(_mm512_set1_ps(ref::kMagicBias)),
        unbias(_mm512_set1_epi32(ref::kMagicBiasBits - offset_)),
        offset(_mm512_set1_epi32(offset_)),
        qmin(_mm512_set1_epi32(qmin_)),
        qmax(_mm512_set1_epi32(qmax_)),
        in_range(in_range_),
        clamp(qmin_ > -128 || qmax_ < 127) {}
  // out[lane] = requantize(acc[lane] * scale[lane]) for the lanes in `mask`.
  void store(__m512i acc, __m512 scale, __mmask16 mask, int8_t* out) const {
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), scale);
    if (in_range) {
      __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), offset);
      if (clamp) q = _mm512_min_epi32(_mm512_max_epi32(q, qmin), qmax);
      _mm512_mask_cvtsepi32_storeu_epi8(out, mask, q);
      return;
    }
    v = _mm512_add_ps(_mm512_min_ps(_mm512_max_ps(v, lo), hi), magic);
    _mm512_mask_cvtepi32_storeu_epi8(out, mask, _mm512_sub_epi32(_mm512_castps_si512(v), unbias));
  }
};

inline __mmask16 lane_mask(int lanes) {
  return static_cast<__mmask16>(lanes >= 16 ? 0xFFFF : (1u << std::max(lanes, 0)) - 1u);
}
#endif

// XNNPACK numerics over a row (see Fp32Requant16). AVX-512 builds run it 16 lanes at a time with a
// masked tail (the compiler's version of the loop below handles the per_channel select and the short
// rows of these models poorly).
inline void requantize_row_fp32(const int32_t* __restrict acc, int n, const float* __restrict scale,
                                bool per_channel, int32_t offset, int32_t lo, int32_t hi, int8_t* __restrict out) {
#ifdef TINYFIT_FAST_AVX512
  const Fp32Requant16 rq(offset, lo, hi);
  const __m512 scale0 = _mm512_set1_ps(scale[0]);
  for (int i = 0; i < n; i += 16) {
    const __mmask16 mask = lane_mask(n - i);
    const __m512 s = per_channel ? _mm512_maskz_loadu_ps(mask, scale + i) : scale0;
    rq.store(_mm512_maskz_loadu_epi32(mask, acc + i), s, mask, out + i);
  }
#else
  const auto v_lo = static_cast<float>(lo - offset);
  const auto v_hi = static_cast<float>(hi - offset);
  const float s0 = scale[0];
  for (int i = 0; i < n; ++i) {
    const float v = static_cast<float>(acc[i]) * (per_channel ? scale[i] : s0);
    out[i] = static_cast<int8_t>(ref::magic_round(std::min(std::max(v, v_lo), v_hi)) + offset);
  }
#endif
}

}  // namespace tinyfit::tflite::fast
