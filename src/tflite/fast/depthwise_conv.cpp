// Depthwise kernels of fast/conv.hpp: per output pixel, accumulate over the in-bounds filter taps
// with the innermost loop running over channels (contiguous in input, filter and output).
#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/fast/conv.hpp"
#include "tflite/fast/requantize.hpp"

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

void depthwise_conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                         const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output,
                         int32_t* acc) {
  for (int b = 0; b < out.n; ++b)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox) {
        for (int c = 0; c < out.c; ++c) acc[c] = bias ? bias[c] : 0;
        for_each_tap(p, in, input, filter, filter_data, b, oy, ox, [&](const int8_t* x, const int8_t* w) {
          accumulate<int32_t>(acc, x, w, in.c, p.depth_multiplier, p.input_offset);
        });
        if (p.requant_scale) {
          requantize_row_fp32(acc, out.c, p.requant_scale, true, p.output_offset, p.quant_min, p.quant_max,
                              output + offset(out, b, oy, ox, 0));
        } else {
          requantize_row(acc, out.c, p.multiplier, p.shift, true, p.output_offset, p.quant_min, p.quant_max,
                         output + offset(out, b, oy, ox, 0));
        }
      }
}

void depthwise_conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                           const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                           const float* channel_scale, const float* bias, const Shape4& out, float* output,
                           int32_t* acc) {
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
