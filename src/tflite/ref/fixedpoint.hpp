// The few gemmlowp fixed-point routines TFLite's integer SOFTMAX uses, on raw int32 values.
// A "Qm" value has m integer bits and 31 - m fractional bits. Bit-exact with gemmlowp's scalar code
// (plain wrapping +/-, saturating rounding-doubling multiply, rounding shifts).
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref::fixedpoint {

constexpr int32_t kQ0One = std::numeric_limits<int32_t>::max();  // "1.0" in Q0 (saturated)

// Fixed-point product: integer bits add up (Qa * Qb -> Q(a+b)).
inline int32_t mul(int32_t a, int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

// x * 2^exponent: saturating for exponent > 0, rounding to nearest for exponent < 0.
inline int32_t saturating_rounding_mul_by_pot(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return rounding_divide_by_pot(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((1LL << (31 - exponent)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return x * (1 << exponent);
}

// Change the number of integer bits from `src_bits` to `dst_bits` keeping the real value.
inline int32_t rescale(int32_t x, int src_bits, int dst_bits) {
  return saturating_rounding_mul_by_pot(x, src_bits - dst_bits);
}

// (a + b) / 2 rounded to nearest, ties away from zero.
inline int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(a) for a in [-1/4, 0), Q0 in and out: 4th-order Taylor expansion around -1/8.
inline int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  constexpr int32_t kExpMinusOneEighth = 1895147668;  // exp(-1/8) in Q0
  constexpr int32_t kOneThird = 715827883;            // 1/3 in Q0
  const int32_t x = a + (1 << 28);                    // a + 1/8
  const int32_t x2 = mul(x, x);
  const int32_t x3 = mul(x2, x);
  const int32_t x4 = mul(x2, x2);
  const int32_t x4_over_4 = saturating_rounding_mul_by_pot(x4, -2);
  const int32_t poly = saturating_rounding_mul_by_pot(mul(x4_over_4 + x3, kOneThird) + x2, -1);
  return kExpMinusOneEighth + mul(kExpMinusOneEighth, x + poly);
}

// exp(a) for a <= 0 given in Q`IntegerBits`; result in Q0. The input is split into a remainder in
// [-1/4, 0) (polynomial) and multiples of powers of two (a barrel of exp(-2^k) constants).
template <int IntegerBits>
int32_t exp_on_negative_values(int32_t a) {
  constexpr int kFractionalBits = 31 - IntegerBits;
  constexpr int32_t kOneQuarter = int32_t{1} << (kFractionalBits - 2);
  const int32_t a_mod_quarter_minus_one_quarter = (a & (kOneQuarter - 1)) - kOneQuarter;
  int32_t result =
      exp_on_interval_between_negative_one_quarter_and_0_excl(rescale(a_mod_quarter_minus_one_quarter, IntegerBits, 0));
  const int32_t remainder = a_mod_quarter_minus_one_quarter - a;
  // exp(-2^k) in Q0 for k = -2 .. 4.
  constexpr int32_t kMultipliers[] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int k = -2; k <= 4; ++k) {
    if (IntegerBits > k) {
      const int shift = kFractionalBits + k;
      if (remainder & (int32_t{1} << shift)) result = mul(result, kMultipliers[k + 2]);
    }
  }
  if constexpr (IntegerBits > 5) {
    // Below -32 the result underflows to 0.
    const int32_t clamp = -(int32_t{1} << (36 - IntegerBits));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = kQ0One;
  return result;
}

// 1 / (1 + a) for a in [0, 1), Q0 in and out: Newton-Raphson division with 3 iterations.
inline int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = rounding_half_sum(a, kQ0One);  // Q0
  constexpr int32_t kQ2One = int32_t{1} << 29;
  constexpr int32_t k48Over17 = 1515870810;      // Q2
  constexpr int32_t kNeg32Over17 = -1010580540;  // Q2
  int32_t x = k48Over17 + mul(half_denominator, kNeg32Over17);  // Q2
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = mul(half_denominator, x);  // Q2
    const int32_t one_minus = kQ2One - half_denominator_times_x;        // Q2
    x = x + rescale(mul(x, one_minus), 4, 2);                           // Q4 -> Q2
  }
  // x / 2 taken as Q1, back to Q0.
  return rescale(x, 1, 0);
}

// TFLite's GetReciprocal: 1 / x for x > 0 in Q`integer_digits`, returned as a Q0 value `s` and
// `num_bits_over_unit` such that 1/x = s * 2^-num_bits_over_unit.
inline int32_t reciprocal(int32_t x, int integer_digits, int* num_bits_over_unit) {
  const int headroom_plus_one = std::countl_zero(static_cast<uint32_t>(x));
  *num_bits_over_unit = integer_digits - headroom_plus_one;
  const int32_t shifted_minus_one =
      static_cast<int32_t>((static_cast<uint32_t>(x) << headroom_plus_one) - (uint32_t{1} << 31));
  return one_over_one_plus_x_for_x_in_0_1(shifted_minus_one);
}

}  // namespace tinyfit::tflite::ref::fixedpoint
