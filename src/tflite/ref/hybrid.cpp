#include "tflite/ref/fp_contract.hpp"  // keep first: applies to all code below
#include "tflite/ref/hybrid.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tinyfit::tflite::ref {

namespace {

// std::round (half away from zero) to int32 for |x| < 2^31, without the libm call so the quantization
// loops vectorise: the conversion truncates, and x - trunc(x) is exact in float, so comparing it
// with +-0.5 decides exactly as std::round does. Callers pass values within about +-256.
inline int32_t round_half_away(float x) {
  const auto t = static_cast<int32_t>(x);
  const float fraction = x - static_cast<float>(t);
  return t + (fraction >= 0.5f ? 1 : 0) - (fraction <= -0.5f ? 1 : 0);
}

// Smallest and largest value (n > 0). GCC does not vectorise float min/max reductions (NaN and
// signed-zero rules), so the lanes are explicit (GCC/Clang vector extension); min and max do not
// depend on the order of the comparisons, and the callers ignore the sign of zero.
void min_max(const float* values, int n, float* lo, float* hi) {
  using Lanes = float __attribute__((vector_size(32)));
  constexpr int kLanes = 8;
  float l = values[0], h = values[0];
  int i = 0;
  if (n >= kLanes) {
    Lanes vl, vh;
    std::memcpy(&vl, values, sizeof(Lanes));
    vh = vl;
    for (; i + kLanes <= n; i += kLanes) {
      Lanes x;
      std::memcpy(&x, values + i, sizeof(Lanes));
      vl = x < vl ? x : vl;
      vh = vh < x ? x : vh;
    }
    for (int j = 0; j < kLanes; ++j) {
      l = std::min(l, vl[j]);
      h = std::max(h, vh[j]);
    }
  }
  for (; i < n; ++i) {
    l = std::min(l, values[i]);
    h = std::max(h, values[i]);
  }
  *lo = l;
  *hi = h;
}

}  // namespace

void symmetric_quantize(const float* values, int n, int8_t* quantized, float* scale) {
  if (n <= 0) {
    *scale = 1.0f;
    return;
  }
  float lo, hi;
  min_max(values, n, &lo, &hi);
  constexpr int32_t kScale = 127;
  const float range = std::max(std::abs(lo), std::abs(hi));
  if (range == 0.0f) {
    std::memset(quantized, 0, static_cast<size_t>(n));
    *scale = 1.0f;
    return;
  }
  *scale = range / kScale;
  // TFLite multiplies by the float inverse (not divides by the scale): keep that for bit-equality.
  const float inverse = kScale / range;
  for (int i = 0; i < n; ++i) {
    const int32_t q = round_half_away(values[i] * inverse);
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
  float lo, hi;
  min_max(values, n, &lo, &hi);
  const double rmin = std::fmin(0.0, lo);
  const double rmax = std::fmax(0.0, hi);
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
    const int32_t q = round_half_away(static_cast<float>(nudged) + values[i] * inverse);
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
