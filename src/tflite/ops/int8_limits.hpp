// Integer accumulators are int32, as in TFLite. Products of an int8 weight (zero point 0) and an
// input offset by its zero point are at most 128 * 255 in magnitude, so bounding the reduction
// length and the bias keeps every partial sum (also the fast kernels' rearranged ones, which add
// up to 383 * 127 per element on top) inside int32. TFLite does not check this; a hostile file could
// make its accumulators overflow. Real models are far inside the bounds.
#pragma once

#include <cstdint>
#include <string>

#include "tflite/op.hpp"

namespace tinyfit::tflite::ops {

inline constexpr int64_t kMaxIntegerReduction = 1 << 14;  // 16384 x 128 x 255 = 5.3e8
inline constexpr int64_t kMaxInt32Bias = 1 << 29;

// Prepare-time check for int8 and hybrid kernels; `int32_bias` may be null (float bias or none).
inline void check_integer_accumulation(const OpContext& ctx, int64_t reduction_length, const Tensor* int32_bias) {
  if (reduction_length > kMaxIntegerReduction)
    ctx.fail("reduction over " + std::to_string(reduction_length) + " values exceeds the " +
             std::to_string(kMaxIntegerReduction) + " that int32 accumulators hold safely");
  if (int32_bias == nullptr || int32_bias->type != DType::Int32 || int32_bias->data == nullptr) return;
  const int32_t* b = int32_bias->as<int32_t>();
  for (int64_t i = 0; i < int32_bias->num_elements(); ++i)
    if (b[i] > kMaxInt32Bias || b[i] < -kMaxInt32Bias)
      ctx.fail("int32 bias " + std::to_string(b[i]) + " is out of range (inconsistent quantization)");
}

}  // namespace tinyfit::tflite::ops
