// Fused-activation clamps, computed as TFLite's CalculateActivationRange(Quantized) do.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "tflite/model.hpp"

namespace tinyfit::tflite::ref {

// Real bounds of the fused activations that act as a clamp; a missing side is unbounded. One table
// for both the float and the quantized range, so the two cannot disagree. False for the ones no
// kernel applies as a clamp (TANH, SIGN_BIT), which TFLite also rejects for these ops.
struct ActivationBounds {
  bool has_lo = false, has_hi = false;
  float lo = 0.0f, hi = 0.0f;
};

inline bool activation_bounds(Activation a, ActivationBounds* b) {
  switch (a) {
    case Activation::None:
      *b = {false, false, 0.0f, 0.0f};
      return true;
    case Activation::Relu:
      *b = {true, false, 0.0f, 0.0f};
      return true;
    case Activation::ReluN1To1:
      *b = {true, true, -1.0f, 1.0f};
      return true;
    case Activation::Relu6:
      *b = {true, true, 0.0f, 6.0f};
      return true;
    default:
      return false;
  }
}

// Float clamp for a fused activation (unbounded sides: the float type's extremes).
inline bool activation_range_float(Activation a, float* lo, float* hi) {
  ActivationBounds b;
  if (!activation_bounds(a, &b)) return false;
  *lo = b.has_lo ? b.lo : std::numeric_limits<float>::lowest();
  *hi = b.has_hi ? b.hi : std::numeric_limits<float>::max();
  return true;
}

// Clamp in the output's quantized domain: the activation's real bounds quantized with the output's
// scale / zero point (round half away from zero of a float division, as TfLiteRound), intersected
// with the type's range [qmin, qmax].
inline bool activation_range_quantized(Activation a, float scale, int32_t zero_point, int32_t qmin,
                                       int32_t qmax, int32_t* lo, int32_t* hi) {
  auto quantize = [&](float f) { return zero_point + static_cast<int32_t>(std::round(f / scale)); };
  ActivationBounds b;
  if (!activation_bounds(a, &b)) return false;
  *lo = b.has_lo ? std::max(qmin, quantize(b.lo)) : qmin;
  *hi = b.has_hi ? std::min(qmax, quantize(b.hi)) : qmax;
  return true;
}

}  // namespace tinyfit::tflite::ref
