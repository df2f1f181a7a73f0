#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/ref/conv.hpp"

#include <utility>

#include "tflite/ref/conv_accumulate.hpp"

namespace tinyfit::tflite::ref {

namespace {

// Walks every output element and hands `body` the in-bounds taps of its receptive field, in
// TFLite's loop order (filter_y, filter_x, in_channel): the float sums depend on that order.
// `tap(input_index, filter_index, batch)` accumulates; `finish(out_index, out_channel, batch)` stores.
template <class Tap, class Finish>
void for_each_conv_output(const ConvParams& p, const Shape4& in, const Shape4& filter, const Shape4& out,
                          Tap&& tap, Finish&& finish) {
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      const int in_y0 = oy * p.stride_h - p.pad_h;
      for (int ox = 0; ox < out.w; ++ox) {
        const int in_x0 = ox * p.stride_w - p.pad_w;
        for (int oc = 0; oc < out.c; ++oc) {
          for (int fy = 0; fy < filter.h; ++fy) {
            const int iy = in_y0 + p.dilation_h * fy;
            if (iy < 0 || iy >= in.h) continue;
            for (int fx = 0; fx < filter.w; ++fx) {
              const int ix = in_x0 + p.dilation_w * fx;
              if (ix < 0 || ix >= in.w) continue;
              const int64_t in_base = offset(in, b, iy, ix, 0);
              const int64_t f_base = offset(filter, oc, fy, fx, 0);
              for (int ic = 0; ic < in.c; ++ic) tap(in_base + ic, f_base + ic, b);
            }
          }
          finish(offset(out, b, oy, ox, oc), oc, b);
        }
      }
    }
  }
}

// The walk above as a value, for the shared kernel bodies (conv_accumulate.hpp) to call.
constexpr auto kWalk = [](auto&&... args) { for_each_conv_output(std::forward<decltype(args)>(args)...); };

}  // namespace

void conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                const float* filter_data, const float* bias, const Shape4& out, float* output) {
  conv_accumulate::float_kernel(kWalk, p, in, input, filter, filter_data, bias, out, output);
}

void conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
               const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output) {
  conv_accumulate::int8_kernel(kWalk, p, in, input, filter, filter_data, bias, out, output);
}

void conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                 const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                 const float* channel_scale, const float* bias, const Shape4& out, float* output) {
  conv_accumulate::hybrid_kernel(
      kWalk, p, in, input, batch_zero_point, filter, filter_data, bias, out, output,
      [&](int32_t acc, int oc, int b) {
        // As TFLite's optimized HybridConvPerChannel (what the runtime runs): the two scales are
        // multiplied first. Per-tensor filters have their scale folded into batch_scale.
        return channel_scale ? static_cast<float>(acc) * (channel_scale[oc] * batch_scale[b])
                             : static_cast<float>(acc) * batch_scale[b];
      });
}

}  // namespace tinyfit::tflite::ref
