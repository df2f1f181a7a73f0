#include "tflite/fast/dot.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "tflite/fast/requantize.hpp"


namespace tinyfit::tflite::fast {

namespace {

#ifdef TINYFIT_FAST_AVX512

constexpr int kLanes = 16;     // int32 accumulators per vector
constexpr int kTileRows = 4;   // activation vectors per tile
constexpr int kTileBlocks = 5; // 16-row blocks of weights per tile: 4 x 5 accumulators + 5 weight
                               // vectors + 1 broadcast stay in the 32 registers

// Where a tile's results go when they are requantized in registers (pointers at the tile's first
// row and pixel; rows: how many of its rows are real).
struct TileRequant {
  const Fp32Requant16* rq;
  const float* scale;
  int8_t* dst;
  int dst_stride, rows;
};

// One tile: `Vectors` activation vectors x `Blocks` 16-row blocks of weights, over all columns.
// Each step loads Blocks weight vectors (4 columns each) and reuses them for every activation
// vector, whose 4 bytes are broadcast to all lanes. With `Half`, the last block holds at most 8 real
// rows and runs on 256-bit vectors (half the work where a 512-bit operation is two 256-bit ones, e.g.
// 24 output channels). The sums go to `out`, or with `q` through XNNPACK's requantization to q->dst.
template <int Vectors, int Blocks, bool Half>
void tile(const uint8_t* x, int x_stride, const int8_t* w, int w_step, int steps, const int32_t* start, int32_t* out,
          int out_stride, const TileRequant* q) {
  constexpr int Full = Half ? Blocks - 1 : Blocks;
  __m512i acc[Vectors][Full > 0 ? Full : 1];
  __m256i half[Vectors];
  for (int j = 0; j < Full; ++j) {
    const __m512i s = start ? _mm512_loadu_si512(start + j * kLanes) : _mm512_setzero_si512();
    for (int i = 0; i < Vectors; ++i) acc[i][j] = s;
  }
  if constexpr (Half) {
    const __m256i s = start ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(start + Full * kLanes))
                            : _mm256_setzero_si256();
    for (int i = 0; i < Vectors; ++i) half[i] = s;
  }
  for (int k = 0; k < steps; ++k, w += w_step) {
    __m512i wv[Full > 0 ? Full : 1];
    for (int j = 0; j < Full; ++j) wv[j] = _mm512_loadu_si512(w + j * kLanes * 4);
    __m256i wh{};
    if constexpr (Half) wh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + Full * kLanes * 4));
    for (int i = 0; i < Vectors; ++i) {
      int32_t quad;
      std::memcpy(&quad, x + static_cast<int64_t>(i) * x_stride + 4 * k, 4);
      const __m512i xv = _mm512_set1_epi32(quad);
      for (int j = 0; j < Full; ++j) acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], xv, wv[j]);
      if constexpr (Half) half[i] = _mm256_dpbusd_epi32(half[i], _mm512_castsi512_si256(xv), wh);
    }
  }
  if (q) {
    for (int j = 0; j < Blocks; ++j) {
      const __mmask16 mask = lane_mask(q->rows - j * kLanes);
      const __m512 scale = _mm512_maskz_loadu_ps(mask, q->scale + j * kLanes);
      for (int i = 0; i < Vectors; ++i) {
        const __m512i a = j < Full ? acc[i][j] : _mm512_zextsi256_si512(half[i]);
        q->rq->store(a, scale, mask, q->dst + static_cast<int64_t>(i) * q->dst_stride + j * kLanes);
      }
    }
    return;
  }
  for (int i = 0; i < Vectors; ++i) {
    int32_t* o = out + static_cast<int64_t>(i) * out_stride;
    for (int j = 0; j < Full; ++j) _mm512_storeu_si512(o + j * kLanes, acc[i][j]);
    if constexpr (Half) _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + Full * kLanes), half[i]);
  }
}

using TileFn = void (*)(const uint8_t*, int, const int8_t*, int, int, const int32_t*, int32_t*, int,
                        const TileRequant*);

// With `q`, the results are requantized to q's dst instead of stored to out.
void multiply_tiles(const PackedInt8Matrix& m, const uint8_t* x, int count, int x_stride, const int32_t* start,
                    int32_t* out, int out_stride, const TileRequant* q = nullptr);

template <bool Half, int Vectors, int... Blocks>
constexpr std::array<TileFn, sizeof...(Blocks)> tiles_for(std::integer_sequence<int, Blocks...>) {
  return {tile<Vectors, Blocks + 1, Half>...};
}

template <bool Half, int... Vectors>
constexpr auto tile_table(std::integer_sequence<int, Vectors...>) {
  return std::array{tiles_for<Half, Vectors + 1>(std::make_integer_sequence<int, kTileBlocks>())...};
}

// kTiles[vectors - 1][blocks - 1]; kHalfTiles: the same with a last block of at most 8 rows.
constexpr auto kTiles = tile_table<false>(std::make_integer_sequence<int, kTileRows>());
constexpr auto kHalfTiles = tile_table<true>(std::make_integer_sequence<int, kTileRows>());

#else

int32_t dot_u8_i8(const uint8_t* __restrict a, const int8_t* __restrict b, int n) {
  int32_t s = 0;
  for (int i = 0; i < n; ++i) s += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return s;
}

// out[r] = dot(x, w + r * n) for r in [0, rows): four rows share each load of x.
void dot_u8_i8_rows(const uint8_t* __restrict x, const int8_t* __restrict w, int rows, int n, int32_t* __restrict out) {
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

constexpr int kTransposeBelow = 32;
constexpr int kStrideMultiple = 32;

#endif

}  // namespace

void PackedInt8Matrix::pack(const int8_t* weights, int rows_, int cols_) {
  rows = rows_;
  cols = cols_;
  row_sums.resize(static_cast<size_t>(rows));
  row_sums_i8(weights, rows, cols, row_sums.data());
#ifdef TINYFIT_FAST_AVX512
  transposed = false;
  stride = (cols + 3) / 4 * 4;
  padded_rows = (rows + kLanes - 1) / kLanes * kLanes;
  data.assign(static_cast<size_t>(stride) * padded_rows, 0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      data[(static_cast<size_t>(c / 4) * padded_rows + r) * 4 + c % 4] = weights[static_cast<int64_t>(r) * cols + c];
#else
  padded_rows = rows;
  transposed = cols < kTransposeBelow;
  if (transposed) {
    stride = cols;
    data.resize(static_cast<size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) data[static_cast<size_t>(c) * rows + r] = weights[static_cast<int64_t>(r) * cols + c];
  } else {
    stride = (cols + kStrideMultiple - 1) / kStrideMultiple * kStrideMultiple;
    data.assign(static_cast<size_t>(rows) * stride, 0);
    for (int r = 0; r < rows; ++r)
      std::copy_n(weights + static_cast<int64_t>(r) * cols, cols, data.begin() + static_cast<int64_t>(r) * stride);
  }
#endif
}

void PackedInt8Matrix::multiply(const uint8_t* x, int count, int x_stride, const int32_t* start, int32_t* out,
                                int out_stride) const {
#ifdef TINYFIT_FAST_AVX512
  multiply_tiles(*this, x, count, x_stride, start, out, out_stride);
#else
  for (int i = 0; i < count; ++i) {
    const uint8_t* xi = x + static_cast<int64_t>(i) * x_stride;
    int32_t* __restrict acc = out + static_cast<int64_t>(i) * out_stride;
    if (!transposed) {
      dot_u8_i8_rows(xi, data.data(), rows, stride, acc);
      if (start)
        for (int r = 0; r < rows; ++r) acc[r] += start[r];
      continue;
    }
    for (int r = 0; r < rows; ++r) acc[r] = start ? start[r] : 0;
    for (int c = 0; c < cols; ++c) {
      const int32_t xc = xi[c];
      const int8_t* __restrict w = data.data() + static_cast<int64_t>(c) * rows;
      for (int r = 0; r < rows; ++r) acc[r] += xc * w[r];
    }
  }
#endif
}

#ifdef TINYFIT_FAST_AVX512
void PackedInt8Matrix::multiply_requantized(const uint8_t* x, int count, int x_stride, const int32_t* start,
                                            const float* scale, const Fp32Requant16& rq, int8_t* dst,
                                            int dst_stride) const {
  const TileRequant q{&rq, scale, dst, dst_stride, rows};
  multiply_tiles(*this, x, count, x_stride, start, nullptr, 0, &q);
}

namespace {

void multiply_tiles(const PackedInt8Matrix& m, const uint8_t* x, int count, int x_stride, const int32_t* start,
                    int32_t* out, int out_stride, const TileRequant* q) {
  const int steps = m.stride / 4;
  const int w_step = m.padded_rows * 4;
  for (int i = 0; i < count; i += kTileRows) {
    const int vectors = std::min(kTileRows, count - i);
    const uint8_t* xi = x + static_cast<int64_t>(i) * x_stride;
    for (int r = 0; r < m.padded_rows; r += kTileBlocks * kLanes) {
      const int blocks = std::min(kTileBlocks, (m.padded_rows - r) / kLanes);
      int32_t* o = nullptr;
      TileRequant tq{};
      if (q) {
        tq = {q->rq, q->scale + r, q->dst + static_cast<int64_t>(i) * q->dst_stride + r, q->dst_stride, q->rows - r};
      } else {
        o = out + static_cast<int64_t>(i) * out_stride + r;
      }
      // A last block with at most 8 real rows (of the matrix) runs at half width.
      const bool half = r + blocks * kLanes >= m.padded_rows && m.rows - (m.padded_rows - kLanes) <= kLanes / 2;
      const auto& table = half ? kHalfTiles : kTiles;
      table[static_cast<size_t>(vectors - 1)][static_cast<size_t>(blocks - 1)](
          xi, x_stride, m.data.data() + r * 4, w_step, steps, start ? start + r : nullptr, o, out_stride,
          q ? &tq : nullptr);
    }
  }
}

}  // namespace
#endif

}  // namespace tinyfit::tflite::fast
