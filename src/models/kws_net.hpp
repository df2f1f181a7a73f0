// The KWS nets of models/kws_arch.hpp in LibTorch: input [B, rows, cols] features -> logits [B, classes].
// The input is normalised by a fixed scalar mean / std (training statistics) inside the net; fold()
// moves that and every BatchNorm into the convolutions, which is exact because the stem uses VALID
// padding (no padded zeros that the normalisation would have shifted).
#pragma once

#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "models/kws_arch.hpp"
#include "models/kws_export.hpp"

namespace tinyfit::models {

class KwsNetImpl : public torch::nn::Module {
 public:
  KwsNetImpl(const KwsArch& arch, float input_mean, float input_std);
  torch::Tensor forward(const torch::Tensor& x);
  // BatchNorm (running statistics) and the input normalisation folded into the weights.
  FoldedKws fold() const;
  const KwsArch& arch() const { return arch_; }
  // The weights magnitude pruning applies to: every convolution after the stem (the depthwise ones only
  // with `depthwise`) and the classifier. The stem stays dense: it holds few weights and sees the raw
  // features.
  std::vector<torch::Tensor> prunable_weights(bool depthwise) const;

 private:
  struct Unit {  // conv (no bias) -> BN -> optional ReLU
    torch::nn::Conv2d conv{nullptr};
    torch::nn::BatchNorm2d bn{nullptr};
    bool relu = true, depthwise = false, same = true;  // same: SAME padding, else VALID
  };
  struct Block {
    std::vector<size_t> units;
    bool residual = false;
  };
  size_t add_unit(int in, int out, int kh, int kw, int sh, int sw, bool same, bool depthwise, bool relu);
  static torch::Tensor run(Unit u, const torch::Tensor& x);  // by value: the holders' non-const forward

  KwsArch arch_;
  std::vector<Unit> units_;
  std::vector<Block> blocks_;
  torch::nn::Linear fc_{nullptr};
  torch::Tensor mean_, std_;  // scalar buffers
};
TORCH_MODULE(KwsNet);

// Runs a folded net with LibTorch (float32, same maths as the exported float graph). x: [B, rows, cols].
// If `activations` is given, it receives every activation (index 0: the input as [B, rows, cols, 1]),
// NCHW, for calibration of the int8 export.
torch::Tensor run_folded(const FoldedKws& net, const torch::Tensor& x, std::vector<torch::Tensor>* activations = nullptr);

// Post-training calibration: the min / max of every activation of run_folded over `inputs` [N, rows, cols].
std::vector<ActivationRange> calibrate(const FoldedKws& net, const torch::Tensor& inputs);

}  // namespace tinyfit::models
