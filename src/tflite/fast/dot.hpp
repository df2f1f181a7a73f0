// int8 dot products of the fast kernels. The activations are first biased to unsigned (x + 128, a
// flip of the sign bit): an unsigned x signed byte product is what VNNI (vpdpbusd, 64 MACs per
// instruction) computes, and the pattern compilers map onto pmaddubsw/pmaddwd without it. The caller
// removes the bias with the weights' row sums: sum (x + 128) w = sum x w + 128 sum w. Integer sums
// are exact, so results are bit-identical to the reference kernels.
#pragma once

#include <cstdint>
#include <vector>

// AVX-512 with VNNI: the hand-written kernels (fast/dot.cpp, fast/depthwise_conv.cpp,
// fast/requantize.hpp). Without it, portable loops the compiler vectorises.
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__)
#define TINYFIT_FAST_AVX512 1
#include <immintrin.h>
#endif

namespace tinyfit::tflite::fast {

constexpr int32_t kActivationBias = 128;
struct Fp32Requant16;  // fast/requantize.hpp

// out[i] = x[i] + 128 as uint8. AVX-512 builds take 64 bytes per masked step: the spans here are
// short (one filter row of a few channels) and a scalar tail would cost more than the body.
inline void bias_activations(const int8_t* __restrict x, int n, uint8_t* __restrict out) {
#ifdef TINYFIT_FAST_AVX512
  const __m512i sign = _mm512_set1_epi8(static_cast<char>(0x80));
  for (int i = 0; i < n; i += 64) {
    const __mmask64 mask = n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
    _mm512_mask_storeu_epi8(out + i, mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, x + i), sign));
  }
#else
  for (int i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(x[i]) ^ 0x80u;
#endif
}

// The value every accumulator of a channel starts from: bias + correction * (sum of the channel's
// weights), which folds an offset added to every input (the zero point, and the bias to unsigned)
// into one constant per channel. bias may be null.
inline void start_values(const int32_t* bias, const int32_t* weight_sums, int32_t correction, int n, int32_t* out) {
  for (int c = 0; c < n; ++c) out[c] = (bias ? bias[c] : 0) + correction * weight_sums[c];
}

// Sum of each row of a [rows, n] int8 matrix (bias and zero-point corrections).
inline void row_sums_i8(const int8_t* w, int rows, int n, int32_t* out) {
  for (int r = 0; r < rows; ++r) {
    int32_t s = 0;
    for (int i = 0; i < n; ++i) s += w[static_cast<int64_t>(r) * n + i];
    out[r] = s;
  }
}

// An int8 weight matrix [rows, cols] (rows = output channels) prepared once for products with
// biased activations, several activation vectors at a time (a small GEMM: pixels x channels).
//   AVX-512 VNNI: [cols / 4][padded_rows][4] (cols padded to 4, rows to 16, zeros), so one vpdpbusd
//                 adds 4 columns of 16 rows, the 4 activation bytes broadcast to every lane.
//   portable:     rows of `stride` bytes padded to 32 (zeros), so the vectorised dot products run
//                 no scalar tail; short rows (cols < 32, e.g. a first 3x3 layer on one channel) are
//                 stored transposed and accumulated over rows instead, which vectorises without
//                 reductions.
struct PackedInt8Matrix {
  int rows = 0, cols = 0;
  int stride = 0;       // length of the activation vectors the products read (cols, padded)
  int padded_rows = 0;  // length of the output rows they write (rows, padded)
  bool transposed = false;
  std::vector<int8_t> data;
  std::vector<int32_t> row_sums;  // sum of each row's weights

  void pack(const int8_t* weights, int rows, int cols);
  // For each of `count` activation vectors x_i = x + i * x_stride (biased, `stride` long; the padding
  // part may hold anything: it meets zero weights):
  //   out[i * out_stride + r] = start[r] + sum_c x_i[c] * w[r, c]   (start null: 0)
  // for r < rows; entries up to padded_rows may be written too (out_stride >= padded_rows, and start
  // holds padded_rows values when given).
  void multiply(const uint8_t* x, int count, int x_stride, const int32_t* start, int32_t* out, int out_stride) const;
#ifdef TINYFIT_FAST_AVX512
  // multiply with XNNPACK's fp32 requantization done on the accumulators in registers:
  // dst[i * dst_stride + r] = requantize(sum * scale[r]) for r < rows.
  void multiply_requantized(const uint8_t* x, int count, int x_stride, const int32_t* start, const float* scale,
                            const Fp32Requant16& rq, int8_t* dst, int dst_stride) const;
#endif
};

}  // namespace tinyfit::tflite::fast
