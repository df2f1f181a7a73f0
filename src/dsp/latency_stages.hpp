// The feature front end split into its three stages, for `tinyfit latency` (spec §2 "Latency
// protocol"), which reports how the total time divides between them. FeatureExtractor interleaves
// the stages frame by frame, so it cannot be clocked per stage; this class runs the same stage
// objects (Resampler, Stft, MelFilterbank + Mfcc or BilinearResizer) over the whole clip one stage
// at a time and gives the same values bit for bit (same functions, same inputs, same order per
// value; `tinyfit latency` checks it against FeatureExtractor::compute after its timed runs).
// Buffers are allocated once, as a streaming device would keep them.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "dsp/features.hpp"

namespace tinyfit::dsp {

class FeatureStages {
 public:
  // Same contract as FeatureExtractor's constructor (it builds one to validate the options).
  FeatureStages(const FeatureOptions& options, int input_rate, size_t input_samples);

  std::array<int, 2> output_shape() const { return extractor_.output_shape(); }
  size_t output_size() const { return extractor_.output_size(); }
  const FeatureOptions& options() const { return extractor_.options(); }
  // The one-pass product path, for checking this class against it.
  const FeatureExtractor& extractor() const { return extractor_; }

  // Call in this order for each clip. Throws Error on a wrong audio or output size (checked before
  // any work, so that a timed caller only times the work).
  void resample(std::span<const float> audio);  // to the feature rate, kept in double as FeatureExtractor does
  void stft();                                  // |STFT| of every frame (resize: only the frames it reads)
  void finish(std::span<float> out);            // ln-mel + DCT per frame, or the bilinear resize

 private:
  FeatureExtractor extractor_;
  std::optional<Resampler> resampler_;
  Stft stft_;
  Stft::Workspace workspace_;
  std::optional<MelFilterbank> mel_;
  std::optional<Mfcc> mfcc_;
  std::optional<BilinearResizer> resizer_;
  std::vector<int> frames_;        // the frames stft() transforms
  std::vector<double> signal_;     // at the feature rate
  std::vector<float> magnitude_;   // [all frames][bins]; resize mode fills only frames_
  std::vector<float> mel_scratch_;
};

}  // namespace tinyfit::dsp
