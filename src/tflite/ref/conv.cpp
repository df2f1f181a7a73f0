#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/ref/conv.hpp"

#include "tflite/ref/quant.hpp"

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

}  // namespace

void conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                const float* filter_data, const float* bias, const Shape4& out, float* output) {
  // XNNPACK's order (the official runtime delegates float convolutions to it): the sum starts at the
  // bias and adds the products tap by tap. Outputs are visited channel after channel, so the next
  // sum starts at the next channel's bias.
  const auto start = [&](int oc) { return bias ? bias[oc] : 0.0f; };
  float total = start(0);
  for_each_conv_output(
      p, in, filter, out, [&](int64_t i, int64_t f, int) { total += input[i] * filter_data[f]; },
      [&](int64_t o, int oc, int) {
        output[o] = clamp_float(total, p.float_min, p.float_max);
        total = start(oc + 1 < out.c ? oc + 1 : 0);
      });
}

void conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
               const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output) {
  int32_t acc = 0;
  for_each_conv_output(
      p, in, filter, out,
      [&](int64_t i, int64_t f, int) { acc += static_cast<int32_t>(filter_data[f]) * (input[i] + p.input_offset); },
      [&](int64_t o, int oc, int) {
        if (bias) acc += bias[oc];
        if (p.requant_scale) {
          acc = requantize_fp32(acc, p.requant_scale[oc], p.output_offset, p.quant_min, p.quant_max);
        } else {
          acc = multiply_by_quantized_multiplier(acc, p.multiplier[oc], p.shift[oc]) + p.output_offset;
        }
        output[o] = static_cast<int8_t>(clamp_int(acc, p.quant_min, p.quant_max));
        acc = 0;
      });
}

void conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                 const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                 const float* channel_scale, const float* bias, const Shape4& out, float* output) {
  int32_t acc = 0;
  for_each_conv_output(
      p, in, filter, out,
      [&](int64_t i, int64_t f, int b) {
        const int32_t zero_point = batch_zero_point ? batch_zero_point[b] : 0;
        acc += static_cast<int32_t>(filter_data[f]) * (input[i] - zero_point);
      },
      [&](int64_t o, int oc, int b) {
        // As TFLite's optimized HybridConvPerChannel (what the runtime runs): the two scales are
        // multiplied first. Per-tensor filters have their scale folded into batch_scale.
        float value = channel_scale ? static_cast<float>(acc) * (channel_scale[oc] * batch_scale[b])
                                    : static_cast<float>(acc) * batch_scale[b];
        if (bias) value += bias[oc];
        output[o] = clamp_float(value, p.float_min, p.float_max);
        acc = 0;
      });
}

}  // namespace tinyfit::tflite::ref
