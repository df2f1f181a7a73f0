// Fused-activation clamps, computed as TFLite's CalculateActivationRange(Quantized) do.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "tflite/model.hpp"

namespace tinyfit::tflite::ref {

// Float clamp for a fused activation. Returns false for the ones no float kernel applies as a clamp
// (TANH, SIGN_BIT), which TFLite also rejects for these ops.
inline bool activation_range_float(Activation a, float* lo, float* hi) {
  switch (a) {
    case Activation::None:
      *lo = std::numeric_limits<float>::lowest();
      *hi = std::numeric_limits<float>::max();
      return true;
    case Activation::Relu:
      *lo = 0.0f;
      *hi = std::numeric_limits<float>::max();
      return true;
    case Activation::ReluN1To1:
      *lo = -1.0f;
      *hi = 1.0f;
      return true;
    case Activation::Relu6:
      *lo = 0.0f;
      *hi = 6.0f;
      return true;
    default:
      return false;
  }
}

// Clamp in the output's quantized domain: the activation's real bounds quantized with the output's
// scale / zero point (round half away from zero of a float division, as TfLiteRound), intersected
// with the type's range [qmin, qmax].
inline bool activation_range_quantized(Activation a, float scale, int32_t zero_point, int32_t qmin,
                                       int32_t qmax, int32_t* lo, int32_t* hi) {
  auto quantize = [&](float f) { return zero_point + static_cast<int32_t>(std::round(f / scale)); };
  switch (a) {
    case Activation::None:
      *lo = qmin;
      *hi = qmax;
      return true;
    case Activation::Relu:
      *lo = std::max(qmin, quantize(0.0f));
      *hi = qmax;
      return true;
    case Activation::ReluN1To1:
      *lo = std::max(qmin, quantize(-1.0f));
      *hi = std::min(qmax, quantize(1.0f));
      return true;
    case Activation::Relu6:
      *lo = std::max(qmin, quantize(0.0f));
      *hi = std::min(qmax, quantize(6.0f));
      return true;
    default:
      return false;
  }
}

}  // namespace tinyfit::tflite::ref
