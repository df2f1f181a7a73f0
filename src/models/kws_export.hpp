// A folded KWS net (models/kws_arch.hpp) as a TFLite graph with a static batch of 1, float32 input
// [1, rows, cols, 1] (the raw features) and float32 logits [1, classes] (no SOFTMAX: eval takes the
// arg max, and the op would cost bytes). Two forms:
//
//  float32: CONV_2D / DEPTHWISE_CONV_2D (fused ReLU) / ADD / MEAN / FULLY_CONNECTED, float weights.
//  int8:    what the official converter writes for full-integer quantization with float I/O:
//           QUANTIZE -> int8 ops -> DEQUANTIZE; weights int8 symmetric (per output channel for the
//           convolutions, per tensor for FULLY_CONNECTED), biases int32 with scale input x weight
//           scale, activations int8 asymmetric per tensor from calibrated ranges.
//
// The "tinyfit" metadata carries the feature options and the label order, so eval and latency need
// no flags.
#pragma once

#include <string>
#include <vector>

#include "dsp/features.hpp"
#include "models/kws_arch.hpp"
#include "tflite/model.hpp"

namespace tinyfit::models {

// Observed range of one activation over the calibration data.
struct ActivationRange {
  float min = 0.0f, max = 0.0f;
};

// TFLite's int8 parameters for a range: the range is widened to contain 0 (so zero padding and ReLU
// are exact), scale = (max - min) / 255, zero point = round(-128 - min / scale).
struct ActivationQuant {
  float scale = 1.0f;
  int zero_point = 0;
};
ActivationQuant activation_quant(ActivationRange r);

// `scale` rounded up to 8 significant bits (the float's 16 low mantissa bits zero). The int8 export's
// weight scales are short: their low two bytes are zero, which zlib stores almost for free (about 2 of
// 4 bytes per output channel of every per-channel tensor; -7 % on version c's file). Rounding up keeps
// max|w| / scale <= 127; the grid is at most 1/128 coarser. Activation scales stay exact: short ones
// there make requantization hit exact rounding ties, where the official runtime (round half to even)
// and TFLite's reference kernels (half away from zero) differ (tests/conformance/kws_export_test.cpp).
float short_scale(float scale);

enum class KwsWeightFormat { Float32, Int8 };

// ranges: one per activation (index 0 = input, i + 1 = output of layer i); needed for Int8 only.
// Throws Error for inconsistent layers or missing ranges.
tflite::ModelDef export_kws(const FoldedKws& net, const dsp::FeatureOptions& features, KwsWeightFormat format,
                            const std::vector<ActivationRange>& ranges = {});

// The folded weights as the int8 export rounds them (per-channel symmetric), everything else unchanged:
// what the exported int8 graph computes up to activation rounding (used for diagnostics and tests).
// Not modelled here (nor in QAT's fake quantization): the export's wider scale for a channel whose
// int32 bias would leave its range (kws_export.cpp bias_safe_scales, which needs the activation ranges).
FoldedKws quantize_weights(const FoldedKws& net);

}  // namespace tinyfit::models
