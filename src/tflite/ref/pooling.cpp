#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/ref/pooling.hpp"

#include "tflite/ref/activation.hpp"
#include "tflite/ref/padding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tinyfit::tflite::ref {

namespace {

// Calls reduce(input_index) over the clipped window of each output element, in TFLite's order
// (filter_y, filter_x), between init() and finish(out_index, count).
template <class Init, class Reduce, class Finish>
void for_each_window(const PoolParams& p, const Shape4& in, const Shape4& out, Init&& init, Reduce&& reduce,
                     Finish&& finish) {
  for (int b = 0; b < out.n; ++b) {
    for (int oy = 0; oy < out.h; ++oy) {
      const int y0 = oy * p.stride_h - p.pad_h;
      const int fy_begin = std::max(0, -y0);
      const int fy_end = std::min(p.filter_h, in.h - y0);
      for (int ox = 0; ox < out.w; ++ox) {
        const int x0 = ox * p.stride_w - p.pad_w;
        const int fx_begin = std::max(0, -x0);
        const int fx_end = std::min(p.filter_w, in.w - x0);
        for (int c = 0; c < out.c; ++c) {
          init();
          int count = 0;
          for (int fy = fy_begin; fy < fy_end; ++fy) {
            for (int fx = fx_begin; fx < fx_end; ++fx) {
              reduce(offset(in, b, y0 + fy, x0 + fx, c));
              ++count;
            }
          }
          finish(offset(out, b, oy, ox, c), count);
        }
      }
    }
  }
}

}  // namespace

std::string plan_pool(const PoolSpec& spec, const Shape4& in, PoolParams* p, Shape4* out) {
  if (spec.stride_h < 1 || spec.stride_w < 1 || spec.filter_h < 1 || spec.filter_w < 1)
    return "strides and window sizes must be >= 1";
  p->stride_h = spec.stride_h;
  p->stride_w = spec.stride_w;
  p->filter_h = spec.filter_h;
  p->filter_w = spec.filter_w;
  const int out_h = compute_out_size(spec.padding, in.h, spec.filter_h, spec.stride_h);
  const int out_w = compute_out_size(spec.padding, in.w, spec.filter_w, spec.stride_w);
  if (out_h <= 0 || out_w <= 0) return "the window does not fit the input with VALID padding";
  p->pad_h = compute_padding(spec.stride_h, 1, in.h, spec.filter_h, out_h);
  p->pad_w = compute_padding(spec.stride_w, 1, in.w, spec.filter_w, out_w);
  *out = Shape4{in.n, out_h, out_w, in.c};
  if (!activation_range_float(spec.activation, &p->float_min, &p->float_max))
    return "unsupported fused activation " + std::to_string(static_cast<int>(spec.activation));
  if (spec.int8) {
    // The int8 kernels never requantize, so the two quantizations must agree (TFLite checks the same).
    if (std::abs(spec.input_scale - spec.output_scale) > 1e-6f || spec.input_zero_point != spec.output_zero_point)
      return "int8 input and output must share scale and zero point";
    activation_range_quantized(spec.activation, spec.output_scale, spec.output_zero_point, -128, 127, &p->quant_min,
                               &p->quant_max);
  }
  return "";
}

void average_pool_float(const PoolParams& p, const Shape4& in, const float* input, const Shape4& out, float* output) {
  float total = 0.0f;
  for_each_window(
      p, in, out, [&] { total = 0.0f; }, [&](int64_t i) { total += input[i]; },
      [&](int64_t o, int count) {
        // An empty window (possible only with degenerate padding) yields 0 rather than NaN.
        const float mean = count > 0 ? total / static_cast<float>(count) : 0.0f;
        output[o] = clamp_float(mean, p.float_min, p.float_max);
      });
}

void average_pool_int8(const PoolParams& p, const Shape4& in, const int8_t* input, const Shape4& out, int8_t* output) {
  int32_t acc = 0;
  for_each_window(
      p, in, out, [&] { acc = 0; }, [&](int64_t i) { acc += input[i]; },
      [&](int64_t o, int count) {
        int32_t mean = 0;
        if (count > 0) mean = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        output[o] = static_cast<int8_t>(clamp_int(mean, p.quant_min, p.quant_max));
      });
}

void max_pool_float(const PoolParams& p, const Shape4& in, const float* input, const Shape4& out, float* output) {
  float max = 0.0f;
  for_each_window(
      p, in, out, [&] { max = std::numeric_limits<float>::lowest(); }, [&](int64_t i) { max = std::max(max, input[i]); },
      [&](int64_t o, int) { output[o] = clamp_float(max, p.float_min, p.float_max); });
}

void max_pool_int8(const PoolParams& p, const Shape4& in, const int8_t* input, const Shape4& out, int8_t* output) {
  int32_t max = 0;
  for_each_window(
      p, in, out, [&] { max = std::numeric_limits<int8_t>::lowest(); },
      [&](int64_t i) { max = std::max<int32_t>(max, input[i]); },
      [&](int64_t o, int) { output[o] = static_cast<int8_t>(clamp_int(max, p.quant_min, p.quant_max)); });
}

}  // namespace tinyfit::tflite::ref
