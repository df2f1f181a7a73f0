// Optimised FULLY_CONNECTED with the parameters and results of ref/fully_connected.hpp (bit-exact on
// int8 and hybrid; float sums in the reference order). Weights are prepared once in prepare.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tflite/fast/dot.hpp"
#include "tflite/fast/scratch.hpp"
#include "tflite/ref/kernel_types.hpp"

namespace tinyfit::tflite::fast {

using ref::FullyConnectedParams;

struct FullyConnectedWeights {
  std::vector<float> transposed;  // float: [depth][units], the inner loop runs over units
  PackedInt8Matrix int8;          // int8 / hybrid: [units][depth], packed for the dot products
};
void prepare_fully_connected_weights(int depth, int units, const float* weights, FullyConnectedWeights* out);
void prepare_fully_connected_weights(int depth, int units, const int8_t* weights, FullyConnectedWeights* out);

// Work arrays of one fully-connected op (over bound scratch, fast/scratch.hpp): one input row biased to
// unsigned (fast/dot.hpp), padded to the packed weights' stride, and one accumulator per unit (padded as
// the packed weights' rows).
struct FullyConnectedScratch {
  ScratchArray<uint8_t> input;
  ScratchArray<int32_t> acc;
  void reserve(const FullyConnectedWeights& weights, int units) {
    ScratchLayout layout;
    layout.place(input, static_cast<size_t>(weights.int8.stride));
    layout.place(acc, static_cast<size_t>(std::max(units, weights.int8.padded_rows)));
    bytes_ = layout.bytes();
  }
  size_t bytes() const { return bytes_; }
  void bind(uint8_t* base) { bind_arrays(base, input, acc); }

 private:
  size_t bytes_ = 0;
};

void fully_connected_float(const FullyConnectedParams& p, int batches, int depth, int units, const float* input,
                           const FullyConnectedWeights& weights, const float* bias, float* output);
// The int8 weights are read from `prepared` (packed by prepare_fully_connected_weights).
void fully_connected_int8(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                          const FullyConnectedWeights& prepared, const int32_t* bias, int8_t* output,
                          FullyConnectedScratch& scratch);
void fully_connected_hybrid(const FullyConnectedParams& p, int batches, int depth, int units, const int8_t* input,
                            const float* batch_scale, const int32_t* batch_zero_point,
                            const FullyConnectedWeights& prepared, const float* channel_scale, const float* bias,
                            float* output, FullyConnectedScratch& scratch);

}  // namespace tinyfit::tflite::fast
