// Run-time input quantization of TFLite's hybrid kernels (float activations, int8 weights): each batch
// row of the float input is quantized to int8 on the fly, the products are integer, and the result is
// scaled back to float (tensor_utils::SymmetricQuantizeFloats / AsymmetricQuantizeFloats).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinyfit::tflite::ref {

// q = round(x * 127 / max|x|) in [-127, 127]; scale = max|x| / 127 (1 for an all-zero row).
void symmetric_quantize(const float* values, int n, int8_t* quantized, float* scale);

// Asymmetric over [min(0, min x), max(0, max x)] onto [-128, 127] with a nudged zero point;
// real = scale * (q - zero_point). An all-zero row gives zeros, scale 1, zero point 0.
void asymmetric_quantize(const float* values, int n, int8_t* quantized, float* scale, int32_t* zero_point);

// Quantizes `batches` rows of `n` values; symmetric rows get zero_points[b] = 0 when zero_points
// is non-null.
void quantize_rows(const float* values, int batches, int n, bool asymmetric, int8_t* quantized,
                   float* scales, int32_t* zero_points);

// The per-op state of a hybrid kernel's input quantization, sized once in prepare so that invoke
// does not allocate.
struct HybridInput {
  std::vector<int8_t> quantized;
  std::vector<float> scale;          // per batch row
  std::vector<int32_t> zero_point;   // per batch row (all 0 when symmetric)
  bool asymmetric = false;

  void reserve(int batches, int row_size, bool asymmetric_rows) {
    quantized.assign(static_cast<size_t>(batches) * static_cast<size_t>(row_size), 0);
    scale.assign(static_cast<size_t>(batches), 1.0f);
    zero_point.assign(static_cast<size_t>(batches), 0);
    asymmetric = asymmetric_rows;
  }
  // Quantizes `batches` rows of `row_size` floats (the sizes given to reserve).
  void quantize(const float* values) {
    const int batches = static_cast<int>(scale.size());
    const int row = batches ? static_cast<int>(quantized.size() / scale.size()) : 0;
    quantize_rows(values, batches, row, asymmetric, quantized.data(), scale.data(), zero_point.data());
  }
  // The zero points as the kernels take them: null for symmetric rows.
  const int32_t* zero_points() const { return asymmetric ? zero_point.data() : nullptr; }
};

}  // namespace tinyfit::tflite::ref
