// SOFTMAX over the last dimension, as TFLite's reference kernels: float with beta, and the
// fixed-point integer kernel (exp in Q5.26 differences, Q12 accumulation, output scale 1/256).
// Framework-free.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "tflite/ref/fixedpoint.hpp"
#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref {

inline void softmax_float(const float* in, float* out, int64_t outer, int64_t depth, float beta) {
  for (int64_t i = 0; i < outer; ++i) {
    const float* x = in + i * depth;
    float* y = out + i * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int64_t c = 0; c < depth; ++c) {
      y[c] = std::exp((x[c] - max) * beta);
      sum += y[c];
    }
    for (int64_t c = 0; c < depth; ++c) y[c] = y[c] / sum;
  }
}

// Integer softmax parameters, from TFLite's PreprocessSoftmaxScaling / CalculateInputRadius with
// 5 integer bits for the scaled input differences.
struct QuantizedSoftmaxParams {
  int32_t input_multiplier = 0;  // beta * input_scale * 2^26 as Q31 multiplier ...
  int input_left_shift = 0;      // ... and its (non-negative) left shift
  int32_t diff_min = 0;          // differences below this contribute exp() == 0
};

constexpr int kSoftmaxScaledDiffIntegerBits = 5;
constexpr int kSoftmaxAccumulationIntegerBits = 12;

inline QuantizedSoftmaxParams make_quantized_softmax_params(double beta, double input_scale) {
  QuantizedSoftmaxParams p;
  const double real = std::min(beta * input_scale * static_cast<double>(1 << (31 - kSoftmaxScaledDiffIntegerBits)),
                               static_cast<double>((1LL << 31) - 1));
  quantize_multiplier(real, &p.input_multiplier, &p.input_left_shift);
  // Largest input difference whose rescaled value still fits the Q5.26 range, rounded down.
  const double max_input_rescaled = 1.0 * ((1 << kSoftmaxScaledDiffIntegerBits) - 1) *
                                    static_cast<double>(1LL << (31 - kSoftmaxScaledDiffIntegerBits)) /
                                    static_cast<double>(1LL << p.input_left_shift);
  p.diff_min = -static_cast<int32_t>(std::floor(max_input_rescaled));
  return p;
}

// In and Out are int8/uint8; the output is probability * 256 offset by Out's minimum (so int8 output
// has scale 1/256 and zero point -128, as TFLite requires).
template <class In, class Out>
void softmax_quantized(const QuantizedSoftmaxParams& p, const In* in, Out* out, int64_t outer, int64_t depth) {
  namespace fp = fixedpoint;
  constexpr int32_t kOutMin = std::numeric_limits<Out>::min();
  constexpr int32_t kOutMax = std::numeric_limits<Out>::max();
  for (int64_t i = 0; i < outer; ++i) {
    const In* x = in + i * depth;
    Out* y = out + i * depth;
    int32_t max_in_row = std::numeric_limits<In>::min();
    for (int64_t c = 0; c < depth; ++c) max_in_row = std::max<int32_t>(max_in_row, x[c]);
    // exp of the (non-positive) scaled difference to the row maximum, Q0.
    auto exp_of = [&](int32_t diff) {
      const int32_t scaled = multiply_by_quantized_multiplier(diff, p.input_multiplier, p.input_left_shift);
      return fp::exp_on_negative_values<kSoftmaxScaledDiffIntegerBits>(scaled);
    };
    int32_t sum_of_exps = 0;  // Q12
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max_in_row;
      if (diff >= p.diff_min) sum_of_exps += fp::rescale(exp_of(diff), 0, kSoftmaxAccumulationIntegerBits);
    }
    int num_bits_over_unit = 0;
    const int32_t shifted_scale = fp::reciprocal(sum_of_exps, kSoftmaxAccumulationIntegerBits, &num_bits_over_unit);
    const int exponent = num_bits_over_unit + 31 - static_cast<int>(sizeof(Out) * 8);
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t unsat = rounding_divide_by_pot(fp::mul(shifted_scale, exp_of(diff)), exponent);
        y[c] = static_cast<Out>(std::clamp(unsat + kOutMin, kOutMin, kOutMax));
      } else {
        y[c] = static_cast<Out>(kOutMin);
      }
    }
  }
}

}  // namespace tinyfit::tflite::ref
