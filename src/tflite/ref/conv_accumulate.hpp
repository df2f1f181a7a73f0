// The accumulate-and-store bodies that the CONV_2D and DEPTHWISE_CONV_2D reference kernels share.
// The two ops differ only in how they walk the taps of an output (which fixes the float summation
// order, so each walk stays in its op's .cpp) and in the order the hybrid kernel applies its two
// scales; both come in as parameters, and the arithmetic around them is written once.
// Include after fp_contract.hpp (included again here): these bodies must not be contracted to FMAs.
#pragma once

#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below

#include "tflite/ref/kernel_types.hpp"
#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref::conv_accumulate {

// `walk(p, in, filter, out, tap, finish)` calls tap(input_index, filter_index, batch) for each
// in-bounds tap of an output, then finish(out_index, out_channel, batch), output after output.

// XNNPACK's order (the official runtime delegates float convolutions to it): the sum starts at the
// bias and adds the products tap by tap. Outputs are visited channel after channel, so the next
// sum starts at the next channel's bias.
template <class Walk>
void float_kernel(Walk&& walk, const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                  const float* filter_data, const float* bias, const Shape4& out, float* output) {
  const auto start = [&](int oc) { return bias ? bias[oc] : 0.0f; };
  float total = start(0);
  walk(
      p, in, filter, out, [&](int64_t i, int64_t f, int) { total += input[i] * filter_data[f]; },
      [&](int64_t o, int oc, int) {
        output[o] = clamp_float(total, p.float_min, p.float_max);
        total = start(oc + 1 < out.c ? oc + 1 : 0);
      });
}

// int32 accumulation of (input + offset) * filter, bias added last, then TFLite's per-channel
// requantization (or XNNPACK's fp32 one when requant_scale is set).
template <class Walk>
void int8_kernel(Walk&& walk, const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                 const int8_t* filter_data, const int32_t* bias, const Shape4& out, int8_t* output) {
  int32_t acc = 0;
  walk(
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

// Hybrid: int32 accumulation against the per-batch quantized input; `scale(acc, out_channel, batch)`
// turns the sum into a float (each op has its runtime's own order of the two scales), then bias and clamp.
template <class Walk, class Scale>
void hybrid_kernel(Walk&& walk, const ConvParams& p, const Shape4& in, const int8_t* input,
                   const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data, const float* bias,
                   const Shape4& out, float* output, Scale&& scale) {
  int32_t acc = 0;
  walk(
      p, in, filter, out,
      [&](int64_t i, int64_t f, int b) {
        const int32_t zero_point = batch_zero_point ? batch_zero_point[b] : 0;
        acc += static_cast<int32_t>(filter_data[f]) * (input[i] - zero_point);
      },
      [&](int64_t o, int oc, int b) {
        float value = scale(acc, oc, b);
        if (bias) value += bias[oc];
        output[o] = clamp_float(value, p.float_min, p.float_max);
        acc = 0;
      });
}

}  // namespace tinyfit::tflite::ref::conv_accumulate
