// Per-tensor quantization parameters of activations (one scale, one zero point), and shape text for
// error messages. Plain values; shared by the ops' prepare functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tflite/tensor.hpp"

namespace tinyfit::tflite::ref {

struct QuantParams {
  float scale = 0.0f;
  int32_t zero_point = 0;
};

// False unless `q` has exactly one positive scale and one zero point.
inline bool per_tensor(const Quantization& q, QuantParams* out) {
  if (q.scale.size() != 1 || q.zero_point.size() != 1 || !(q.scale[0] > 0.0f)) return false;
  out->scale = q.scale[0];
  out->zero_point = static_cast<int32_t>(q.zero_point[0]);
  return true;
}

inline bool same_quantization(const QuantParams& a, const QuantParams& b) {
  return a.scale == b.scale && a.zero_point == b.zero_point;
}

// "[1, 49, 10, 1]"
inline std::string shape_string(const std::vector<int32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace tinyfit::tflite::ref
