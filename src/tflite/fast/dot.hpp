// int8 dot products written so that GCC/Clang vectorise them. The activations are first biased to
// unsigned (x + 128, a flip of the sign bit): an unsigned x signed byte product is the pattern the
// compilers map onto VNNI (vpdpbusd, 64 MACs per instruction) or pmaddubsw/pmaddwd without it. The
// caller removes the bias with the weights' row sums: sum (x + 128) w = sum x w + 128 sum w. Integer
// sums are exact, so results are bit-identical to the reference kernels.
#pragma once

#include <cstdint>
#include <vector>

namespace tinyfit::tflite::fast {

constexpr int32_t kActivationBias = 128;

// out[i] = x[i] + 128 as uint8.
inline void bias_activations(const int8_t* __restrict x, int n, uint8_t* __restrict out) {
  for (int i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(x[i]) ^ 0x80u;
}

inline int32_t dot_u8_i8(const uint8_t* __restrict a, const int8_t* __restrict b, int n) {
  int32_t s = 0;
  for (int i = 0; i < n; ++i) s += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return s;
}

// out[r] = dot(x, w + r * n) for r in [0, rows): four rows share each load of x.
inline void dot_u8_i8_rows(const uint8_t* __restrict x, const int8_t* __restrict w, int rows, int n,
                           int32_t* __restrict out) {
  int r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int8_t* w0 = w + static_cast<int64_t>(r) * n;
    const int8_t* w1 = w0 + n;
    const int8_t* w2 = w1 + n;
    const int8_t* w3 = w2 + n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < n; ++i) {
      const int32_t xi = x[i];
      s0 += xi * w0[i];
      s1 += xi * w1[i];
      s2 += xi * w2[i];
      s3 += xi * w3[i];
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < rows; ++r) out[r] = dot_u8_i8(x, w + static_cast<int64_t>(r) * n, n);
}

// Sum of each row of a [rows, n] int8 matrix (bias and zero-point corrections).
inline void row_sums_i8(const int8_t* w, int rows, int n, int32_t* out) {
  for (int r = 0; r < rows; ++r) {
    int32_t s = 0;
    for (int i = 0; i < n; ++i) s += w[static_cast<int64_t>(r) * n + i];
    out[r] = s;
  }
}

// An int8 weight matrix [rows, cols] prepared once for products with biased activations.
// Long rows are stored with a stride padded to a multiple of 32 (zeros), so the vectorised dot
// products never run a scalar tail; short rows (cols < 32, e.g. a first 3x3 layer on one channel)
// are stored transposed and accumulated over rows instead, which vectorises without reductions.
struct PackedInt8Matrix {
  int rows = 0, cols = 0;
  int stride = 0;  // length of the activation vectors multiply() reads (cols, padded)
  bool transposed = false;
  std::vector<int8_t> data;
  std::vector<int32_t> row_sums;  // sum of each row's weights

  void pack(const int8_t* weights, int rows, int cols);
  // out[r] = sum_c x[c] * w[r, c]: x is biased (x + 128 as uint8) and `stride` long (the padding
  // part may hold anything: it meets zero weights).
  void multiply(const uint8_t* x, int32_t* out) const;
};

}  // namespace tinyfit::tflite::fast
