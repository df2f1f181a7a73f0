// Reference AVERAGE_POOL_2D / MAX_POOL_2D (TFLite reference_ops / reference_integer_ops pooling), NHWC.
// Windows are clipped to the input: padding never counts towards an average.
#pragma once

#include <cstdint>
#include <string>

#include "tflite/model.hpp"
#include "tflite/ref/kernel_types.hpp"

namespace tinyfit::tflite::ref {

// What a pool's prepare decides, from plain values (both pool ops share it).
struct PoolSpec {
  Padding padding = Padding::Same;
  Activation activation = Activation::None;
  int stride_h = 1, stride_w = 1, filter_h = 1, filter_w = 1;
  bool int8 = false;  // int8 pools need input and output to share one quantization
  float input_scale = 0.0f, output_scale = 0.0f;
  int32_t input_zero_point = 0, output_zero_point = 0;
};

// Fills the kernel parameters and the output shape (TFLite's ComputePaddingHeightWidth with
// dilation 1, activation clamps from the output quantization). Returns an error message, or ""
// when the pool is valid.
std::string plan_pool(const PoolSpec& spec, const Shape4& in, PoolParams* p, Shape4* out);

void average_pool_float(const PoolParams& p, const Shape4& in, const float* input, const Shape4& out, float* output);
// Integer mean rounded half away from zero: (sum ± count/2) / count, then clamped.
void average_pool_int8(const PoolParams& p, const Shape4& in, const int8_t* input, const Shape4& out, int8_t* output);
void max_pool_float(const PoolParams& p, const Shape4& in, const float* input, const Shape4& out, float* output);
void max_pool_int8(const PoolParams& p, const Shape4& in, const int8_t* input, const Shape4& out, int8_t* output);

}  // namespace tinyfit::tflite::ref
