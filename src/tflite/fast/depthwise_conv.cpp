// Depthwise kernels of fast/conv.hpp: per output pixel, accumulate over the in-bounds filter taps
// with the innermost loop running over channels (contiguous in input, filter and output).
#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/fast/conv.hpp"
#include "tflite/fast/requantize.hpp"

#include <algorithm>

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
// The prepared-weights kernel (see DepthwiseWeights), kDepthwisePixels output pixels at a time: the
// input pixel of every tap of each (or the zero-point row), then 16 channels at a time
// acc = start + sum_t x_t * w_t with one vpdpwssd per tap and pixel. The pixels give independent
// accumulator chains (one alone waits on the instruction's latency) and share each weight load.
// Start = bias + input_offset * sum_t w_t, so taps reading the zero point add nothing. A last group
// with fewer pixels repeats its last pixel and requantizes only the real ones.
void depthwise_int8_prepared(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                             const DepthwiseWeights& w, const int32_t* bias, const Shape4& out, int8_t* output,
                             DepthwiseScratch& scratch) {
  constexpr int kPixels = kDepthwisePixels;
  const int channels = out.c;
  const int padded = w.padded_c;
  const int taps = filter.h * filter.w;
  int32_t* __restrict init = scratch.init.data();
  for (int c = 0; c < channels; ++c) init[c] = (bias ? bias[c] : 0) + p.input_offset * w.tap_sums[static_cast<size_t>(c)];
  const int8_t** tap = scratch.taps.data();  // [kPixels][taps]
  int32_t* acc = scratch.acc.data();         // [kPixels][padded]
  const int64_t pixels = static_cast<int64_t>(out.n) * out.h * out.w;
  int b = 0, oy = 0, ox = 0;
  for (int64_t first = 0; first < pixels; first += kPixels) {
    const int count = static_cast<int>(std::min<int64_t>(kPixels, pixels - first));
    for (int i = 0; i < kPixels; ++i) {
      const int8_t** pt = tap + i * taps;
      if (i >= count) {
        std::copy_n(pt - taps, taps, pt);
        continue;
      }
      const int y0 = oy * p.stride_h - p.pad_h;
      const int x0 = ox * p.stride_w - p.pad_w;
      for (int fy = 0; fy < filter.h; ++fy) {
        const int iy = y0 + p.dilation_h * fy;
        for (int fx = 0; fx < filter.w; ++fx) {
          const int ix = x0 + p.dilation_w * fx;
          const bool inside = iy >= 0 && iy < in.h && ix >= 0 && ix < in.w;
          pt[fy * filter.w + fx] = inside ? input + offset(in, b, iy, ix, 0) : scratch.pad_row.data();
        }
      }
      if (++ox == out.w) {
        ox = 0;
        if (++oy == out.h) oy = 0, ++b;
      }
    }
    for (int c = 0; c < padded; c += 16) {
      // Masked loads stop at the pixel's last channel (and the tensor's end).
      const auto mask = static_cast<__mmask16>(channels - c >= 16 ? 0xFFFF : (1u << (channels - c)) - 1u);
      __m512i a[kPixels];
      for (int i = 0; i < kPixels; ++i) a[i] = _mm512_loadu_si512(init + c);
      const int32_t* wt = w.taps.data() + c;
      for (int t = 0; t < taps; ++t, wt += padded) {
        const __m512i wv = _mm512_loadu_si512(wt);
        for (int i = 0; i < kPixels; ++i) {
          const __m512i x = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, tap[i * taps + t] + c));
          a[i] = _mm512_dpwssd_epi32(a[i], x, wv);
        }
      }
      for (int i = 0; i < kPixels; ++i) _mm512_storeu_si512(acc + i * padded + c, a[i]);
    }
    for (int i = 0; i < count; ++i) requantize_pixel(p, acc + i * padded, channels, output + (first + i) * channels);
  }
}
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
