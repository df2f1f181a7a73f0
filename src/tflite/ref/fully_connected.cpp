#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/ref/fully_connected.hpp"

#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref {

void fully_connected_float(const FullyConnectedParams& p, int batches, int depth, int units, const float* input,
                           const float* weights, const float* bias, float* output) {
  for (int b = 0; b < batches; ++b) {
    const float* x = input + static_cast<int64_t>(b) * depth;
    for (int o = 0; o < units; ++o) {
      const float* w = weights + static_cast<int64_t>(o) * depth;
      float total = bias ? bias[o] : 0.0f;  // XNNPACK's order: the bias first, then the products
      for (int d = 0; d < depth; ++d) total += x[d] * w[d];
      output[static_cast<int64_t>(b) * units + o] = clamp_float(total, p.float_min, p.float_max);
    }
  }
}

void fully_connected_int8(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                          const int8_t* weights, const int32_t* bias, int8_t* output) {
  for (int b = 0; b < batches; ++b) {
    const int8_t* x = input + static_cast<int64_t>(b) * depth;
    for (int o = 0; o < units; ++o) {
      const int8_t* w = weights + static_cast<int64_t>(o) * depth;
      int32_t acc = 0;
      for (int d = 0; d < depth; ++d) acc += (w[d] + p.filter_offset) * (x[d] + p.input_offset);
      if (bias) acc += bias[o];
      const int q = p.per_channel ? o : 0;
      if (p.requant_scale) {
        acc = requantize_fp32(acc, p.requant_scale[q], p.output_offset, p.quant_min, p.quant_max);
      } else {
        acc = multiply_by_quantized_multiplier(acc, p.multiplier[q], p.shift[q]) + p.output_offset;
      }
      output[static_cast<int64_t>(b) * units + o] = static_cast<int8_t>(clamp_int(acc, p.quant_min, p.quant_max));
    }
  }
}

void fully_connected_hybrid(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                            const float* batch_scale, const int32_t* batch_zero_point, const int8_t* weights,
                            const float* channel_scale, const float* bias, float* output) {
  for (int b = 0; b < batches; ++b) {
    const int8_t* x = input + static_cast<int64_t>(b) * depth;
    // TFLite keeps the zero point as float and subtracts row_sum * zero_point in float.
    const float zero_point = batch_zero_point ? static_cast<float>(batch_zero_point[b]) : 0.0f;
    for (int o = 0; o < units; ++o) {
      const int8_t* w = weights + static_cast<int64_t>(o) * depth;
      int32_t dot = 0, row_sum = 0;
      for (int d = 0; d < depth; ++d) {
        dot += static_cast<int32_t>(w[d]) * x[d];
        row_sum += w[d];
      }
      if (batch_zero_point) dot = static_cast<int32_t>(static_cast<float>(dot) - static_cast<float>(row_sum) * zero_point);
      const float scale = channel_scale ? batch_scale[b] * channel_scale[o] : batch_scale[b];
      float value = bias ? bias[o] : 0.0f;
      value += static_cast<float>(dot) * scale;
      output[static_cast<int64_t>(b) * units + o] = clamp_float(value, p.float_min, p.float_max);
    }
  }
}

}  // namespace tinyfit::tflite::ref
