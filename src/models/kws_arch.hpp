// The keyword-spotting model family (spec HW2 §2, issue 9) as plain values, without LibTorch types,
// so that the CLI and the exporter can use it without LibTorch headers:
//  - KwsArch: what to build (DS-CNN with a width multiplier, or residual inverted-bottleneck blocks);
//  - FoldedKws: a trained net after folding (BatchNorm and the input normalisation inside the
//    convolutions' weights and biases), layer by layer, in TFLite's weight layouts. The exporter
//    writes it as float32 or full int8.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinyfit::models {

enum class KwsFamily {
  DsCnn,     // stem conv, then blocks of depthwise 3x3 -> pointwise (each BN + ReLU)
  Residual,  // stem conv, then blocks of pointwise expand -> depthwise 3x3 -> pointwise project, + skip
};

struct KwsArch {
  KwsFamily family = KwsFamily::Residual;
  int rows = 49, cols = 40;             // input feature map (frames x coefficients or mel bins)
  int channels = 24;                    // after the stem (DS-CNN: every block)
  int blocks = 6;
  int expansion = 2;                    // Residual: hidden channels = expansion * channels
  int stem_kh = 3, stem_kw = 3;         // VALID padding, so the input normalisation folds exactly
  int stem_stride_h = 2, stem_stride_w = 2;
  int classes = 8;
  std::string describe() const;         // "residual IB 6x24 (x2), stem 3x3/2x2"
  void validate() const;                // throws Error naming the bad field
};
KwsFamily parse_kws_family(const std::string& name);  // "dscnn" | "residual"
const char* kws_family_name(KwsFamily family);

// DS-CNN-64 with width multiplier alpha: round(64 * alpha) channels.
KwsArch ds_cnn(double width, int rows, int cols, int blocks = 4);

enum class LayerKind { Conv, Depthwise, Add, Mean, Dense };

// One folded layer. Activation 0 is the graph input [rows, cols, 1]; activation i + 1 is the output
// of layer i. Weight layouts are TFLite's: Conv [out][kh][kw][in], Depthwise [kh][kw][channels],
// Dense [out][in].
struct FoldedLayer {
  LayerKind kind = LayerKind::Conv;
  std::vector<int> inputs;      // activation indices (Add: two)
  int kh = 1, kw = 1, stride_h = 1, stride_w = 1;
  bool same_padding = true;     // false: VALID
  bool relu = false;            // fused ReLU
  int in_channels = 0, out_channels = 0;
  std::vector<float> weights, bias;
};

struct FoldedKws {
  int rows = 0, cols = 0, classes = 0;
  std::vector<FoldedLayer> layers;  // the last one's output is the logits [classes]
  int64_t parameters() const;       // weights + biases
};

}  // namespace tinyfit::models
