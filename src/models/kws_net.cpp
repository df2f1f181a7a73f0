#include "models/kws_net.hpp"

#include <algorithm>
#include <cmath>

#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/linear.h>
#include <torch/nn/init.h>

#include "core/error.hpp"

namespace tinyfit::models {

namespace F = torch::nn::functional;

namespace {

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

torch::Tensor from_vector(const std::vector<float>& v, torch::IntArrayRef shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32);
}

FoldedLayer plain_layer(LayerKind kind, std::vector<int> inputs, int in_channels, int out_channels) {
  FoldedLayer l;
  l.kind = kind;
  l.inputs = std::move(inputs);
  l.in_channels = in_channels;
  l.out_channels = out_channels;
  return l;
}

}  // namespace

KwsNetImpl::KwsNetImpl(const KwsArch& arch, float input_mean, float input_std) : arch_(arch) {
  arch_.validate();
  if (!(input_std > 0.0f)) throw Error("kws net: the input standard deviation must be positive");
  const int c = arch_.channels;
  blocks_.push_back({{add_unit(1, c, arch_.stem_kh, arch_.stem_kw, arch_.stem_stride_h, arch_.stem_stride_w, false,
                               false, true)},
                     false});
  for (int b = 0; b < arch_.blocks; ++b) {
    if (arch_.family == KwsFamily::DsCnn) {
      blocks_.push_back({{add_unit(c, c, 3, 3, 1, 1, true, true, true), add_unit(c, c, 1, 1, 1, 1, true, false, true)},
                         false});
    } else {
      // Linear projection (no ReLU) before the skip, as in MobileNetV2: a ReLU there would zero half
      // of what the residual path can add.
      const int e = c * arch_.expansion;
      blocks_.push_back({{add_unit(c, e, 1, 1, 1, 1, true, false, true), add_unit(e, e, 3, 3, 1, 1, true, true, true),
                          add_unit(e, c, 1, 1, 1, 1, true, false, false)},
                         true});
    }
  }
  fc_ = register_module("fc", torch::nn::Linear(c, arch_.classes));
  mean_ = register_buffer("input_mean", torch::tensor(input_mean));
  std_ = register_buffer("input_std", torch::tensor(input_std));
}

std::vector<torch::Tensor> KwsNetImpl::prunable_weights(bool depthwise) const {
  std::vector<torch::Tensor> w;
  for (size_t i = 1; i < units_.size(); ++i)
    if (depthwise || !units_[i].depthwise) w.push_back(units_[i].conv->weight);
  w.push_back(fc_->weight);
  return w;
}

size_t KwsNetImpl::add_unit(int in, int out, int kh, int kw, int sh, int sw, bool same, bool depthwise, bool relu) {
  const size_t i = units_.size();
  auto o = torch::nn::Conv2dOptions(in, out, {kh, kw}).stride({sh, sw}).bias(false);
  if (same) o.padding({kh / 2, kw / 2});
  if (depthwise) o.groups(in);
  Unit u;
  u.conv = register_module("conv" + std::to_string(i), torch::nn::Conv2d(o));
  u.bn = register_module("bn" + std::to_string(i), torch::nn::BatchNorm2d(out));
  u.relu = relu;
  u.depthwise = depthwise;
  u.same = same;
  units_.push_back(u);
  return i;
}

torch::Tensor KwsNetImpl::run(Unit u, const torch::Tensor& x) {
  torch::Tensor y = u.bn->forward(u.conv->forward(x));
  return u.relu ? torch::relu(y) : y;
}

torch::Tensor KwsNetImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = ((x - mean_) / std_).unsqueeze(1);
  for (const Block& b : blocks_) {
    torch::Tensor y = h;
    for (size_t u : b.units) y = run(units_[u], y);
    h = b.residual ? y + h : y;
  }
  return fc_->forward(h.mean({2, 3}));
}

FoldedKws KwsNetImpl::fold() const {
  torch::NoGradGuard no_grad;
  FoldedKws f;
  f.rows = arch_.rows;
  f.cols = arch_.cols;
  f.classes = arch_.classes;
  int act = 0;  // the activation the next layer reads
  auto push = [&f, &act](FoldedLayer l) {
    f.layers.push_back(std::move(l));
    act = static_cast<int>(f.layers.size());
  };
  bool stem = true;
  for (const Block& b : blocks_) {
    const int block_input = act;
    for (size_t ui : b.units) {
      const Unit& u = units_[ui];
      const auto& co = u.conv->options;
      const torch::Tensor scale = u.bn->weight / torch::sqrt(u.bn->running_var + u.bn->options.eps());
      torch::Tensor w = u.conv->weight * scale.reshape({-1, 1, 1, 1});  // [O, I/groups, kh, kw]
      torch::Tensor bias = u.bn->bias - u.bn->running_mean * scale;
      if (stem) {  // conv(w, (x - m) / s) = conv(w / s, x) - (m / s) * sum(w): exact with VALID padding
        bias = bias - (mean_ / std_) * w.sum({1, 2, 3});
        w = w / std_;
        stem = false;
      }
      FoldedLayer l;
      l.kind = u.depthwise ? LayerKind::Depthwise : LayerKind::Conv;
      l.inputs = {act};
      l.kh = static_cast<int>((*co.kernel_size())[0]);
      l.kw = static_cast<int>((*co.kernel_size())[1]);
      l.stride_h = static_cast<int>((*co.stride())[0]);
      l.stride_w = static_cast<int>((*co.stride())[1]);
      l.same_padding = u.same;
      l.relu = u.relu;
      l.in_channels = static_cast<int>(co.in_channels());
      l.out_channels = static_cast<int>(co.out_channels());
      l.weights = to_vector(u.depthwise ? w.permute({1, 2, 3, 0}) : w.permute({0, 2, 3, 1}));
      l.bias = to_vector(bias);
      push(std::move(l));
    }
    if (b.residual) push(plain_layer(LayerKind::Add, {block_input, act}, arch_.channels, arch_.channels));
  }
  push(plain_layer(LayerKind::Mean, {act}, arch_.channels, arch_.channels));
  FoldedLayer dense = plain_layer(LayerKind::Dense, {act}, arch_.channels, arch_.classes);
  dense.weights = to_vector(fc_->weight);
  dense.bias = to_vector(fc_->bias);
  push(std::move(dense));
  return f;
}

torch::Tensor run_folded(const FoldedKws& net, const torch::Tensor& x, std::vector<torch::Tensor>* activations) {
  std::vector<torch::Tensor> acts{x.unsqueeze(1)};
  for (const FoldedLayer& l : net.layers) {
    const torch::Tensor& in = acts[static_cast<size_t>(l.inputs.at(0))];
    torch::Tensor y;
    switch (l.kind) {
      case LayerKind::Conv:
      case LayerKind::Depthwise: {
        const bool dw = l.kind == LayerKind::Depthwise;
        const torch::Tensor w = dw ? from_vector(l.weights, {l.kh, l.kw, l.out_channels}).permute({2, 0, 1}).unsqueeze(1)
                                   : from_vector(l.weights, {l.out_channels, l.kh, l.kw, l.in_channels}).permute({0, 3, 1, 2});
        auto o = F::Conv2dFuncOptions().bias(from_vector(l.bias, {l.out_channels})).stride({l.stride_h, l.stride_w});
        if (l.same_padding) o.padding({l.kh / 2, l.kw / 2});
        if (dw) o.groups(l.in_channels);
        y = F::conv2d(in, w.contiguous(), o);
        if (l.relu) y = torch::relu(y);
        break;
      }
      case LayerKind::Add: y = in + acts[static_cast<size_t>(l.inputs.at(1))]; break;
      case LayerKind::Mean: y = in.mean({2, 3}); break;
      case LayerKind::Dense:
        y = F::linear(in, from_vector(l.weights, {l.out_channels, l.in_channels}), from_vector(l.bias, {l.out_channels}));
        break;
    }
    acts.push_back(y);
  }
  torch::Tensor out = acts.back();
  if (activations) *activations = std::move(acts);
  return out;
}

std::vector<ActivationRange> calibrate(const FoldedKws& net, const torch::Tensor& inputs) {
  torch::NoGradGuard no_grad;
  std::vector<ActivationRange> ranges;
  for (int64_t begin = 0; begin < inputs.size(0); begin += 256) {
    std::vector<torch::Tensor> acts;
    run_folded(net, inputs.slice(0, begin, std::min(inputs.size(0), begin + 256)), &acts);
    ranges.resize(acts.size(), {INFINITY, -INFINITY});
    for (size_t i = 0; i < acts.size(); ++i) {
      ranges[i].min = std::min(ranges[i].min, acts[i].min().item<float>());
      ranges[i].max = std::max(ranges[i].max, acts[i].max().item<float>());
    }
  }
  return ranges;
}

}  // namespace tinyfit::models
