// CONCATENATION and PACK as row copies: viewed around the axis, the output is `outer` rows, each
// made of every input's slice in input order. PACK is the same with a new axis of size 1 per input.
// Framework-free.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref {

// Byte-wise: input i (input_at(i) -> const uint8_t*) contributes slice_bytes_at(i) bytes to every
// row. Accessors rather than arrays so that evals need no scratch allocation.
template <class InputAt, class SliceBytesAt>
void concatenate_bytes(int64_t outer, int num_inputs, InputAt&& input_at, SliceBytesAt&& slice_bytes_at,
                       uint8_t* out) {
  for (int64_t row = 0; row < outer; ++row) {
    for (int i = 0; i < num_inputs; ++i) {
      const int64_t n = slice_bytes_at(i);
      if (n != 0) std::memcpy(out, input_at(i) + row * n, static_cast<size_t>(n));
      out += n;
    }
  }
}

// Requantization of one input into the output's scale: q_out = zp_out + (q_in - zp_in) * M.
struct RequantizeParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int32_t multiplier = 0;
  int shift = 0;
  bool identity = true;  // same scale and zero point: plain copy
};

// Quantized concatenation where inputs may differ in scale / zero point (TFLite's
// ConcatenationWithScaling with fixed-point scaling). input_at(i) -> const T*; slice[i] counts
// elements.
template <class T, class InputAt>
void concatenate_requantized(int64_t outer, int num_inputs, InputAt&& input_at, const int64_t* slice,
                             const RequantizeParams* params, T* out) {
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  for (int64_t row = 0; row < outer; ++row) {
    for (int i = 0; i < num_inputs; ++i) {
      const T* src = input_at(i) + row * slice[i];
      const RequantizeParams& q = params[i];
      if (q.identity) {
        std::copy(src, src + slice[i], out);
      } else {
        for (int64_t j = 0; j < slice[i]; ++j) {
          const int32_t v = multiply_by_quantized_multiplier(static_cast<int32_t>(src[j]) - q.input_zero_point,
                                                             q.multiplier, q.shift) +
                            q.output_zero_point;
          out[j] = static_cast<T>(std::min(std::max(v, kMin), kMax));
        }
      }
      out += slice[i];
    }
  }
}

// Clamp in place (a float CONCATENATION's fused activation).
inline void clamp_in_place(float* data, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; ++i) data[i] = std::min(std::max(data[i], lo), hi);
}

}  // namespace tinyfit::tflite::ref
