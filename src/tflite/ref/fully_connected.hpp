// Reference FULLY_CONNECTED kernels (TFLite reference_ops::FullyConnected,
// reference_integer_ops::FullyConnected and the hybrid MatrixBatchVectorMultiplyAccumulate path).
// input [batches, depth] (row-major), weights [units, depth], output [batches, units].
#pragma once

#include <cstdint>

#include "tflite/ref/kernel_types.hpp"

namespace tinyfit::tflite::ref {

void fully_connected_float(const FullyConnectedParams& p, int batches, int depth, int units, const float* input,
                           const float* weights, const float* bias, float* output);

// acc = sum (w + filter_offset) * (x + input_offset) + bias, requantized per tensor
// (p.multiplier[0]) or per output row (p.per_channel).
void fully_connected_int8(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                          const int8_t* weights, const int32_t* bias, int8_t* output);

// Hybrid: `input` quantized per batch row with batch_scale[b] (the filter's per-tensor scale already
// folded in when channel_scale is null) and batch_zero_point[b] (null = symmetric).
// out = bias + float(acc) * scale, acc = dot(w, q) - row_sum(w) * zero_point (TFLite's order).
void fully_connected_hybrid(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                            const float* batch_scale, const int32_t* batch_zero_point, const int8_t* weights,
                            const float* channel_scale, const float* bias, float* output);

}  // namespace tinyfit::tflite::ref
