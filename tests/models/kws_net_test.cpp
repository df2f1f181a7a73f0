// KWS nets on tiny synthetic inputs: shapes, BatchNorm folding, and the float / int8 exports run by
// tinyfit's interpreter against the LibTorch forward.
#include <gtest/gtest.h>

#include <cstring>
#include <span>

#include <torch/torch.h>

#include "core/error.hpp"
#include "models/kws_export.hpp"
#include "models/kws_net.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/metadata.hpp"
#include "models/tiny_kws_arch.hpp"

namespace tinyfit::models {
namespace {

// A net whose BatchNorms hold non-trivial running statistics (a few training-mode passes).
KwsNet trained_looking(const KwsArch& arch) {
  torch::manual_seed(3);
  KwsNet net(arch, -2.0f, 3.0f);
  net->train();
  torch::NoGradGuard no_grad;
  for (int i = 0; i < 5; ++i) net->forward(torch::randn({16, arch.rows, arch.cols}) * 3.0 - 2.0);
  for (auto& p : net->named_parameters())
    if (p.key().find("bn") != std::string::npos) p.value().uniform_(0.5, 1.5);
  net->eval();
  return net;
}

std::vector<float> flat(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

TEST(KwsNet, OutputsOneLogitPerClass) {
  for (KwsFamily f : {KwsFamily::Residual, KwsFamily::DsCnn}) {
    KwsNet net(tiny_kws_arch(f), 0.0f, 1.0f);
    EXPECT_EQ(net->forward(torch::randn({3, 13, 9})).sizes(), (std::vector<int64_t>{3, 8}));
  }
}

TEST(KwsNet, FoldingEqualsTheUnfoldedForward) {
  for (KwsFamily f : {KwsFamily::Residual, KwsFamily::DsCnn}) {
    KwsNet net = trained_looking(tiny_kws_arch(f));
    const torch::Tensor x = torch::randn({8, 13, 9}) * 3.0 - 2.0;
    torch::NoGradGuard no_grad;
    const torch::Tensor expected = net->forward(x);
    const FoldedKws folded = net->fold();
    EXPECT_EQ(folded.layers.back().kind, LayerKind::Dense);
    EXPECT_TRUE(torch::allclose(run_folded(folded, x), expected, 1e-4, 1e-4)) << kws_family_name(f);
  }
}

TEST(KwsExport, FloatFileMatchesTheFoldedNet) {
  KwsNet net = trained_looking(tiny_kws_arch(KwsFamily::Residual));
  const FoldedKws folded = net->fold();
  dsp::FeatureOptions features;
  features.num_coefficients = 0;
  const tflite::ModelDef m = export_kws(folded, features, KwsWeightFormat::Float32);
  const torch::Tensor x = torch::randn({10, 13, 9}) * 3.0 - 2.0;
  const std::vector<float> in = flat(x);
  const std::vector<float> out = tflite::run_batch(m, in, 10, {}, 1);
  const std::vector<float> expected = flat(run_folded(folded, x));
  ASSERT_EQ(out.size(), expected.size());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], expected[i], 1e-4);
  const auto meta = tflite::find_metadata(m, "test");
  ASSERT_TRUE(meta && meta->features);
  EXPECT_EQ(meta->task, "kws");
  EXPECT_EQ(meta->features->num_coefficients, 0);
  EXPECT_EQ(meta->labels.size(), 8u);
}

TEST(KwsExport, Int8FileAgreesWithTheFloatNetWithinQuantization) {
  for (KwsFamily f : {KwsFamily::Residual, KwsFamily::DsCnn}) {
    KwsNet net = trained_looking(tiny_kws_arch(f));
    const FoldedKws folded = net->fold();
    const torch::Tensor calibration = torch::randn({256, 13, 9}) * 3.0 - 2.0;
    const tflite::ModelDef m =
        export_kws(folded, dsp::FeatureOptions{}, KwsWeightFormat::Int8, calibrate(folded, calibration));
    EXPECT_EQ(m.operators.front().opcode, static_cast<int32_t>(tflite::BuiltinOp::Quantize));
    EXPECT_EQ(m.operators.back().opcode, static_cast<int32_t>(tflite::BuiltinOp::Dequantize));
    const torch::Tensor x = torch::randn({32, 13, 9}) * 3.0 - 2.0;
    const std::vector<float> out = tflite::run_batch(m, flat(x), 32, {}, 1);
    const std::vector<float> expected = flat(run_folded(folded, x));
    // Tolerance: a few output quantization steps (8 bits over the logits' range) per value.
    const float range = *std::max_element(expected.begin(), expected.end()) - *std::min_element(expected.begin(), expected.end());
    double err = 0.0;
    for (size_t i = 0; i < out.size(); ++i) err = std::max(err, static_cast<double>(std::fabs(out[i] - expected[i])));
    EXPECT_LT(err, 0.08 * range) << kws_family_name(f);
  }
}

uint32_t bits_of(float f) {
  uint32_t b = 0;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

TEST(KwsExport, ShortScalesRoundUpToEightSignificantBits) {
  EXPECT_EQ(short_scale(0.5f), 0.5f);                 // already short
  EXPECT_EQ(short_scale(1.0f + 0x1p-7f), 1.0f + 0x1p-7f);
  EXPECT_EQ(short_scale(1.0f + 0x1p-20f), 1.0f + 0x1p-7f);  // up, never down
  EXPECT_EQ(short_scale(2.0f - 0x1p-20f), 2.0f);      // the carry moves into the exponent
  for (float s : {0.0123f, 3.7e-5f, 0.9991f, 1.7e3f}) {
    const float t = short_scale(s);
    EXPECT_GE(t, s);
    EXPECT_LE(t, s * (1.0f + 1.0f / 128.0f));
    EXPECT_EQ(bits_of(t) & 0xffffu, 0u);
  }
  EXPECT_EQ(short_scale(0.0f), 0.0f);
}

TEST(KwsExport, Int8WeightScalesAreShort) {
  KwsNet net = trained_looking(tiny_kws_arch(KwsFamily::Residual));
  const FoldedKws folded = net->fold();
  const tflite::ModelDef m = export_kws(folded, dsp::FeatureOptions{}, KwsWeightFormat::Int8,
                                        calibrate(folded, torch::randn({64, 13, 9})));
  int checked = 0;
  for (const auto& t : m.tensors) {
    if (t.type != tflite::DType::Int8 || t.buffer == 0) continue;  // constant int8 tensors: the weights
    for (float s : t.quant.scale) {
      EXPECT_EQ(bits_of(s) & 0xffffu, 0u);
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
}

// Pruning can leave a channel with a few tiny weights next to a large bias: bias / (input scale x
// max|w| / 127) would overflow int32 (the interpreter refuses such a file). The export widens that
// channel's weight scale instead, and the file still computes the folded net.
TEST(KwsExport, TinyWeightsBesideALargeBiasKeepTheBiasInRange) {
  KwsNet net = trained_looking(tiny_kws_arch(KwsFamily::Residual));
  FoldedKws folded = net->fold();
  FoldedLayer* conv = nullptr;
  for (FoldedLayer& l : folded.layers)
    if (!conv && l.kind == LayerKind::Conv && l.kh == 1) conv = &l;
  ASSERT_NE(conv, nullptr);
  const size_t per_channel = conv->weights.size() / static_cast<size_t>(conv->out_channels);
  for (size_t i = 0; i < per_channel; ++i) conv->weights[i] = i == 0 ? 1e-9f : 0.0f;  // channel 0
  conv->bias[0] = 3.0f;
  const torch::Tensor calibration = torch::randn({256, 13, 9}) * 3.0 - 2.0;
  const tflite::ModelDef m = export_kws(folded, dsp::FeatureOptions{}, KwsWeightFormat::Int8, calibrate(folded, calibration));
  const torch::Tensor x = torch::randn({16, 13, 9}) * 3.0 - 2.0;
  const std::vector<float> out = tflite::run_batch(m, flat(x), 16, {}, 1);  // would throw: bias out of range
  const std::vector<float> expected = flat(run_folded(folded, x));
  const float range = *std::max_element(expected.begin(), expected.end()) - *std::min_element(expected.begin(), expected.end());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], expected[i], 0.08 * range);
}

TEST(KwsExport, RejectsMissingRanges) {
  KwsNet net = trained_looking(tiny_kws_arch(KwsFamily::DsCnn));
  EXPECT_THROW(export_kws(net->fold(), {}, KwsWeightFormat::Int8, {}), Error);
}

}  // namespace
}  // namespace tinyfit::models
