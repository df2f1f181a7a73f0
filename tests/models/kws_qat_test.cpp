// Quantization-aware fine-tuning net (models/kws_qat.hpp): it starts as the folded net, its forward
// rounds as the int8 file does, and its gradients pass straight through the rounding.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "models/kws_export.hpp"
#include "models/kws_net.hpp"
#include "models/kws_qat.hpp"
#include "tflite/batch_runner.hpp"
#include "models/tiny_kws_arch.hpp"

namespace tinyfit::models {
namespace {

std::vector<float> flat(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

struct Fixture {
  FoldedKws folded;
  std::vector<ActivationRange> ranges;
};

Fixture make_fixture() {
  torch::manual_seed(5);
  KwsNet net(tiny_kws_arch(KwsFamily::Residual), -2.0f, 3.0f);
  net->train();
  {
    torch::NoGradGuard no_grad;
    for (int i = 0; i < 5; ++i) net->forward(torch::randn({16, 13, 9}) * 3.0 - 2.0);
  }
  net->eval();
  Fixture f;
  f.folded = net->fold();
  f.ranges = calibrate(f.folded, torch::randn({256, 13, 9}) * 3.0 - 2.0);
  return f;
}

TEST(KwsQat, FoldedRoundTripsTheWeights) {
  const Fixture f = make_fixture();
  KwsQatNet qat(f.folded, f.ranges);
  const FoldedKws back = qat->folded();
  ASSERT_EQ(back.layers.size(), f.folded.layers.size());
  for (size_t i = 0; i < back.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].weights, f.folded.layers[i].weights) << "layer " << i;
    EXPECT_EQ(back.layers[i].bias, f.folded.layers[i].bias) << "layer " << i;
  }
  const auto r = qat->ranges();
  ASSERT_EQ(r.size(), f.ranges.size());
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].min, f.ranges[i].min);
}

TEST(KwsQat, WeightRoundingIsTheExports) {
  const Fixture f = make_fixture();
  const FoldedKws exported = quantize_weights(f.folded);
  KwsQatNet qat(f.folded, f.ranges);
  // quantize_weights rounds exactly as the int8 export; the fake-quantized LibTorch weights must agree.
  for (const auto& p : qat->named_parameters()) {
    if (p.key()[0] != 'w') continue;
    const size_t layer = std::stoul(p.key().substr(1));
    const bool per_channel = f.folded.layers[layer].kind != LayerKind::Dense;
    torch::NoGradGuard no_grad;
    p.value().copy_(fake_quant_weights(p.value(), per_channel));
    EXPECT_EQ(qat->folded().layers[layer].weights, exported.layers[layer].weights) << p.key();
  }
}

TEST(KwsQat, EvalForwardIsCloseToTheInt8File) {
  const Fixture f = make_fixture();
  KwsQatNet qat(f.folded, f.ranges);
  qat->eval();
  const tflite::ModelDef m = export_kws(f.folded, dsp::FeatureOptions{}, KwsWeightFormat::Int8, f.ranges);
  const torch::Tensor x = torch::randn({32, 13, 9}) * 3.0 - 2.0;
  torch::NoGradGuard no_grad;
  const std::vector<float> fake = flat(qat->forward(x));
  const std::vector<float> file = tflite::run_batch(m, flat(x), 32, {}, 1);
  const ActivationQuant out = activation_quant(f.ranges.back());
  // Both are multiples of the output step; they differ only where an intermediate rounding (bias,
  // requantization) differs by one step: allow two output steps, and most values exactly equal.
  size_t equal = 0;
  for (size_t i = 0; i < fake.size(); ++i) {
    EXPECT_LE(std::fabs(fake[i] - file[i]), 2.01f * out.scale) << i;
    equal += std::fabs(fake[i] - file[i]) < 0.5f * out.scale;
  }
  EXPECT_GT(equal, fake.size() / 2);
}

TEST(KwsQat, GradientsPassThroughTheRounding) {
  const Fixture f = make_fixture();
  KwsQatNet qat(f.folded, f.ranges);
  qat->train();
  const torch::Tensor loss = qat->forward(torch::randn({8, 13, 9}) * 3.0 - 2.0).pow(2).sum();
  loss.backward();
  for (const auto& p : qat->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<float>(), 0.0f) << p.key();
  }
  // Training mode moves the ranges towards the batch's.
  EXPECT_NE(qat->ranges()[1].max, f.ranges[1].max);
}

}  // namespace
}  // namespace tinyfit::models
