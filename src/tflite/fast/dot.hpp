// int8 dot products written so that GCC/Clang vectorise them (-O3 -march=native turns the widening
// multiply-add into pmaddwd / vpdpwssd). Integer sums are exact, so any evaluation order gives the
// reference result bit for bit.
#pragma once

#include <cstdint>

namespace tinyfit::tflite::fast {

inline int32_t dot_i8(const int8_t* __restrict a, const int8_t* __restrict b, int n) {
  int32_t s = 0;
  for (int i = 0; i < n; ++i) s += static_cast<int16_t>(a[i]) * static_cast<int16_t>(b[i]);
  return s;
}

// out[r] = dot(x, w + r * n) for r in [0, rows): four rows share each load of x.
inline void dot_i8_rows(const int8_t* __restrict x, const int8_t* __restrict w, int rows, int n,
                        int32_t* __restrict out) {
  int r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int8_t* w0 = w + static_cast<int64_t>(r) * n;
    const int8_t* w1 = w0 + n;
    const int8_t* w2 = w1 + n;
    const int8_t* w3 = w2 + n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < n; ++i) {
      const int16_t xi = x[i];
      s0 += xi * static_cast<int16_t>(w0[i]);
      s1 += xi * static_cast<int16_t>(w1[i]);
      s2 += xi * static_cast<int16_t>(w2[i]);
      s3 += xi * static_cast<int16_t>(w3[i]);
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < rows; ++r) out[r] = dot_i8(x, w + static_cast<int64_t>(r) * n, n);
}

// Sum of each row of a [rows, n] int8 matrix (zero-point corrections).
inline void row_sums_i8(const int8_t* w, int rows, int n, int32_t* out) {
  for (int r = 0; r < rows; ++r) {
    int32_t s = 0;
    for (int i = 0; i < n; ++i) s += w[static_cast<int64_t>(r) * n + i];
    out[r] = s;
  }
}

}  // namespace tinyfit::tflite::fast
