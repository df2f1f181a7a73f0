// The tiny synthetic KWS task the training tests share: 13 x 9 feature maps where class c lights up
// column c, a small residual net and settings that learn it in a few epochs.
#pragma once

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dsp/split_features.hpp"
#include "train/kws_job.hpp"

namespace tinyfit::train {

inline constexpr int kRows = 13, kCols = 9;

// Class c lights up column c (and noise elsewhere): learnable in a few epochs.
inline dsp::SplitFeatures synthetic(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.5f);
  dsp::SplitFeatures f;
  f.rows = kRows;
  f.cols = kCols;
  for (size_t i = 0; i < count; ++i) {
    const int label = static_cast<int>(i % 8);
    for (int r = 0; r < kRows; ++r)
      for (int c = 0; c < kCols; ++c) f.values.push_back(noise(rng) - 5.0f + (c == label ? 4.0f : 0.0f));
    f.labels.push_back(label);
    std::string key = "k";  // appended: GCC 12 warns falsely (-Wrestrict) on "k" + std::to_string(i)
    key += std::to_string(i);
    f.keys.push_back(std::move(key));
  }
  return f;
}

inline KwsJobOptions tiny_options(uint64_t seed, int epochs) {
  KwsJobOptions o;
  o.arch.channels = 8;
  o.arch.blocks = 1;
  o.trainer.epochs = epochs;
  o.trainer.batch_size = 32;
  o.trainer.lr = 1e-2;
  o.trainer.adamw = true;
  o.trainer.weight_decay = 1e-3;
  o.trainer.warmup_epochs = 1;
  o.trainer.label_smoothing = 0.1;
  o.trainer.seed = seed;
  o.trainer.threads = 1;  // tiny batches: a second thread only adds synchronisation (and waits on a busy machine)
  o.augment.time_shift = 2;
  o.augment.time_mask = 3;
  o.augment.freq_mask = 1;
  return o;
}

inline const std::vector<float> kSilence(kCols, -13.8f);

}  // namespace tinyfit::train
