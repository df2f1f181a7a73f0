#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/fast/conv.hpp"

#include <cstring>

#include "tflite/fast/requantize.hpp"

namespace tinyfit::tflite::fast {

namespace {

using ref::clamp_float;
using ref::clamp_int;
using ref::offset;

// The receptive field of output (b, oy, ox) as one contiguous row in filter order [kh][kw][in_c],
// biased to unsigned for the dot products. Taps outside the input read `pad_value` (the input zero
// point: after the zero-point correction they contribute exactly nothing, like the taps the
// reference skips).
void gather_patch(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter, int b, int oy,
                  int ox, int8_t pad_value, uint8_t* patch) {
  const int y0 = oy * p.stride_h - p.pad_h;
  const int x0 = ox * p.stride_w - p.pad_w;
  const auto biased_pad = static_cast<uint8_t>(static_cast<uint8_t>(pad_value) ^ 0x80u);
  uint8_t* dst = patch;
  for (int fy = 0; fy < filter.h; ++fy) {
    const int iy = y0 + p.dilation_h * fy;
    for (int fx = 0; fx < filter.w; ++fx, dst += in.c) {
      const int ix = x0 + p.dilation_w * fx;
      if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) {
        std::memset(dst, biased_pad, static_cast<size_t>(in.c));
      } else {
        bias_activations(input + offset(in, b, iy, ix, 0), in.c, dst);
      }
    }
  }
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

void conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
               const ConvWeights& weights, const int32_t* bias, const Shape4& out, int8_t* output,
               ConvScratch& scratch) {
  int32_t* acc = scratch.acc.data();
  const auto zero_point = static_cast<int8_t>(-p.input_offset);
  const int32_t correction = p.input_offset - kActivationBias;
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        gather_patch(p, in, input, filter, b, oy, ox, zero_point, scratch.patch.data());
        weights.int8.multiply(scratch.patch.data(), acc);
        // sum w (x + offset) = sum w (x + 128) + (offset - 128) sum w, exact in int32.
        const int32_t* row_sums = weights.int8.row_sums.data();
        for (int oc = 0; oc < out.c; ++oc) acc[oc] += correction * row_sums[oc] + (bias ? bias[oc] : 0);
        if (p.requant_scale) {
          requantize_row_fp32(acc, out.c, p.requant_scale, true, p.output_offset, p.quant_min, p.quant_max,
                              output + offset(out, b, oy, ox, 0));
        } else {
          requantize_row(acc, out.c, p.multiplier, p.shift, true, p.output_offset, p.quant_min, p.quant_max,
                         output + offset(out, b, oy, ox, 0));
        }
      }
    }
  }
}

void conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                 const int32_t* batch_zero_point, const Shape4& filter, const ConvWeights& weights,
                 const float* channel_scale, const float* bias, const Shape4& out, float* output,
                 ConvScratch& scratch) {
  int32_t* acc = scratch.acc.data();
  for (int b = 0; b < out.n; ++b) {
    const int32_t zero_point = batch_zero_point ? batch_zero_point[b] : 0;
    const int32_t correction = -(zero_point + kActivationBias);  // sum w (x - zp) from sum w (x + 128)
    const float scale = batch_scale[b];
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        gather_patch(p, in, input, filter, b, oy, ox, static_cast<int8_t>(zero_point), scratch.patch.data());
        weights.int8.multiply(scratch.patch.data(), acc);
        float* dst = output + offset(out, b, oy, ox, 0);
        for (int oc = 0; oc < out.c; ++oc) {
          const int32_t a = acc[oc] + correction * weights.int8.row_sums[static_cast<size_t>(oc)];
          // Float operations in the reference's order (ref/conv.cpp) for identical results.
          float value = channel_scale ? static_cast<float>(a) * (channel_scale[oc] * scale) : static_cast<float>(a) * scale;
          if (bias) value += bias[oc];
          dst[oc] = clamp_float(value, p.float_min, p.float_max);
        }
      }
    }
  }
}

}  // namespace tinyfit::tflite::fast
