// train_kws on tiny synthetic feature maps: it learns a separable task, and the same seed gives the
// same model bytes (weights, augmentation and calibration are all seeded).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/writer.hpp"
#include "train/kws_job.hpp"
#include "train/synthetic_kws.hpp"

namespace tinyfit::train {
namespace {


TEST(KwsJob, LearnsASeparableTaskAndExportsBothForms) {
  const dsp::SplitFeatures train = synthetic(256, 1), val = synthetic(64, 2);
  dsp::FeatureOptions features;
  features.num_coefficients = 0;
  const KwsJobResult r = train_kws(train, val, features, kSilence, tiny_options(1, 12));
  EXPECT_GT(r.val_accuracy, 60.0);
  EXPECT_NEAR(r.val_accuracy_folded, r.val_accuracy, 2.0);
  EXPECT_EQ(r.training.history.size(), 12u);
  EXPECT_EQ(r.ranges.size(), r.folded.layers.size() + 1);
  // The int8 file runs in the interpreter and classifies like the float net on most clips.
  const std::vector<float> scores = tflite::run_batch(r.int8_model, val.values, val.size(), {}, 1);
  size_t correct = 0;
  for (size_t i = 0; i < val.size(); ++i) {
    const float* s = scores.data() + i * 8;
    correct += std::max_element(s, s + 8) - s == val.labels[i];
  }
  EXPECT_NEAR(100.0 * correct / val.size(), r.val_accuracy, 10.0);
}

TEST(KwsJob, QatFineTuneExportsAnInt8ModelThatStillClassifies) {
  const dsp::SplitFeatures train = synthetic(256, 1), val = synthetic(64, 2);
  KwsJobOptions o = tiny_options(1, 8);
  o.qat_epochs = 2;
  int qat_reports = 0;
  const KwsJobResult r = train_kws(train, val, {}, kSilence, o, {}, [&](const EpochReport&) { ++qat_reports; });
  ASSERT_TRUE(r.qat);
  EXPECT_EQ(qat_reports, 2);
  EXPECT_EQ(r.qat_training.history.size(), 2u);
  EXPECT_EQ(r.qat_ranges.size(), r.ranges.size());
  EXPECT_EQ(r.qat_folded.parameters(), r.folded.parameters());
  // The fine-tuned file classifies as well as its fake-quantized validation score says (up to the
  // few clips where rounding inside the file differs from the fake quantization).
  const std::vector<float> scores = tflite::run_batch(r.qat_model, val.values, val.size(), {}, 1);
  size_t correct = 0;
  for (size_t i = 0; i < val.size(); ++i) {
    const float* s = scores.data() + i * 8;
    correct += std::max_element(s, s + 8) - s == val.labels[i];
  }
  const double best = r.qat_training.history[static_cast<size_t>(r.qat_training.best_epoch - 1)].val_accuracy;
  EXPECT_NEAR(100.0 * correct / val.size(), best, 5.0);
}

TEST(KwsJob, GainAugmentationKeepsLogMelTrainingWorking) {
  const dsp::SplitFeatures train = synthetic(256, 1), val = synthetic(64, 2);
  dsp::FeatureOptions log_mel;
  log_mel.num_coefficients = 0;
  KwsJobOptions o = tiny_options(1, 12);
  o.augment.gain_db = 6.0;
  const KwsJobResult r = train_kws(train, val, log_mel, kSilence, o);
  EXPECT_GT(r.val_accuracy, 60.0);
}

// Fraction of exact zeros in each folded layer with weights after the stem (what pruning touches).
std::vector<double> zero_fractions(const models::FoldedKws& net) {
  std::vector<double> z;
  for (size_t i = 1; i < net.layers.size(); ++i) {
    const auto& w = net.layers[i].weights;
    if (w.empty()) continue;
    z.push_back(static_cast<double>(std::count(w.begin(), w.end(), 0.0f)) / static_cast<double>(w.size()));
  }
  return z;
}

TEST(KwsJob, PruningLeavesEachTensorAtTheTargetSparsityThroughFoldingAndQat) {
  const dsp::SplitFeatures train = synthetic(256, 1), val = synthetic(64, 2);
  KwsJobOptions o = tiny_options(1, 10);
  o.pruning.sparsity = 0.5;
  o.pruning.begin = 0.1;
  o.pruning.end = 0.5;
  o.pruning.frequency = 2;
  o.qat_epochs = 2;
  const KwsJobResult r = train_kws(train, val, {}, kSilence, o);
  EXPECT_GT(r.val_accuracy, 60.0);
  // Checkpoints before the end of the schedule (epoch 5 of 10) are not candidates.
  EXPECT_GE(r.training.best_epoch, 5);
  EXPECT_NEAR(r.sparsity, 0.5, 0.02);
  for (double z : zero_fractions(r.folded)) EXPECT_GE(z, 0.49);
  // QAT trains the folded weights again but keeps the pruned ones at zero.
  ASSERT_TRUE(r.qat);
  for (double z : zero_fractions(r.qat_folded)) EXPECT_GE(z, 0.49);
  // Without pruning, no tensor has zeros to speak of.
  const KwsJobResult dense = train_kws(train, val, {}, kSilence, tiny_options(1, 2));
  for (double z : zero_fractions(dense.folded)) EXPECT_LT(z, 0.05);
}

TEST(KwsJob, SameSeedSameBytes) {
  const dsp::SplitFeatures train = synthetic(64, 1), val = synthetic(16, 2);
  const auto bytes = [&](uint64_t seed) {
    return tflite::write_model(train_kws(train, val, {}, kSilence, tiny_options(seed, 2)).int8_model);
  };
  const auto a = bytes(5);
  EXPECT_EQ(a, bytes(5));
  EXPECT_NE(a, bytes(6));
}

// One-second tones, one frequency per class, and their MFCC features (49 x 10): a task whose
// waveforms are at hand, for the noise augmentation.
struct Tones {
  data::ClipSet clips;
  dsp::SplitFeatures features;
};

Tones tones(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> amplitude(0.05f, 0.5f);
  const dsp::FeatureOptions options;
  const dsp::FeatureExtractor extractor(options, data::kClipSampleRate, data::kClipSamples);
  Tones t;
  t.features.rows = extractor.output_shape()[0];
  t.features.cols = extractor.output_shape()[1];
  std::vector<float> map(extractor.output_size());
  for (size_t i = 0; i < count; ++i) {
    const int label = static_cast<int>(i % 8);
    const float a = amplitude(rng);
    for (size_t k = 0; k < data::kClipSamples; ++k)
      t.clips.samples.push_back(a * std::sin(2.0f * 3.14159265f * (300.0f + 250.0f * label) * k / 16000.0f));
    extractor.compute(t.clips.clip(i), map);
    t.features.values.insert(t.features.values.end(), map.begin(), map.end());
    t.features.labels.push_back(label);
    t.clips.labels.push_back(label);
    std::string key = "k";  // appended: GCC 12 warns falsely (-Wrestrict) on "k" + std::to_string(i)
    key += std::to_string(i);
    t.features.keys.push_back(key);
    t.clips.keys.push_back(key);
  }
  return t;
}

TEST(KwsJob, NoiseAugmentationRecomputesNoisyClipsFeatures) {
  const Tones train = tones(48, 1), val = tones(16, 2);
  const std::vector<float> silence(static_cast<size_t>(train.features.cols), -13.8f);
  KwsJobOptions o = tiny_options(1, 2);
  o.arch.stem_kh = 3, o.arch.stem_kw = 3, o.arch.stem_stride_h = 2, o.arch.stem_stride_w = 2;
  const KwsJobResult clean = train_kws(train.features, val.features, {}, silence, o);
  o.augment.noise_prob = 1.0;
  o.augment.noise_snr_low = o.augment.noise_snr_high = 0.0;  // as loud as the tone: the batches change
  EXPECT_THROW(train_kws(train.features, val.features, {}, silence, o), Error);  // no waveforms given
  o.train_clips = &train.clips;
  const KwsJobResult noisy = train_kws(train.features, val.features, {}, silence, o);
  EXPECT_NE(noisy.training.history.back().train_loss, clean.training.history.back().train_loss);
  // Seeded: the same noise again.
  EXPECT_EQ(noisy.training.history.back().train_loss,
            train_kws(train.features, val.features, {}, silence, o).training.history.back().train_loss);
  // Clips that are not the training features' (another order) are refused.
  data::ClipSet shuffled = train.clips;
  std::swap(shuffled.keys[0], shuffled.keys[1]);
  o.train_clips = &shuffled;
  EXPECT_THROW(train_kws(train.features, val.features, {}, silence, o), Error);
}

TEST(KwsJob, RejectsMismatchedSplits) {
  dsp::SplitFeatures val = synthetic(16, 2);
  val.cols = 4;
  EXPECT_THROW(train_kws(synthetic(16, 1), val, {}, kSilence, tiny_options(1, 1)), Error);
}

}  // namespace
}  // namespace tinyfit::train
