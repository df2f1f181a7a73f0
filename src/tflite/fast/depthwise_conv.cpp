// Depthwise kernels of fast/conv.hpp: per output pixel, accumulate over the in-bounds filter taps
// with the innermost loop running over channels (contiguous in input, filter and output).
#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/fast/conv.hpp"
#include "tflite/fast/requantize.hpp"

#include <algorithm>
#include <array>
#include <utility>

#ifdef TINYFIT_FAST_AVX512
#include <immintrin.h>
#endif

namespace tinyfit::tflite::fast {

namespace {

using ref::clamp_float;
using ref::offset;

// Calls tap(x, w) for each in-bounds filter tap of output (b, oy, ox), in the reference order
// (fx, then fy): x points at the input pixel's channels, w at the filter row's out channels.
template <class T, class Tap>
void for_each_tap(const ConvParams& p, const Shape4& in, const T* input, const Shape4& filter, const T* filter_data,
                  int b, int oy, int ox, Tap&& tap) {
  const int y0 = oy * p.stride_h - p.pad_h;
  const int x0 = ox * p.stride_w - p.pad_w;
  for (int fx = 0; fx < filter.w; ++fx) {
    const int ix = x0 + p.dilation_w * fx;
    if (ix < 0 || ix >= in.w) continue;
    for (int fy = 0; fy < filter.h; ++fy) {
      const int iy = y0 + p.dilation_h * fy;
      if (iy < 0 || iy >= in.h) continue;
      tap(input + offset(in, b, iy, ix, 0), filter_data + offset(filter, 0, fy, fx, 0));
    }
  }
}

// acc[oc] += (x[oc / dm] + x_offset) * w[oc]; the dm == 1 case is a plain vector loop.
template <class Acc, class T>
inline void accumulate(Acc* __restrict acc, const T* __restrict x, const T* __restrict w, int in_c, int dm,
                       Acc x_offset) {
  if (dm == 1) {
    for (int c = 0; c < in_c; ++c) acc[c] += (static_cast<Acc>(x[c]) + x_offset) * static_cast<Acc>(w[c]);
    return;
  }
  for (int ic = 0; ic < in_c; ++ic) {
    const Acc xv = static_cast<Acc>(x[ic]) + x_offset;
    for (int m = 0; m < dm; ++m) acc[ic * dm + m] += xv * static_cast<Acc>(w[ic * dm + m]);
  }
}

}  // namespace

void depthwise_conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                          const float* filter_data, const float* bias, const Shape4& out, float* output) {
  for (int b = 0; b < out.n; ++b)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox) {
        float* acc = output + offset(out, b, oy, ox, 0);
        for (int c = 0; c < out.c; ++c) acc[c] = bias ? bias[c] : 0.0f;
        for_each_tap(p, in, input, filter, filter_data, b, oy, ox, [&](const float* x, const float* w) {
          // x + 0.0f would turn -0 into +0; the float path has no offset, so multiply directly.
          if (p.depth_multiplier == 1) {
            for (int c = 0; c < out.c; ++c) acc[c] += x[c] * w[c];
          } else {
            for (int ic = 0; ic < in.c; ++ic)
              for (int m = 0; m < p.depth_multiplier; ++m)
                acc[ic * p.depth_multiplier + m] += x[ic] * w[ic * p.depth_multiplier + m];
          }
        });
        for (int c = 0; c < out.c; ++c) acc[c] = clamp_float(acc[c], p.float_min, p.float_max);
      }
}

namespace {

// out = requantize(acc) for one output pixel, with the op's numerics.
inline void requantize_pixel(const ConvParams& p, const int32_t* acc, int n, int8_t* out) {
  if (p.requant_scale) {
    requantize_row_fp32(acc, n, p.requant_scale, true, p.output_offset, p.quant_min, p.quant_max, out);
  } else {
    requantize_row(acc, n, p.multiplier, p.shift, true, p.output_offset, p.quant_min, p.quant_max, out);
  }
}

#ifdef TINYFIT_FAST_AVX512
// The prepared-weights kernel (see DepthwiseWeights), one block of 16 channels at a time: the block's
// input is widened to int32 lanes once (one vpmovsxbd per input pixel, into DepthwiseScratch::widened,
// which holds the padding too), then each output row is computed in chunks of N pixels as
// acc = start + sum_t x_t * w_t with one vpdpwssd per tap and pixel: the N accumulators are
// independent chains (one alone waits on the instruction's latency) and share each weight load.
// Start = bias + input_offset * sum_t w_t, so the zero point that padding taps read adds nothing.
// Where a chunk's N x 16 results go: requantized in registers (XNNPACK numerics: `scale` set) to
// dst + i * dst_step under `mask`, or else stored as int32 to acc[i * 16] for requantize_row.
struct ChunkOutput {
  const float* scale = nullptr;
  const Fp32Requant16* rq = nullptr;
  __mmask16 mask = 0;
  int8_t* dst = nullptr;
  int dst_step = 0;
  int32_t* acc = nullptr;
};

// The end of both chunk kernels: N accumulator vectors to `o`.
template <int N>
inline void store_chunk(const __m512i* a, const ChunkOutput& o) {
  if (o.scale) {
    const __m512 scale = _mm512_maskz_loadu_ps(o.mask, o.scale);
    for (int i = 0; i < N; ++i) o.rq->store(a[i], scale, o.mask, o.dst + i * o.dst_step);
    return;
  }
  for (int i = 0; i < N; ++i) _mm512_storeu_si512(o.acc + i * 16, a[i]);
}

// The output rows of batch item b and the 16-channel block at c, once the block's input rows are
// prepared ([in.h][cols] vectors, and pad_row for taps outside the input): each row in chunks of at
// most kDepthwiseMaxPixels pixels (as even as possible), run(n, ox, rows, output) computing n pixels
// from ox; with the reference numerics the chunk's accumulators are requantized here.
template <class RunChunk>
void for_each_chunk(const ConvParams& p, const Shape4& in, const Shape4& filter, const Shape4& out, int b, int c,
                    const __m512i* rows, const __m512i* pad_row, int cols, DepthwiseScratch& scratch,
                    const Fp32Requant16& rq, int8_t* output, RunChunk&& run) {
  const int channels = out.c;
  const int lanes = std::min(16, channels - c);
  const int chunks = (out.w + kDepthwiseMaxPixels - 1) / kDepthwiseMaxPixels;
  const int chunk = (out.w + chunks - 1) / chunks;
  const void** row_ptrs = scratch.rows.data();  // filter.h entries
  int32_t* acc = scratch.acc.data();
  for (int oy = 0; oy < out.h; ++oy) {
    for (int fy = 0; fy < filter.h; ++fy) {
      const int iy = oy * p.stride_h - p.pad_h + fy * p.dilation_h;
      row_ptrs[fy] = iy >= 0 && iy < in.h ? rows + static_cast<int64_t>(iy) * cols : pad_row;
    }
    for (int ox = 0; ox < out.w; ox += chunk) {
      const int n = std::min(chunk, out.w - ox);
      ChunkOutput o;
      o.dst = output + offset(out, b, oy, ox, c);
      o.dst_step = channels;
      if (p.requant_scale) {
        o.scale = p.requant_scale + c;
        o.rq = &rq;
        o.mask = lane_mask(lanes);
      } else {
        o.acc = acc;
      }
      run(n, ox, row_ptrs, o);
      if (p.requant_scale) continue;
      for (int i = 0; i < n; ++i)
        requantize_row(acc + i * 16, lanes, p.multiplier + c, p.shift + c, true, p.output_offset, p.quant_min,
                       p.quant_max, o.dst + i * channels);
    }
  }
}

template <int N>
void depthwise_chunk(const void* const* rows, int taps_w, int stride_w, int dilation_w, const int32_t* w,
                     int w_step, int filter_h, const int32_t* start, int x0, const ChunkOutput& o) {
  __m512i a[N];
  const __m512i s = _mm512_loadu_si512(start);
  for (int i = 0; i < N; ++i) a[i] = s;
  for (int fy = 0; fy < filter_h; ++fy) {
    const __m512i* row = static_cast<const __m512i*>(rows[fy]) + x0 * stride_w;
    for (int fx = 0; fx < taps_w; ++fx, w += w_step) {
      const __m512i wv = _mm512_loadu_si512(w);
      const __m512i* x = row + fx * dilation_w;
      for (int i = 0; i < N; ++i) a[i] = _mm512_dpwssd_epi32(a[i], _mm512_loadu_si512(x + i * stride_w), wv);
    }
  }
  store_chunk<N>(a, o);
}

using ChunkFn = void (*)(const void* const*, int, int, int, const int32_t*, int, int, const int32_t*, int,
                         const ChunkOutput&);

template <int... N>
constexpr std::array<ChunkFn, sizeof...(N)> chunk_table(std::integer_sequence<int, N...>) {
  return {depthwise_chunk<N + 1>...};
}
constexpr auto kChunks = chunk_table(std::make_integer_sequence<int, kDepthwiseMaxPixels>());  // [N - 1]

void depthwise_int8_prepared(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                             const DepthwiseWeights& w, const int32_t* bias, const Shape4& out, int8_t* output,
                             DepthwiseScratch& scratch) {
  const int channels = out.c;
  const int padded = w.padded_c;
  const int cols = scratch.widened_cols, left = scratch.left_pad;
  int32_t* __restrict init = scratch.init.data();
  start_values(bias, w.tap_sums.data(), p.input_offset, channels, init);
  auto* widened = reinterpret_cast<__m512i*>(scratch.widened.data());  // [in.h + 1][cols] vectors
  __m512i* pad_row = widened + static_cast<int64_t>(in.h) * cols;
  const Fp32Requant16 rq(p.output_offset, p.quant_min, p.quant_max, p.requant_in_range);
  for (int b = 0; b < out.n; ++b) {
    for (int c = 0; c < channels; c += 16) {
      const __mmask16 mask = lane_mask(std::min(16, channels - c));
      const __m512i zero_point = _mm512_set1_epi32(-p.input_offset);
      for (int x = 0; x < cols; ++x) _mm512_storeu_si512(pad_row + x, zero_point);
      for (int y = 0; y < in.h; ++y) {
        __m512i* row = widened + static_cast<int64_t>(y) * cols;
        for (int x = 0; x < left; ++x) _mm512_storeu_si512(row + x, zero_point);
        const int8_t* src = input + offset(in, b, y, 0, c);
        for (int x = 0; x < in.w; ++x, src += in.c)
          _mm512_storeu_si512(row + left + x, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, src)));
        for (int x = left + in.w; x < cols; ++x) _mm512_storeu_si512(row + x, zero_point);
      }
      for_each_chunk(p, in, filter, out, b, c, widened, pad_row, cols, scratch, rq, output,
                     [&](int n, int ox, const void* const* rows, const ChunkOutput& o) {
                       kChunks[static_cast<size_t>(n - 1)](rows, filter.w, p.stride_w, p.dilation_w, w.taps.data() + c,
                                                           padded, filter.h, init + c, ox, o);
                     });
    }
  }
}

#ifdef TINYFIT_DEPTHWISE_QUADS
// The quads kernel (see DepthwiseWeights::quads): per 16-channel block, each input row is biased to
// unsigned bytes (zero-point padding included) and transposed so that lane c of position x holds the
// bytes of pixels x .. x + 3 for channel c (one vpermb on a register holding 4 consecutive pixels,
// slid along the row one pixel per step: no store of 16-byte pixels reloaded as 64 bytes, which
// cannot be forwarded from the store buffer and stalled every position).
// An output pixel then takes one vpdpbusd per filter row: sum over the row's taps of (x + 128) * w.
// Start = bias + (input_offset - 128) * sum_t w_t, so padding (the zero point) again adds nothing,
// and the 4th byte of a 3-wide filter meets a zero weight.
template <int N>
void quad_chunk(const void* const* rows, int filter_h, int stride_w, const int8_t* w, int w_step,
                const int32_t* start, int x0, const ChunkOutput& o) {
  __m512i a[N];
  const __m512i s = _mm512_loadu_si512(start);
  for (int i = 0; i < N; ++i) a[i] = s;
  for (int fy = 0; fy < filter_h; ++fy, w += w_step) {
    const __m512i wv = _mm512_loadu_si512(w);
    const __m512i* x = static_cast<const __m512i*>(rows[fy]) + x0 * stride_w;
    for (int i = 0; i < N; ++i) a[i] = _mm512_dpbusd_epi32(a[i], _mm512_loadu_si512(x + i * stride_w), wv);
  }
  store_chunk<N>(a, o);
}

using QuadChunkFn = void (*)(const void* const*, int, int, const int8_t*, int, const int32_t*, int, const ChunkOutput&);

template <int... N>
constexpr std::array<QuadChunkFn, sizeof...(N)> quad_chunk_table(std::integer_sequence<int, N...>) {
  return {quad_chunk<N + 1>...};
}
constexpr auto kQuadChunks = quad_chunk_table(std::make_integer_sequence<int, kDepthwiseMaxPixels>());  // [N - 1]

void depthwise_int8_quads(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                          const DepthwiseWeights& w, const int32_t* bias, const Shape4& out, int8_t* output,
                          DepthwiseScratch& scratch) {
  const int channels = out.c;
  const int padded = w.padded_c;
  const int cols = scratch.widened_cols, left = scratch.left_pad;
  int32_t* __restrict init = scratch.init.data();
  const int32_t correction = p.input_offset - kActivationBias;
  start_values(bias, w.tap_sums.data(), correction, channels, init);
  auto* quads = reinterpret_cast<__m512i*>(scratch.widened.data());  // [in.h + 1][cols]
  __m512i* pad_row = quads + static_cast<int64_t>(in.h) * cols;
  // vpermb index: byte 4c + k of the result is byte c of the k-th 16-byte pixel.
  alignas(64) uint8_t transpose[64];
  for (int j = 0; j < 64; ++j) transpose[j] = static_cast<uint8_t>((j % 4) * 16 + j / 4);
  const __m512i index = _mm512_load_si512(transpose);
  const auto biased_zero_point = static_cast<char>(static_cast<uint8_t>(-p.input_offset) ^ 0x80u);
  const __m128i pad16 = _mm_set1_epi8(biased_zero_point);
  const __m128i sign = _mm_set1_epi8(static_cast<char>(0x80));
  const Fp32Requant16 rq(p.output_offset, p.quant_min, p.quant_max, p.requant_in_range);
  for (int x = 0; x < cols; ++x) _mm512_storeu_si512(pad_row + x, _mm512_set1_epi8(biased_zero_point));
  for (int b = 0; b < out.n; ++b) {
    for (int c = 0; c < channels; c += 16) {
      const __mmask16 mask = lane_mask(std::min(16, channels - c));
      for (int y = 0; y < in.h; ++y) {
        const int8_t* src = input + offset(in, b, y, 0, c);
        // Biased pixel at padded column x (the zero point outside the input).
        auto pixel = [&](int x) {
          const int ix = x - left;
          return ix >= 0 && ix < in.w ? _mm_xor_si128(_mm_maskz_loadu_epi8(mask, src + static_cast<int64_t>(ix) * in.c), sign)
                                      : pad16;
        };
        __m512i window = _mm512_zextsi128_si512(pixel(0));  // pixels x .. x + 3, one per 128-bit lane
        window = _mm512_inserti32x4(window, pixel(1), 1);
        window = _mm512_inserti32x4(window, pixel(2), 2);
        window = _mm512_inserti32x4(window, pixel(3), 3);
        __m512i* row = quads + static_cast<int64_t>(y) * cols;
        for (int x = 0; x < cols; ++x) {
          _mm512_storeu_si512(row + x, _mm512_permutexvar_epi8(index, window));
          window = _mm512_alignr_epi64(_mm512_zextsi128_si512(pixel(x + 4)), window, 2);  // drop x, append x + 4
        }
      }
      for_each_chunk(p, in, filter, out, b, c, quads, pad_row, cols, scratch, rq, output,
                     [&](int n, int ox, const void* const* rows, const ChunkOutput& o) {
                       kQuadChunks[static_cast<size_t>(n - 1)](rows, filter.h, p.stride_w, w.quads.data() + 4 * c,
                                                               4 * padded, init + c, ox, o);
                     });
    }
  }
}
#endif
#endif

}  // namespace

void prepare_depthwise_weights(const ConvParams& p, const Shape4& filter, const int8_t* weights,
                               DepthwiseWeights* out) {
  *out = {};
#ifdef TINYFIT_FAST_AVX512
  if (p.depth_multiplier != 1) return;  // the generic kernel handles channel multipliers
  const int channels = filter.c;
  const int taps = filter.h * filter.w;
  out->padded_c = (channels + 15) / 16 * 16;
#ifdef TINYFIT_DEPTHWISE_QUADS
  if (filter.w <= 4 && p.dilation_w == 1) {
    out->quads.assign(static_cast<size_t>(filter.h) * out->padded_c * 4, 0);
    out->tap_sums.assign(static_cast<size_t>(out->padded_c), 0);
    for (int fy = 0; fy < filter.h; ++fy)
      for (int fx = 0; fx < filter.w; ++fx)
        for (int c = 0; c < channels; ++c) {
          const int8_t v = weights[static_cast<int64_t>(fy * filter.w + fx) * channels + c];
          out->quads[(static_cast<size_t>(fy) * out->padded_c + c) * 4 + fx] = v;
          out->tap_sums[static_cast<size_t>(c)] += v;
        }
    return;
  }
#endif
  out->taps.assign(static_cast<size_t>(taps) * out->padded_c, 0);
  out->tap_sums.assign(static_cast<size_t>(out->padded_c), 0);
  for (int t = 0; t < taps; ++t)
    for (int c = 0; c < channels; ++c) {
      const int8_t v = weights[static_cast<int64_t>(t) * channels + c];
      out->taps[static_cast<size_t>(t) * out->padded_c + c] = static_cast<uint16_t>(v);  // int16 in the low half
      out->tap_sums[static_cast<size_t>(c)] += v;
    }
#else
  (void)p, (void)filter, (void)weights;
#endif
}

void depthwise_conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                         const int8_t* filter_data, const DepthwiseWeights& prepared, const int32_t* bias,
                         const Shape4& out, int8_t* output, DepthwiseScratch& scratch) {
#ifdef TINYFIT_FAST_AVX512
#ifdef TINYFIT_DEPTHWISE_QUADS
  if (!prepared.quads.empty()) {
    depthwise_int8_quads(p, in, input, filter, prepared, bias, out, output, scratch);
    return;
  }
#endif
  if (!prepared.empty()) {
    depthwise_int8_prepared(p, in, input, filter, prepared, bias, out, output, scratch);
    return;
  }
#endif
  (void)prepared;
  int32_t* acc = scratch.acc.data();
  for (int b = 0; b < out.n; ++b)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox) {
        for (int c = 0; c < out.c; ++c) acc[c] = bias ? bias[c] : 0;
        for_each_tap(p, in, input, filter, filter_data, b, oy, ox, [&](const int8_t* x, const int8_t* w) {
          accumulate<int32_t>(acc, x, w, in.c, p.depth_multiplier, p.input_offset);
        });
        requantize_pixel(p, acc, out.c, output + offset(out, b, oy, ox, 0));
      }
}

void depthwise_conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                           const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                           const float* channel_scale, const float* bias, const Shape4& out, float* output,
                           DepthwiseScratch& scratch) {
  int32_t* acc = scratch.acc.data();
  for (int b = 0; b < out.n; ++b) {
    const int32_t zero_point = batch_zero_point ? batch_zero_point[b] : 0;
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox) {
        for (int c = 0; c < out.c; ++c) acc[c] = 0;
        for_each_tap(p, in, input, filter, filter_data, b, oy, ox, [&](const int8_t* x, const int8_t* w) {
          accumulate<int32_t>(acc, x, w, in.c, p.depth_multiplier, -zero_point);
        });
        float* dst = output + offset(out, b, oy, ox, 0);
        for (int c = 0; c < out.c; ++c) {
          float value = static_cast<float>(acc[c]) * batch_scale[b] * channel_scale[c];
          if (bias) value += bias[c];
          dst[c] = clamp_float(value, p.float_min, p.float_max);
        }
      }
  }
}

}  // namespace tinyfit::tflite::fast
