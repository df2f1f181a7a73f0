#include "tflite/fast/add.hpp"

#include <algorithm>

#include "tflite/fast/dot.hpp"  // TINYFIT_FAST_AVX512
#include "tflite/fast/requantize.hpp"

#if defined(TINYFIT_FAST_AVX512) && defined(__AVX512VBMI__)
#define TINYFIT_ADD_PLANES 1
#endif

namespace tinyfit::tflite::fast {

void AddTables::finish() {
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 256; ++i) {
      planes_a[static_cast<size_t>(k * 256 + i)] = static_cast<uint8_t>(static_cast<uint32_t>(scaled_a[static_cast<size_t>(i)]) >> (8 * k));
      planes_b[static_cast<size_t>(k * 256 + i)] = static_cast<uint8_t>(static_cast<uint32_t>(scaled_b[static_cast<size_t>(i)]) >> (8 * k));
    }
  // The vector path multiplies in 64-bit lanes without the left shift of a positive output shift;
  // the tables are at most 255 * 2^19 in magnitude (TFLite's left shift 20 times a ratio <= 1/2), so
  // their sums stay far from int32 overflow.
  planes_ready = output_shift <= 0;
}

namespace {

void add_int8_scalar(const AddTables& t, const int8_t* __restrict a, const int8_t* __restrict b,
                     int8_t* __restrict out, int64_t n) {
  // Locals and restrict: the output cannot alias the tables, so the loop vectorizes where it can.
  const int32_t* __restrict ta = t.scaled_a.data();
  const int32_t* __restrict tb = t.scaled_b.data();
  const int32_t multiplier = t.output_multiplier, offset = t.output_offset, lo = t.act_min, hi = t.act_max;
  const int shift = t.output_shift;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t sum = ta[a[i] + 128] + tb[b[i] + 128];
    out[i] = static_cast<int8_t>(std::min(std::max(requantize_one(sum, multiplier, shift) + offset, lo), hi));
  }
}

#ifdef TINYFIT_ADD_PLANES
// One byte plane of a table for 64 int8 values: vpermi2b reads 128 entries by the value's low 7 bits,
// so the negative values (table half 0..127) and the others (128..255) take one lookup each and the
// sign bit picks.
inline __m512i lookup_plane(const uint8_t* plane, __m512i v, __mmask64 negative) {
  const __m512i low = _mm512_permutex2var_epi8(_mm512_loadu_si512(plane), v, _mm512_loadu_si512(plane + 64));
  const __m512i high = _mm512_permutex2var_epi8(_mm512_loadu_si512(plane + 128), v, _mm512_loadu_si512(plane + 192));
  return _mm512_mask_blend_epi8(negative, high, low);
}

// The four int32 table entries of 64 values, as four vectors of 16. Byte unpacking works within
// 128-bit lanes, so vector k lane L would hold the values at 16 L + 4 k + j; the caller permutes the
// input bytes first (kUnpackOrder) so that vector k holds values 16 k .. 16 k + 15 in order.
inline void lookup(const uint8_t* planes, __m512i v, __m512i out[4]) {
  const __mmask64 negative = _mm512_movepi8_mask(v);
  const __m512i p0 = lookup_plane(planes, v, negative);
  const __m512i p1 = lookup_plane(planes + 256, v, negative);
  const __m512i p2 = lookup_plane(planes + 512, v, negative);
  const __m512i p3 = lookup_plane(planes + 768, v, negative);
  const __m512i w01_lo = _mm512_unpacklo_epi8(p0, p1), w01_hi = _mm512_unpackhi_epi8(p0, p1);
  const __m512i w23_lo = _mm512_unpacklo_epi8(p2, p3), w23_hi = _mm512_unpackhi_epi8(p2, p3);
  out[0] = _mm512_unpacklo_epi16(w01_lo, w23_lo);
  out[1] = _mm512_unpackhi_epi16(w01_lo, w23_lo);
  out[2] = _mm512_unpacklo_epi16(w01_hi, w23_hi);
  out[3] = _mm512_unpackhi_epi16(w01_hi, w23_hi);
}

// Byte p of the permuted input is value 16 ((p % 16) / 4) + 4 (p / 16) + p % 4 (see lookup).
inline __m512i unpack_order() {
  alignas(64) uint8_t idx[64];
  for (int p = 0; p < 64; ++p) idx[p] = static_cast<uint8_t>(16 * ((p % 16) / 4) + 4 * (p / 16) + p % 4);
  return _mm512_load_si512(idx);
}

// requantize_one for 16 sums with a non-positive shift: the doubling high multiply is
// (x * m + 2^30) >> 31 (equal to the reference's nudge-and-truncate for every product), done in
// 64-bit lanes for the even and odd elements; the rounding divide is (y + 2^(e-1) - (y < 0)) >> e.
struct OutputStage {
  __m512i multiplier, nudge, round, offset, lo, hi;
  __m128i exponent;
  bool rounds;
  explicit OutputStage(const AddTables& t)
      : multiplier(_mm512_set1_epi64(t.output_multiplier)),
        nudge(_mm512_set1_epi64(int64_t{1} << 30)),
        round(_mm512_set1_epi32(t.output_shift < 0 ? int32_t{1} << (-t.output_shift - 1) : 0)),
        offset(_mm512_set1_epi32(t.output_offset)),
        lo(_mm512_set1_epi32(t.act_min)),
        hi(_mm512_set1_epi32(t.act_max)),
        exponent(_mm_cvtsi32_si128(-t.output_shift)),
        rounds(t.output_shift < 0) {}

  __m512i apply(__m512i sum) const {
    const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(sum, multiplier), nudge);
    const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(sum, 32), multiplier), nudge);
    __m512i y = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
    if (rounds) y = _mm512_sra_epi32(_mm512_add_epi32(_mm512_add_epi32(y, round), _mm512_srai_epi32(y, 31)), exponent);
    return _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(y, offset), lo), hi);
  }
};

void add_int8_planes(const AddTables& t, const int8_t* a, const int8_t* b, int8_t* out, int64_t n) {
  const __m512i order = unpack_order();
  const OutputStage stage(t);
  for (int64_t i = 0; i < n; i += 64) {
    const int64_t left = n - i;
    const __mmask64 mask = left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
    const __m512i va = _mm512_permutexvar_epi8(order, _mm512_maskz_loadu_epi8(mask, a + i));
    const __m512i vb = _mm512_permutexvar_epi8(order, _mm512_maskz_loadu_epi8(mask, b + i));
    __m512i sa[4], sb[4];
    lookup(t.planes_a.data(), va, sa);
    lookup(t.planes_b.data(), vb, sb);
    for (int k = 0; k < 4; ++k) {
      const __m512i q = stage.apply(_mm512_add_epi32(sa[k], sb[k]));
      const __mmask16 store = static_cast<__mmask16>(mask >> (16 * k));
      _mm512_mask_cvtepi32_storeu_epi8(out + i + 16 * k, store, q);
    }
  }
}
#endif

}  // namespace

void add_int8(const AddTables& t, const int8_t* a, const int8_t* b, int8_t* out, int64_t n) {
#ifdef TINYFIT_ADD_PLANES
  if (t.planes_ready) return add_int8_planes(t, a, b, out, n);
#endif
  add_int8_scalar(t, a, b, out, n);
}

}  // namespace tinyfit::tflite::fast
