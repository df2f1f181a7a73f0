#include "dsp/features.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace tinyfit::dsp {
namespace {

constexpr int kMaxResize = 4096;

[[noreturn]] void bad_field(const std::string& field, const std::string& why) {
  throw Error("invalid feature option " + field + ": " + why);
}

const FeatureOptions& validated(const FeatureOptions& options) {
  options.validate();
  return options;
}

// up/down taking input_rate to sample_rate; only integer factors are accepted (spec: polyphase
// decimation by an integer factor), so the anti-alias filter stays short and the latency path cheap.
std::array<int, 2> rate_ratio(int input_rate, int sample_rate) {
  if (input_rate <= 0) throw Error("input sample rate " + std::to_string(input_rate) + " Hz must be positive");
  if (input_rate % sample_rate == 0) return {1, input_rate / sample_rate};
  if (sample_rate % input_rate == 0) return {sample_rate / input_rate, 1};
  throw Error("cannot resample " + std::to_string(input_rate) + " Hz audio to the feature rate " +
              std::to_string(sample_rate) + " Hz: one rate must be an integer multiple of the other");
}

}  // namespace

void FeatureOptions::validate() const {
  if (sample_rate <= 0) bad_field("sample_rate", std::to_string(sample_rate) + " Hz must be positive");
  if (frame_length < 2 || frame_length > 65536) {
    bad_field("frame_length", std::to_string(frame_length) + " must be between 2 and 65536 samples");
  }
  if (frame_step < 1) bad_field("frame_step", std::to_string(frame_step) + " must be at least 1 sample");
  if (resize < 0 || resize > kMaxResize) {
    bad_field("resize", std::to_string(resize) + " must be 0 (MFCC) or between 1 and " + std::to_string(kMaxResize));
  }
  if (resize > 0) return;  // the mel/MFCC fields are unused
  if (num_mel_bins < 1) bad_field("num_mel_bins", std::to_string(num_mel_bins) + " must be at least 1");
  std::ostringstream s;
  if (!(lower_hz >= 0)) {
    s << lower_hz << " Hz must be non-negative";
    bad_field("lower_hz", s.str());
  }
  if (!(upper_hz > lower_hz)) {
    s << upper_hz << " Hz must be above lower_hz (" << lower_hz << " Hz)";
    bad_field("upper_hz", s.str());
  }
  if (upper_hz > sample_rate / 2.0) {
    s << upper_hz << " Hz is above the Nyquist frequency (" << sample_rate / 2.0 << " Hz) of sample_rate "
      << sample_rate;
    bad_field("upper_hz", s.str());
  }
  if (num_coefficients < 0 || num_coefficients > num_mel_bins || num_coefficients > kMaxCoefficients) {
    bad_field("num_coefficients", std::to_string(num_coefficients) + " must be 0 (log-mel) or between 1 and num_mel_bins (" +
                                      std::to_string(num_mel_bins) + "), at most " +
                                      std::to_string(kMaxCoefficients));
  }
}

std::string FeatureOptions::describe() const {
  std::ostringstream s;
  if (resize > 0) {
    s << "STFT " << sample_rate << " Hz, " << frame_length << "/" << frame_step << ", resized " << resize << "x"
      << resize;
  } else if (num_coefficients == 0) {
    s << "log-mel " << sample_rate << " Hz, " << frame_length << "/" << frame_step << ", " << num_mel_bins << " mel "
      << lower_hz << "-" << upper_hz << " Hz";
  } else {
    s << "MFCC " << sample_rate << " Hz, " << frame_length << "/" << frame_step << ", " << num_mel_bins << " mel "
      << lower_hz << "-" << upper_hz << " Hz, " << num_coefficients << " coeff";
  }
  return s.str();
}

FeatureExtractor::FeatureExtractor(const FeatureOptions& options, int input_rate, size_t input_samples)
    : options_(validated(options)),
      input_rate_(input_rate),
      input_samples_(input_samples),
      stft_(options.frame_length, options.frame_step) {
  const auto [up, down] = rate_ratio(input_rate, options.sample_rate);
  if (up != 1 || down != 1) resampler_.emplace(up, down);
  samples_ = resampler_ ? resampler_->output_length(input_samples) : input_samples;
  frames_ = stft_.num_frames(samples_);
  if (frames_ == 0) {
    throw Error("frame_length " + std::to_string(options.frame_length) + " is longer than the audio: " +
                std::to_string(input_samples) + " samples at " + std::to_string(input_rate) + " Hz give " +
                std::to_string(samples_) + " samples at " + std::to_string(options.sample_rate) + " Hz");
  }
  const int bins = stft_.num_bins();
  if (options.resize > 0) {
    resizer_.emplace(static_cast<int>(frames_), bins, options.resize, options.resize);
    used_frames_ = resizer_->used_rows();
  } else {
    mel_.emplace(options.num_mel_bins, bins, options.sample_rate, options.lower_hz, options.upper_hz);
    if (options.num_coefficients > 0) mfcc_.emplace(options.num_mel_bins, options.num_coefficients);
  }
}

std::array<int, 2> FeatureExtractor::output_shape() const {
  if (resizer_) return {options_.resize, options_.resize};
  return {static_cast<int>(frames_), mfcc_ ? options_.num_coefficients : options_.num_mel_bins};
}

size_t FeatureExtractor::output_size() const {
  const auto shape = output_shape();
  return static_cast<size_t>(shape[0]) * static_cast<size_t>(shape[1]);
}

void FeatureExtractor::compute(std::span<const float> audio, std::span<float> out) const {
  if (audio.size() != input_samples_) {
    throw Error("feature extractor was built for " + std::to_string(input_samples_) + " samples but got " +
                std::to_string(audio.size()) + " (pad or trim clips first)");
  }
  if (out.size() != output_size()) {
    throw Error("feature output buffer holds " + std::to_string(out.size()) + " values, expected " +
                std::to_string(output_size()));
  }
  if (!resampler_) return compute_from(audio, out);
  // Kept in double up to the STFT: a loud clip's float32 rounding noise would reach the bins 90 dB
  // below its peak, where the log of the MFCC amplifies it (4.6e-4 error on 8 kHz test clips).
  std::vector<double> resampled(samples_);
  resampler_->process(audio, resampled);
  compute_from(std::span<const double>(resampled), out);
}

template <typename Sample>
void FeatureExtractor::compute_from(std::span<const Sample> signal, std::span<float> out) const {
  if (resizer_) {
    compute_resized(signal, out);
  } else {
    compute_mfcc(signal, out);
  }
}

template <typename Sample>
void FeatureExtractor::compute_mfcc(std::span<const Sample> signal, std::span<float> out) const {
  Stft::Workspace workspace = stft_.make_workspace();
  std::vector<float> magnitude(stft_.num_bins());
  std::vector<float> mel(mel_->num_mel_bins());
  const int columns = output_shape()[1];
  for (size_t f = 0; f < frames_; ++f) {
    stft_.frame_magnitude(signal.data() + f * stft_.frame_step(), magnitude.data(), workspace);
    float* row = out.data() + f * columns;
    if (mfcc_) {
      mel_->apply(magnitude.data(), mel.data());
      mfcc_->apply(mel.data(), row);
    } else {  // log-mel: the MFCC's input, ln(mel + 1e-6) as tf.math.log computes it, without the DCT
      mel_->apply(magnitude.data(), row);
      log_mel_in_place(row, columns);
    }
  }
}

template <typename Sample>
void FeatureExtractor::compute_resized(std::span<const Sample> signal, std::span<float> out) const {
  // Bilinear downscaling reads at most two frames per output row: skip the FFT of the others.
  Stft::Workspace workspace = stft_.make_workspace();
  const size_t bins = static_cast<size_t>(stft_.num_bins());
  std::vector<float> image(frames_ * bins);
  for (int f : used_frames_) {
    stft_.frame_magnitude(signal.data() + f * static_cast<size_t>(stft_.frame_step()), image.data() + f * bins,
                          workspace);
  }
  resizer_->resize(image, out);
}

}  // namespace tinyfit::dsp
