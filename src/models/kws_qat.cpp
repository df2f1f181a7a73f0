#include "models/kws_qat.hpp"

#include <algorithm>
#include <cmath>

#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/linear.h>

#include "core/error.hpp"

namespace tinyfit::models {

namespace F = torch::nn::functional;

namespace {

torch::Tensor from_vector(const std::vector<float>& v, torch::IntArrayRef shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// TFLite layout (kws_arch.hpp) -> LibTorch's conv2d / linear layout, and back.
torch::Tensor to_torch_layout(const FoldedLayer& l) {
  switch (l.kind) {
    case LayerKind::Conv: return from_vector(l.weights, {l.out_channels, l.kh, l.kw, l.in_channels}).permute({0, 3, 1, 2}).contiguous();
    case LayerKind::Depthwise: return from_vector(l.weights, {l.kh, l.kw, l.out_channels}).permute({2, 0, 1}).unsqueeze(1).contiguous();
    default: return from_vector(l.weights, {l.out_channels, l.in_channels});
  }
}

std::vector<float> to_tflite_layout(const FoldedLayer& l, const torch::Tensor& w) {
  switch (l.kind) {
    case LayerKind::Conv: return to_vector(w.permute({0, 2, 3, 1}));
    case LayerKind::Depthwise: return to_vector(w.squeeze(1).permute({1, 2, 0}));
    default: return to_vector(w);
  }
}

// Straight-through rounding: forward `rounded`, backward the identity of `x`.
torch::Tensor straight_through(const torch::Tensor& x, const torch::Tensor& rounded) { return x + (rounded - x).detach(); }

}  // namespace

torch::Tensor fake_quant_weights(const torch::Tensor& w, bool per_channel) {
  // The export's rounding (kws_export.cpp weight_scales / quantize): scale short_scale(max|w| / 127),
  // all-zero -> 1.
  torch::Tensor max_abs = per_channel ? w.detach().abs().reshape({w.size(0), -1}).amax(1) : w.detach().abs().max().reshape({1});
  torch::Tensor scale = torch::where(max_abs > 0, max_abs / 127.0f, torch::ones_like(max_abs)).contiguous();
  float* sp = scale.data_ptr<float>();
  for (int64_t i = 0; i < scale.numel(); ++i) sp[i] = short_scale(sp[i]);
  std::vector<int64_t> shape(static_cast<size_t>(w.dim()), 1);
  shape[0] = per_channel ? w.size(0) : 1;
  const torch::Tensor s = scale.reshape(shape);
  return straight_through(w, torch::clamp(torch::round(w / s), -127, 127) * s);
}

KwsQatNetImpl::KwsQatNetImpl(const FoldedKws& net, const std::vector<ActivationRange>& ranges, double momentum)
    : structure_(net), momentum_(momentum) {
  if (ranges.size() != net.layers.size() + 1)
    throw Error("kws QAT: " + std::to_string(ranges.size()) + " activation ranges for " +
                std::to_string(net.layers.size() + 1) + " activations");
  for (size_t i = 0; i < net.layers.size(); ++i) {
    FoldedLayer& l = structure_.layers[i];
    if (l.weights.empty()) {
      weights_.emplace_back();
      biases_.emplace_back();
      continue;
    }
    const std::string index = std::to_string(i);  // (GCC 12 warns falsely, -Wrestrict, on "w" + std::to_string(i))
    weights_.push_back(register_parameter(std::string("w").append(index), to_torch_layout(l)));
    biases_.push_back(register_parameter(std::string("b").append(index), from_vector(l.bias, {l.out_channels})));
    l.weights.clear();  // the parameters own them now
    l.bias.clear();
  }
  std::vector<float> lo, hi;
  for (const ActivationRange& r : ranges) {
    lo.push_back(r.min);
    hi.push_back(r.max);
  }
  min_ = register_buffer("range_min", torch::tensor(lo));
  max_ = register_buffer("range_max", torch::tensor(hi));
}

torch::Tensor KwsQatNetImpl::fake_quant_activation(const torch::Tensor& x, size_t index) {
  const auto i = static_cast<int64_t>(index);
  if (is_training()) {  // moving average of the batch ranges, as TensorFlow's QAT observers do
    torch::NoGradGuard no_grad;
    min_[i].mul_(1.0 - momentum_).add_(x.min() * momentum_);
    max_[i].mul_(1.0 - momentum_).add_(x.max() * momentum_);
  }
  const ActivationQuant q = activation_quant({min_[i].item<float>(), max_[i].item<float>()});
  const float lo = (-128.0f - static_cast<float>(q.zero_point)) * q.scale, hi = (127.0f - static_cast<float>(q.zero_point)) * q.scale;
  const torch::Tensor clamped = torch::clamp(x, lo, hi);
  const torch::Tensor rounded = (torch::clamp(torch::round(x / q.scale) + q.zero_point, -128, 127) - q.zero_point) * q.scale;
  return straight_through(clamped, rounded);
}

torch::Tensor KwsQatNetImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> acts{fake_quant_activation(x.unsqueeze(1), 0)};
  for (size_t i = 0; i < structure_.layers.size(); ++i) {
    const FoldedLayer& l = structure_.layers[i];
    const torch::Tensor& in = acts[static_cast<size_t>(l.inputs.at(0))];
    torch::Tensor y;
    switch (l.kind) {
      case LayerKind::Conv:
      case LayerKind::Depthwise: {
        auto o = F::Conv2dFuncOptions().bias(biases_[i]).stride({l.stride_h, l.stride_w});
        if (l.same_padding) o.padding({l.kh / 2, l.kw / 2});
        if (l.kind == LayerKind::Depthwise) o.groups(l.in_channels);
        y = F::conv2d(in, fake_quant_weights(weights_[i], true), o);
        if (l.relu) y = torch::relu(y);
        break;
      }
      case LayerKind::Add: y = in + acts[static_cast<size_t>(l.inputs.at(1))]; break;
      case LayerKind::Mean: y = in.mean({2, 3}); break;
      case LayerKind::Dense: y = F::linear(in, fake_quant_weights(weights_[i], false), biases_[i]); break;
    }
    acts.push_back(fake_quant_activation(y, i + 1));
  }
  return acts.back();
}

FoldedKws KwsQatNetImpl::folded() const {
  torch::NoGradGuard no_grad;
  FoldedKws f = structure_;
  for (size_t i = 0; i < f.layers.size(); ++i) {
    FoldedLayer& l = f.layers[i];
    if (!weights_[i].defined()) continue;
    l.weights = to_tflite_layout(l, weights_[i]);
    l.bias = to_vector(biases_[i]);
  }
  return f;
}

std::vector<ActivationRange> KwsQatNetImpl::ranges() const {
  std::vector<ActivationRange> r;
  for (int64_t i = 0; i < min_.size(0); ++i) r.push_back({min_[i].item<float>(), max_[i].item<float>()});
  return r;
}

std::vector<torch::Tensor> KwsQatNetImpl::weights() const {
  std::vector<torch::Tensor> w;
  for (const auto& t : weights_)
    if (t.defined()) w.push_back(t);
  return w;
}

}  // namespace tinyfit::models
