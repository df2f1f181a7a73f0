#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/fast/conv.hpp"

#include <algorithm>
#include <cstring>

#include "tflite/fast/requantize.hpp"

namespace tinyfit::tflite::fast {

namespace {

using ref::clamp_float;
using ref::clamp_int;
using ref::offset;

// The receptive field of output (b, oy, ox) as one contiguous row in filter order [kh][kw][in_c],
// biased to unsigned for the dot products, read from the input itself (take_patch uses it where the
// scratch holds no padded copy: dilation along x, and hybrid 1x1 convolutions that could read in place). Taps outside the input read `pad_value` (the input zero
// point: after the zero-point correction they contribute exactly nothing, like the taps the
// reference skips). Without dilation along x a filter row is one contiguous span of the input row,
// copied in one go (a first layer on one channel would otherwise take its bytes one tap at a time).
void gather_patch(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter, int b, int oy,
                  int ox, int8_t pad_value, uint8_t* patch) {
  const int y0 = oy * p.stride_h - p.pad_h;
  const int x0 = ox * p.stride_w - p.pad_w;
  const auto biased_pad = static_cast<uint8_t>(static_cast<uint8_t>(pad_value) ^ 0x80u);
  const int row_bytes = filter.w * in.c;
  uint8_t* dst = patch;
  for (int fy = 0; fy < filter.h; ++fy, dst += row_bytes) {
    const int iy = y0 + p.dilation_h * fy;
    if (iy < 0 || iy >= in.h) {
      std::memset(dst, biased_pad, static_cast<size_t>(row_bytes));
      continue;
    }
    if (p.dilation_w == 1) {
      const int first = std::max(0, -x0), last = std::min(filter.w, in.w - x0);  // in-bounds taps [first, last)
      if (first >= last) {
        std::memset(dst, biased_pad, static_cast<size_t>(row_bytes));
        continue;
      }
      // (Most rows lie inside: no memset calls for empty edges, which cost more than the copy.)
      if (first > 0) std::memset(dst, biased_pad, static_cast<size_t>(first * in.c));
      bias_activations(input + offset(in, b, iy, x0 + first, 0), (last - first) * in.c, dst + first * in.c);
      if (last < filter.w) std::memset(dst + last * in.c, biased_pad, static_cast<size_t>((filter.w - last) * in.c));
      continue;
    }
    for (int fx = 0; fx < filter.w; ++fx) {
      const int ix = x0 + p.dilation_w * fx;
      if (ix < 0 || ix >= in.w) {
        std::memset(dst + fx * in.c, biased_pad, static_cast<size_t>(in.c));
      } else {
        bias_activations(input + offset(in, b, iy, ix, 0), in.c, dst + fx * in.c);
      }
    }
  }
}

// ConvScratch::padded for batch item b: zero point (biased: `pad`) outside the input.
void fill_padded(const ConvParams& p, const Shape4& in, const int8_t* input, int b, uint8_t pad, ConvScratch& s) {
  const int64_t row_bytes = static_cast<int64_t>(s.padded_w) * in.c;
  const int left = std::min(p.pad_w, s.padded_w);
  const int n = std::max(0, std::min(in.w, s.padded_w - left));  // input pixels a row keeps
  for (int y = 0; y < s.padded_h; ++y) {
    uint8_t* dst = s.padded.data() + y * row_bytes;
    const int iy = y - p.pad_h;
    if (iy < 0 || iy >= in.h || n == 0) {
      std::memset(dst, pad, static_cast<size_t>(row_bytes));
      continue;
    }
    if (left > 0) std::memset(dst, pad, static_cast<size_t>(left) * in.c);
    bias_activations(input + offset(in, b, iy, 0, 0), n * in.c, dst + static_cast<int64_t>(left) * in.c);
    const int right = s.padded_w - left - n;
    if (right > 0) std::memset(dst + static_cast<int64_t>(left + n) * in.c, pad, static_cast<size_t>(right) * in.c);
  }
}

// The patch of output (oy, ox) from ConvScratch::padded: each filter row one contiguous span, copied
// 16 bytes at a time (the copy may run past the row into the next row's place, written after it, or
// into the stride padding and the scratch slack, which meet zero weights or nothing).
inline void copy_patch(const ConvParams& p, const Shape4& in, const Shape4& filter, const ConvScratch& s, int oy,
                       int ox, uint8_t* patch) {
  const int64_t padded_row = static_cast<int64_t>(s.padded_w) * in.c;
  const int row_bytes = filter.w * in.c;
  const uint8_t* src = s.padded.data() + static_cast<int64_t>(oy) * p.stride_h * padded_row +
                       static_cast<int64_t>(ox) * p.stride_w * in.c;
  for (int fy = 0; fy < filter.h; ++fy, src += p.dilation_h * padded_row, patch += row_bytes)
    for (int k = 0; k < row_bytes; k += 16) std::memcpy(patch + k, src + k, 16);
}

// The patch of output (b, oy, ox): copied from ConvScratch::padded where the op has one (refilled at
// each batch item's first pixel; patches are taken in pixel order), else gathered from the input.
inline void take_patch(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter, int b, int oy,
                       int ox, int8_t pad_value, ConvScratch& s, uint8_t* patch) {
  if (s.padded_h == 0) return gather_patch(p, in, input, filter, b, oy, ox, pad_value, patch);
  if (oy == 0 && ox == 0) fill_padded(p, in, input, b, static_cast<uint8_t>(static_cast<uint8_t>(pad_value) ^ 0x80u), s);
  copy_patch(p, in, filter, s, oy, ox, patch);
}

}  // namespace

void prepare_conv_weights(const Shape4& filter, const float* weights, ConvWeights* out) {
  const int64_t k = static_cast<int64_t>(filter.h) * filter.w * filter.c;
  out->transposed.resize(static_cast<size_t>(k * filter.n));
  for (int oc = 0; oc < filter.n; ++oc)
    for (int64_t i = 0; i < k; ++i) out->transposed[static_cast<size_t>(i * filter.n + oc)] = weights[oc * k + i];
  out->int8 = {};
}

void prepare_conv_weights(const Shape4& filter, const int8_t* weights, ConvWeights* out) {
  out->int8.pack(weights, filter.n, filter.h * filter.w * filter.c);
  out->transposed.clear();
}

void conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                const ConvWeights& weights, const float* bias, const Shape4& out, float* output) {
  const int oc_count = out.c;
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      const int y0 = oy * p.stride_h - p.pad_h;
      for (int ox = 0; ox < out.w; ++ox) {
        const int x0 = ox * p.stride_w - p.pad_w;
        float* __restrict acc = output + offset(out, b, oy, ox, 0);
        for (int oc = 0; oc < oc_count; ++oc) acc[oc] = bias ? bias[oc] : 0.0f;
        // Same tap order as the reference (bias, then fy, fx, ic) and the same skipped taps, so each
        // output channel sums the same products in the same order.
        for (int fy = 0; fy < filter.h; ++fy) {
          const int iy = y0 + p.dilation_h * fy;
          if (iy < 0 || iy >= in.h) continue;
          for (int fx = 0; fx < filter.w; ++fx) {
            const int ix = x0 + p.dilation_w * fx;
            if (ix < 0 || ix >= in.w) continue;
            const float* x = input + offset(in, b, iy, ix, 0);
            const float* w = weights.transposed.data() + static_cast<int64_t>((fy * filter.w + fx) * in.c) * oc_count;
            for (int ic = 0; ic < in.c; ++ic, w += oc_count) {
              const float xv = x[ic];
              for (int oc = 0; oc < oc_count; ++oc) acc[oc] += xv * w[oc];
            }
          }
        }
        for (int oc = 0; oc < oc_count; ++oc) acc[oc] = clamp_float(acc[oc], p.float_min, p.float_max);
      }
    }
  }
}

namespace {

// The int8 products of every output pixel, kConvPixelBlock pixels at a time: their patches are
// gathered, multiplied by the packed weights in one go (the tile kernels reuse each weight load
// across pixels), and `finish(pixel, batch, acc)` turns the sums start + sum (x + 128) w of pixel
// (flat index into [n, out_h, out_w]) into outputs. Padding taps read `pad_value(batch)`.
template <class PadValue, class Finish>
void for_each_pixel_product(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                            const PackedInt8Matrix& weights, const int32_t* start, const Shape4& out,
                            ConvScratch& scratch, PadValue&& pad_value, Finish&& finish) {
  const int64_t pixels = static_cast<int64_t>(out.n) * out.h * out.w;
  const int patch_stride = weights.stride;
  const int acc_stride = weights.padded_rows;
  const int64_t per_batch = static_cast<int64_t>(out.h) * out.w;
  int b = 0, oy = 0, ox = 0;  // position of the block's first pixel
  for (int64_t first = 0; first < pixels; first += kConvPixelBlock) {
    const int count = static_cast<int>(std::min<int64_t>(kConvPixelBlock, pixels - first));
    int pb = b, py = oy, px = ox;
    for (int i = 0; i < count; ++i) {
      take_patch(p, in, input, filter, pb, py, px, pad_value(pb), scratch, scratch.patch.data() + i * patch_stride);
      if (++px == out.w) {
        px = 0;
        if (++py == out.h) py = 0, ++pb;
      }
    }
    weights.multiply(scratch.patch.data(), count, patch_stride, start, scratch.acc.data(), acc_stride);
    for (int i = 0; i < count; ++i)
      finish(first + i, static_cast<int>((first + i) / per_batch), scratch.acc.data() + i * acc_stride);
    b = pb, oy = py, ox = px;
  }
}

}  // namespace

void conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
               const ConvWeights& weights, const int32_t* bias, const Shape4& out, int8_t* output,
               ConvScratch& scratch) {
  // sum w (x + offset) + bias = sum w (x + 128) + [(offset - 128) sum w + bias], exact in int32.
  int32_t* __restrict init = scratch.init.data();
  const int32_t correction = p.input_offset - kActivationBias;
  start_values(bias, weights.int8.row_sums.data(), correction, out.c, init);
  auto finish = [&](int64_t pixel, int, const int32_t* acc) {
    int8_t* dst = output + pixel * out.c;
    if (p.requant_scale) {
      requantize_row_fp32(acc, out.c, p.requant_scale, true, p.output_offset, p.quant_min, p.quant_max, dst);
    } else {
      requantize_row(acc, out.c, p.multiplier, p.shift, true, p.output_offset, p.quant_min, p.quant_max, dst);
    }
  };
  const PackedInt8Matrix& w = weights.int8;
  const int64_t pixels = static_cast<int64_t>(out.n) * out.h * out.w;
  const bool in_place = conv_reads_in_place(p, filter, in, out, w);
  if (in_place) bias_activations(input, static_cast<int>(pixels * in.c), scratch.biased.data());
#ifdef TINYFIT_FAST_AVX512
  // XNNPACK numerics: the tiles requantize their accumulators in registers.
  if (p.requant_scale) {
    const Fp32Requant16 rq(p.output_offset, p.quant_min, p.quant_max, p.requant_in_range);
    const auto zero_point = static_cast<int8_t>(-p.input_offset);
    int b = 0, oy = 0, ox = 0;  // the next pixel to gather (counted, not divided out of its index)
    for (int64_t first = 0; first < pixels; first += scratch.gather_pixels) {
      const int count = static_cast<int>(std::min<int64_t>(scratch.gather_pixels, pixels - first));
      const uint8_t* x = nullptr;
      int x_stride = in.c;
      if (in_place) {
        x = scratch.biased.data() + first * in.c;
      } else {
        for (int i = 0; i < count; ++i) {
          take_patch(p, in, input, filter, b, oy, ox, zero_point, scratch, scratch.patch.data() + i * w.stride);
          if (++ox == out.w) {
            ox = 0;
            if (++oy == out.h) oy = 0, ++b;
          }
        }
        x = scratch.patch.data();
        x_stride = w.stride;
      }
      w.multiply_requantized(x, count, x_stride, init, p.requant_scale, rq, output + first * out.c, out.c);
    }
    return;
  }
#endif
  if (in_place) {
    for (int64_t first = 0; first < pixels; first += kConvPixelBlock) {
      const int count = static_cast<int>(std::min<int64_t>(kConvPixelBlock, pixels - first));
      w.multiply(scratch.biased.data() + first * in.c, count, in.c, init, scratch.acc.data(), w.padded_rows);
      for (int i = 0; i < count; ++i) finish(first + i, 0, scratch.acc.data() + i * w.padded_rows);
    }
    return;
  }
  const auto zero_point = static_cast<int8_t>(-p.input_offset);
  for_each_pixel_product(p, in, input, filter, weights.int8, init, out, scratch, [&](int) { return zero_point; },
                         finish);
}

void conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                 const int32_t* batch_zero_point, const Shape4& filter, const ConvWeights& weights,
                 const float* channel_scale, const float* bias, const Shape4& out, float* output,
                 ConvScratch& scratch) {
  const auto zero_point = [&](int b) { return batch_zero_point ? batch_zero_point[b] : 0; };
  const int32_t* row_sums = weights.int8.row_sums.data();
  for_each_pixel_product(p, in, input, filter, weights.int8, nullptr, out, scratch,
                         [&](int b) { return static_cast<int8_t>(zero_point(b)); },
                         [&](int64_t pixel, int b, const int32_t* acc) {
                           const int32_t correction = -(zero_point(b) + kActivationBias);  // sum w (x - zp)
                           const float scale = batch_scale[b];
                           float* dst = output + pixel * out.c;
                           for (int oc = 0; oc < out.c; ++oc) {
                             const int32_t a = acc[oc] + correction * row_sums[oc];
                             // Float operations in the reference's order (ref/conv.cpp) for identical results.
                             float value = channel_scale ? static_cast<float>(a) * (channel_scale[oc] * scale)
                                                         : static_cast<float>(a) * scale;
                             if (bias) value += bias[oc];
                             dst[oc] = clamp_float(value, p.float_min, p.float_max);
                           }
                         });
}

}  // namespace tinyfit::tflite::fast
