#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/fast/fully_connected.hpp"

#include "tflite/fast/requantize.hpp"

namespace tinyfit::tflite::fast {

using ref::clamp_float;

void prepare_fully_connected_weights(int depth, int units, const float* weights, FullyConnectedWeights* out) {
  out->transposed.resize(static_cast<size_t>(depth) * units);
  for (int o = 0; o < units; ++o)
    for (int d = 0; d < depth; ++d)
      out->transposed[static_cast<size_t>(d) * units + o] = weights[static_cast<int64_t>(o) * depth + d];
  out->int8 = {};
}

void prepare_fully_connected_weights(int depth, int units, const int8_t* weights, FullyConnectedWeights* out) {
  out->int8.pack(weights, units, depth);
  out->transposed.clear();
}

void fully_connected_float(const FullyConnectedParams& p, int batches, int depth, int units, const float* input,
                           const FullyConnectedWeights& weights, const float* bias, float* output) {
  for (int b = 0; b < batches; ++b) {
    const float* x = input + static_cast<int64_t>(b) * depth;
    float* __restrict acc = output + static_cast<int64_t>(b) * units;
    for (int o = 0; o < units; ++o) acc[o] = bias ? bias[o] : 0.0f;
    // Every unit still sums bias + x[d] * w[o, d] for d = 0, 1, ... as the reference does.
    const float* w = weights.transposed.data();
    for (int d = 0; d < depth; ++d, w += units) {
      const float xv = x[d];
      for (int o = 0; o < units; ++o) acc[o] += xv * w[o];
    }
    for (int o = 0; o < units; ++o) acc[o] = clamp_float(acc[o], p.float_min, p.float_max);
  }
}

void fully_connected_int8(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                          const FullyConnectedWeights& prepared, const int32_t* bias, int8_t* output,
                          FullyConnectedScratch& scratch) {
  int32_t* acc = scratch.acc.data();
  for (int b = 0; b < batches; ++b) {
    const int8_t* x = input + static_cast<int64_t>(b) * depth;
    bias_activations(x, depth, scratch.input.data());
    prepared.int8.multiply(scratch.input.data(), 1, 0, nullptr, acc, 0);
    // sum (w + fo)(x + io) = sum w (x + 128) + (io - 128) sum w + fo sum x + depth fo io, exact in int32.
    int32_t x_sum = 0;
    if (p.filter_offset != 0)
      for (int d = 0; d < depth; ++d) x_sum += x[d];
    const int32_t constant = p.filter_offset * x_sum + depth * p.filter_offset * p.input_offset;
    const int32_t* row_sums = prepared.int8.row_sums.data();
    const int32_t correction = p.input_offset - kActivationBias;
    for (int o = 0; o < units; ++o) acc[o] += correction * row_sums[o] + constant + (bias ? bias[o] : 0);
    if (p.requant_scale) {
      requantize_row_fp32(acc, units, p.requant_scale, p.per_channel, p.output_offset, p.quant_min, p.quant_max,
                          output + static_cast<int64_t>(b) * units);
    } else {
      requantize_row(acc, units, p.multiplier, p.shift, p.per_channel, p.output_offset, p.quant_min, p.quant_max,
                     output + static_cast<int64_t>(b) * units);
    }
  }
}

void fully_connected_hybrid(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                            const float* batch_scale, const int32_t* batch_zero_point,
                            const FullyConnectedWeights& prepared, const float* channel_scale, const float* bias,
                            float* output, FullyConnectedScratch& scratch) {
  int32_t* acc = scratch.acc.data();
  for (int b = 0; b < batches; ++b) {
    bias_activations(input + static_cast<int64_t>(b) * depth, depth, scratch.input.data());
    prepared.int8.multiply(scratch.input.data(), 1, 0, nullptr, acc, 0);
    const float zero_point = batch_zero_point ? static_cast<float>(batch_zero_point[b]) : 0.0f;
    float* dst = output + static_cast<int64_t>(b) * units;
    for (int o = 0; o < units; ++o) {
      int32_t dot = acc[o] - kActivationBias * prepared.int8.row_sums[static_cast<size_t>(o)];
      // Same float expressions as ref/fully_connected.cpp.
      if (batch_zero_point)
        dot = static_cast<int32_t>(static_cast<float>(dot) -
                                   static_cast<float>(prepared.int8.row_sums[static_cast<size_t>(o)]) * zero_point);
      const float scale = channel_scale ? batch_scale[b] * channel_scale[o] : batch_scale[b];
      float value = bias ? bias[o] : 0.0f;
      value += static_cast<float>(dot) * scale;
      dst[o] = clamp_float(value, p.float_min, p.float_max);
    }
  }
}

}  // namespace tinyfit::tflite::fast
