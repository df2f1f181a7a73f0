// Optimised FULLY_CONNECTED with the parameters and results of ref/fully_connected.hpp (bit-exact on
// int8 and hybrid; float sums in the reference order). Weights are prepared once in prepare.
#pragma once

#include <cstdint>
#include <vector>

#include "tflite/ref/kernel_types.hpp"

namespace tinyfit::tflite::fast {

using ref::FullyConnectedParams;

struct FullyConnectedWeights {
  std::vector<float> transposed;  // float: [depth][units], the inner loop runs over units
  std::vector<int32_t> row_sums;  // int8 / hybrid: sum of each unit's weights
};
void prepare_fully_connected_weights(int depth, int units, const float* weights, FullyConnectedWeights* out);
void prepare_fully_connected_weights(int depth, int units, const int8_t* weights, FullyConnectedWeights* out);

void fully_connected_float(const FullyConnectedParams& p, int batches, int depth, int units, const float* input,
                           const FullyConnectedWeights& weights, const float* bias, float* output);
// `acc` holds `units` int32 values.
void fully_connected_int8(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                          const int8_t* weights, const FullyConnectedWeights& prepared, const int32_t* bias,
                          int8_t* output, int32_t* acc);
void fully_connected_hybrid(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                            const float* batch_scale, const int32_t* batch_zero_point, const int8_t* weights,
                            const FullyConnectedWeights& prepared, const float* channel_scale, const float* bias,
                            float* output, int32_t* acc);

}  // namespace tinyfit::tflite::fast
