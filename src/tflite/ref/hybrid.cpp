#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/ref/hybrid.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tinyfit::tflite::ref {

void symmetric_quantize(const float* values, int n, int8_t* quantized, float* scale) {
  if (n <= 0) {
    *scale = 1.0f;
    return;
  }
  const auto [lo, hi] = std::minmax_element(values, values + n);
  constexpr int32_t kScale = 127;
  const float range = std::max(std::abs(*lo), std::abs(*hi));
  if (range == 0.0f) {
    std::memset(quantized, 0, static_cast<size_t>(n));
    *scale = 1.0f;
    return;
  }
  *scale = range / kScale;
  // TFLite multiplies by the float inverse (not divides by the scale): keep that for bit-equality.
  const float inverse = kScale / range;
  for (int i = 0; i < n; ++i) {
    const auto q = static_cast<int32_t>(std::round(values[i] * inverse));
    quantized[i] = static_cast<int8_t>(std::min(kScale, std::max(-kScale, q)));
  }
}

void asymmetric_quantize(const float* values, int n, int8_t* quantized, float* scale, int32_t* zero_point) {
  constexpr int32_t kMin = -128, kMax = 127;
  constexpr double qmin = kMin, qmax = kMax;
  if (n <= 0) {
    *scale = 1.0f;
    *zero_point = 0;
    return;
  }
  const auto [lo, hi] = std::minmax_element(values, values + n);
  const double rmin = std::fmin(0.0, *lo);
  const double rmax = std::fmax(0.0, *hi);
  if (rmin == rmax) {
    std::memset(quantized, 0, static_cast<size_t>(n));
    *scale = 1.0f;
    *zero_point = 0;
    return;
  }
  // The zero point is taken from whichever end loses less precision, then nudged onto the grid
  // (all in double, as TFLite does); the scale is stored as float.
  const double s = (rmax - rmin) / (qmax - qmin);
  const double zp_from_min = qmin - rmin / s;
  const double zp_from_max = qmax - rmax / s;
  const double err_min = std::abs(qmin) + std::abs(rmin / s);
  const double err_max = std::abs(qmax) + std::abs(rmax / s);
  const double zp = err_min < err_max ? zp_from_min : zp_from_max;
  int32_t nudged;
  if (zp <= qmin) {
    nudged = kMin;
  } else if (zp >= qmax) {
    nudged = kMax;
  } else {
    nudged = static_cast<int32_t>(std::round(zp));
  }
  *scale = static_cast<float>(s);
  *zero_point = nudged;
  const auto inverse = static_cast<float>(1.0 / static_cast<double>(*scale));  // double, as TFLite
  for (int i = 0; i < n; ++i) {
    const auto q = static_cast<int32_t>(std::round(static_cast<float>(nudged) + values[i] * inverse));
    quantized[i] = static_cast<int8_t>(std::min(kMax, std::max(kMin, q)));
  }
}

void quantize_rows(const float* values, int batches, int n, bool asymmetric, int8_t* quantized,
                   float* scales, int32_t* zero_points) {
  for (int b = 0; b < batches; ++b) {
    const int64_t off = static_cast<int64_t>(b) * n;
    if (asymmetric) {
      asymmetric_quantize(values + off, n, quantized + off, &scales[b], &zero_points[b]);
    } else {
      symmetric_quantize(values + off, n, quantized + off, &scales[b]);
      if (zero_points) zero_points[b] = 0;
    }
  }
}

}  // namespace tinyfit::tflite::ref
