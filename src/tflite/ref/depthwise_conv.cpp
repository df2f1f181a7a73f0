#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/ref/depthwise_conv.hpp"

#include <utility>

#include "tflite/ref/conv_accumulate.hpp"

namespace tinyfit::tflite::ref {

namespace {

// Visits every output element; `tap(input_index, filter_index, batch)` is called for each in-bounds
// filter position in XNNPACK's order (filter_x, then filter_y: its depthwise indirection buffer is
// column-major; float sums depend on it), then `finish(out_index, out_channel, batch)`.
template <class Tap, class Finish>
void for_each_depthwise_output(const ConvParams& p, const Shape4& in, const Shape4& filter, const Shape4& out,
                               Tap&& tap, Finish&& finish) {
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      const int in_y0 = oy * p.stride_h - p.pad_h;
      for (int ox = 0; ox < out.w; ++ox) {
        const int in_x0 = ox * p.stride_w - p.pad_w;
        for (int ic = 0; ic < in.c; ++ic) {
          for (int m = 0; m < p.depth_multiplier; ++m) {
            const int oc = ic * p.depth_multiplier + m;
            for (int fx = 0; fx < filter.w; ++fx) {
              const int ix = in_x0 + p.dilation_w * fx;
              if (ix < 0 || ix >= in.w) continue;
              for (int fy = 0; fy < filter.h; ++fy) {
                const int iy = in_y0 + p.dilation_h * fy;
                if (iy < 0 || iy >= in.h) continue;
                tap(offset(in, b, iy, ix, ic), offset(filter, 0, fy, fx, oc), b);
              }
            }
            finish(offset(out, b, oy, ox, oc), oc, b);
          }
        }
      }
    }
  }
}

// The walk above as a value, for the shared kernel bodies (conv_accumulate.hpp) to call.
constexpr auto kWalk = [](auto&&... args) { for_each_depthwise_output(std::forward<decltype(args)>(args)...); };

}  // namespace

void depthwise_conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                          const float* filter_data, const float* bias, const Shape4& out, float* output) {
  conv_accumulate::float_kernel(kWalk, p, in, input, filter, filter_data, bias, out, output);
}

void depthwise_conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                         const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output) {
  conv_accumulate::int8_kernel(kWalk, p, in, input, filter, filter_data, bias, out, output);
}

void depthwise_conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                           const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                           const float* channel_scale, const float* bias, const Shape4& out, float* output) {
  conv_accumulate::hybrid_kernel(
      kWalk, p, in, input, batch_zero_point, filter, filter_data, bias, out, output,
      [&](int32_t acc, int oc, int b) {
        // As TFLite's optimized DepthwiseConvHybridGeneral: acc * input scale, then * channel scale
        // (unlike conv, whose optimized kernel multiplies the two scales first).
        return static_cast<float>(acc) * batch_scale[b] * channel_scale[oc];
      });
}

}  // namespace tinyfit::tflite::ref
