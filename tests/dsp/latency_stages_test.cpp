#include "dsp/latency_stages.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "dsp/features.hpp"

namespace tinyfit::dsp {

// The staged front end (used by `tinyfit latency` to clock each stage) must produce exactly what
// FeatureExtractor does, for MFCC, log-mel (--coeff 0) and resize, from 48 kHz input.
TEST(FeatureStages, MatchExtractorBitForBit) {
  std::vector<float> audio(48000);
  for (size_t i = 0; i < audio.size(); ++i) audio[i] = 0.3f * std::sin(0.01f * static_cast<float>(i * (i % 7 + 1)));
  FeatureOptions mfcc, log_mel, resized;
  log_mel.num_coefficients = 0;
  resized.frame_length = 256;
  resized.frame_step = 128;
  resized.resize = 32;
  for (const FeatureOptions& o : {mfcc, log_mel, resized}) {
    FeatureStages stages(o, 48000, audio.size());
    FeatureExtractor extractor(o, 48000, audio.size());
    std::vector<float> staged(stages.output_size()), direct(extractor.output_size());
    stages.resample(audio);
    stages.stft();
    stages.finish(staged);
    extractor.compute(audio, direct);
    EXPECT_EQ(staged, direct) << o.describe();
  }
}

}  // namespace tinyfit::dsp
