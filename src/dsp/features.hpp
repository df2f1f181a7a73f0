// The audio front end of the product: raw clip -> (resample) -> |STFT| -> MFCC or resized image,
// with TensorFlow's tf.signal conventions (spec section 2 "Features").
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dsp/mel.hpp"
#include "dsp/mfcc.hpp"
#include "dsp/resample.hpp"
#include "dsp/resize.hpp"
#include "dsp/stft.hpp"

namespace tinyfit::dsp {

struct FeatureOptions {
  int sample_rate = 16000;      // rate features are computed at (input audio is resampled to it)
  int frame_length = 640;
  int frame_step = 320;
  int num_mel_bins = 40;
  double lower_hz = 20.0;
  double upper_hz = 4000.0;
  int num_coefficients = 10;    // MFCC coefficients kept; 0: log-mel (num_mel_bins columns, no DCT)
  int resize = 0;               // 0: MFCC. >0: |STFT| bilinearly resized to resize x resize (no mel)
  void validate() const;        // throws tinyfit::Error naming the bad field
  std::string describe() const; // e.g. "MFCC 16000 Hz, 640/320, 40 mel 20-4000 Hz, 10 coeff"
};

class FeatureExtractor {
 public:
  // input_rate: sample rate of the audio passed to compute(); input_samples: its length (16000 for
  // clips). input_rate must be an integer multiple or divisor of options.sample_rate. Throws Error
  // on bad options or when the (resampled) input is shorter than one frame.
  FeatureExtractor(const FeatureOptions& options, int input_rate, size_t input_samples);

  std::array<int, 2> output_shape() const;  // {frames, coefficients} or {resize, resize}
  size_t output_size() const;
  // Thread-safe (const, no shared mutable state): resample if needed, STFT, then MFCC or resize.
  // audio.size() must be input_samples and out.size() output_size() (throws Error otherwise).
  void compute(std::span<const float> audio, std::span<float> out) const;
  const FeatureOptions& options() const { return options_; }

  int input_rate() const { return input_rate_; }
  size_t input_samples() const { return input_samples_; }

 private:
  // Sample is float (audio already at the feature rate) or double (resampled audio, kept unrounded).
  template <typename Sample>
  void compute_mfcc(std::span<const Sample> signal, std::span<float> out) const;
  template <typename Sample>
  void compute_resized(std::span<const Sample> signal, std::span<float> out) const;
  template <typename Sample>
  void compute_from(std::span<const Sample> signal, std::span<float> out) const;

  FeatureOptions options_;
  int input_rate_;
  size_t input_samples_;
  size_t samples_;  // at options_.sample_rate
  std::optional<Resampler> resampler_;
  Stft stft_;
  size_t frames_;
  std::optional<MelFilterbank> mel_;
  std::optional<Mfcc> mfcc_;
  std::optional<BilinearResizer> resizer_;
  std::vector<int> used_frames_;  // resize mode: the STFT frames the resize reads
};

}  // namespace tinyfit::dsp
