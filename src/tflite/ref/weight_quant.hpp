// Prepare-time quantization parameters of the weighted ops (conv, depthwise, fully-connected),
// computed exactly as TFLite's kernel_util.cc does (the double/float mix matters for bit-exact
// multipliers), and small shape helpers for them. Plain values, no Tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tflite/ref/kernel_types.hpp"
#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref {

// PopulateConvolutionQuantizationParams: one (multiplier, shift) per output channel from
// input_scale * filter_scale[c] / output_scale in double. A single filter scale is broadcast.
inline void per_channel_multipliers(float input_scale, const std::vector<float>& filter_scales, float output_scale,
                                    int channels, std::vector<int32_t>* multipliers, std::vector<int>* shifts) {
  multipliers->assign(static_cast<size_t>(channels), 0);
  shifts->assign(static_cast<size_t>(channels), 0);
  for (int c = 0; c < channels; ++c) {
    const float filter_scale = filter_scales.size() > 1 ? filter_scales[static_cast<size_t>(c)] : filter_scales[0];
    const double m = static_cast<double>(input_scale) * static_cast<double>(filter_scale) / static_cast<double>(output_scale);
    quantize_multiplier(m, &(*multipliers)[static_cast<size_t>(c)], &(*shifts)[static_cast<size_t>(c)]);
  }
}

// GetQuantizedConvolutionMultipler (per-tensor FULLY_CONNECTED): the input x filter product is
// taken in float, then divided by the output scale in double.
inline double per_tensor_multiplier(float input_scale, float filter_scale, float output_scale) {
  return static_cast<double>(input_scale * filter_scale) / static_cast<double>(output_scale);
}

// True when a per-channel scale vector really varies (TFLite treats equal scales as per-tensor).
inline bool scales_differ(const std::vector<float>& scales) {
  for (float s : scales)
    if (s != scales[0]) return true;
  return false;
}

// A per-tensor zero point (0 when the file carries none).
inline int32_t zero_point_of(const std::vector<int64_t>& zero_points) {
  return zero_points.empty() ? 0 : static_cast<int32_t>(zero_points[0]);
}

// NHWC dims of a rank-4 shape (the caller has checked the rank).
inline Shape4 shape4(const std::vector<int32_t>& dims) { return Shape4{dims[0], dims[1], dims[2], dims[3]}; }

}  // namespace tinyfit::tflite::ref
