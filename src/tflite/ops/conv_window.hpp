// What CONV_2D and DEPTHWISE_CONV_2D share in prepare: the sliding-window geometry. Both read
// strides, dilations and padding from the same options and size the output the same way; only the
// filter layout (and so out_c) differs, which the caller passes in.
#pragma once

#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ops/weighted_common.hpp"
#include "tflite/ref/kernel_types.hpp"
#include "tflite/ref/padding.hpp"

namespace tinyfit::tflite::ops::conv_window {

// Checks strides and dilations, makes the op data (Data needs in, filter, out and a ref::ConvParams
// params), sizes the output [n, out_h, out_w, out_c] and fills stride, dilation, padding and the float
// activation clamp. Call after the op's own shape checks, so messages come in the same order.
template <class Data>
Data& make_data(const OpContext& ctx, const Tensor& input, const Tensor& filter, int out_c) {
  const OpOptions& o = ctx.options();
  if (o.stride_h < 1 || o.stride_w < 1 || o.dilation_h < 1 || o.dilation_w < 1)
    ctx.fail("strides and dilations must be >= 1");

  auto& d = ctx.make_data<Data>();
  d.in = ref::shape4(input.shape);
  d.filter = ref::shape4(filter.shape);
  const int out_h = ref::compute_out_size(o.padding, d.in.h, d.filter.h, o.stride_h, o.dilation_h);
  const int out_w = ref::compute_out_size(o.padding, d.in.w, d.filter.w, o.stride_w, o.dilation_w);
  if (out_h <= 0 || out_w <= 0) ctx.fail("the filter does not fit the input with VALID padding");
  d.out = ref::Shape4{d.in.n, out_h, out_w, out_c};
  ctx.set_output_shape(0, {d.in.n, out_h, out_w, out_c});

  ref::ConvParams& p = d.params;
  p.stride_h = o.stride_h;
  p.stride_w = o.stride_w;
  p.dilation_h = o.dilation_h;
  p.dilation_w = o.dilation_w;
  p.pad_h = ref::compute_padding(o.stride_h, o.dilation_h, d.in.h, d.filter.h, out_h);
  p.pad_w = ref::compute_padding(o.stride_w, o.dilation_w, d.in.w, d.filter.w, out_w);
  weighted::set_float_clamp(ctx, p);
  return d;
}

}  // namespace tinyfit::tflite::ops::conv_window
