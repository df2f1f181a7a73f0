#include "dsp/latency_stages.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "core/error.hpp"

namespace tinyfit::dsp {

FeatureStages::FeatureStages(const FeatureOptions& options, int input_rate, size_t input_samples)
    : extractor_(options, input_rate, input_samples),
      stft_(options.frame_length, options.frame_step),
      workspace_(stft_.make_workspace()) {
  // extractor_ has accepted the rates, so one is an integer multiple of the other; Resampler
  // reduces the pair by their gcd to the same up/down FeatureExtractor uses.
  if (input_rate != options.sample_rate) resampler_.emplace(options.sample_rate, input_rate);
  signal_.resize(resampler_ ? resampler_->output_length(input_samples) : input_samples);
  const size_t frames = stft_.num_frames(signal_.size());
  const int bins = stft_.num_bins();
  magnitude_.resize(frames * static_cast<size_t>(bins));
  if (options.resize > 0) {
    resizer_.emplace(static_cast<int>(frames), bins, options.resize, options.resize);
    frames_ = resizer_->used_rows();
  } else {
    mel_.emplace(options.num_mel_bins, bins, options.sample_rate, options.lower_hz, options.upper_hz);
    if (options.num_coefficients > 0) mfcc_.emplace(options.num_mel_bins, options.num_coefficients);
    mel_scratch_.resize(static_cast<size_t>(options.num_mel_bins));
    frames_.resize(frames);
    std::iota(frames_.begin(), frames_.end(), 0);
  }
}

void FeatureStages::resample(std::span<const float> audio) {
  if (audio.size() != extractor_.input_samples()) {
    throw Error("feature stages were built for " + std::to_string(extractor_.input_samples()) +
                " samples but got " + std::to_string(audio.size()));
  }
  if (resampler_) {
    resampler_->process(audio, std::span<double>(signal_));
  } else {
    // Exact widening: Stft gives the same result for a float frame and the same values as double.
    std::copy(audio.begin(), audio.end(), signal_.begin());
  }
}

void FeatureStages::stft() {
  const size_t bins = static_cast<size_t>(stft_.num_bins());
  const size_t step = static_cast<size_t>(stft_.frame_step());
  for (int f : frames_) {
    const size_t frame = static_cast<size_t>(f);
    stft_.frame_magnitude(signal_.data() + frame * step, magnitude_.data() + frame * bins, workspace_);
  }
}

void FeatureStages::finish(std::span<float> out) {
  if (out.size() != output_size()) {
    throw Error("feature output buffer holds " + std::to_string(out.size()) + " values, expected " +
                std::to_string(output_size()));
  }
  if (resizer_) return resizer_->resize(magnitude_, out);
  const size_t bins = static_cast<size_t>(stft_.num_bins());
  const int columns = mfcc_ ? mfcc_->num_coefficients() : mel_->num_mel_bins();
  for (int f : frames_) {
    const size_t frame = static_cast<size_t>(f);
    float* row = out.data() + frame * static_cast<size_t>(columns);
    if (mfcc_) {
      mel_->apply(magnitude_.data() + frame * bins, mel_scratch_.data());
      mfcc_->apply(mel_scratch_.data(), row);
    } else {  // log-mel (--coeff 0)
      mel_->apply(magnitude_.data() + frame * bins, row);
      log_mel_in_place(row, columns);
    }
  }
}

}  // namespace tinyfit::dsp
