// Quantization-aware fine-tuning of a folded KWS net (issue 9): the folded layers' weights and biases
// become trainable again, and the forward pass rounds them and every activation the way the int8
// export will (per-output-channel symmetric weights, FULLY_CONNECTED per tensor; per-tensor asymmetric
// activations), with straight-through gradients. Training after BatchNorm folding keeps what is
// trained identical to what is exported: no BatchNorm statistics shift after the fake quantization.
//
// Activation ranges start at the post-training calibration and follow an exponential moving average of
// each training batch's min / max (TensorFlow's QAT does the same); the export uses those ranges.
#pragma once

#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/kws_arch.hpp"
#include "models/kws_export.hpp"

namespace tinyfit::models {

class KwsQatNetImpl : public torch::nn::Module {
 public:
  // ranges: one per activation of `net` (calibrate()); momentum: weight of each batch in the average.
  KwsQatNetImpl(const FoldedKws& net, const std::vector<ActivationRange>& ranges, double momentum = 0.05);
  torch::Tensor forward(const torch::Tensor& x);  // [B, rows, cols] -> logits [B, classes]
  FoldedKws folded() const;                        // the current float weights, TFLite layouts
  std::vector<ActivationRange> ranges() const;     // the current activation ranges
  std::vector<torch::Tensor> weights() const;      // the trainable weight tensors (not biases)

 private:
  torch::Tensor fake_quant_activation(const torch::Tensor& x, size_t index);

  FoldedKws structure_;                          // layers; weights and biases live in the parameters
  std::vector<torch::Tensor> weights_, biases_;  // per layer, LibTorch layouts; undefined for Add / Mean
  torch::Tensor min_, max_;                      // buffers [activations]
  double momentum_;
};
TORCH_MODULE(KwsQatNet);

// Per-output-channel (dim 0) symmetric int8 rounding with a straight-through gradient; per_channel
// false: one scale for the tensor.
torch::Tensor fake_quant_weights(const torch::Tensor& w, bool per_channel);

}  // namespace tinyfit::models
