#include "dsp/stft.hpp"

#include <fftw3.h>

#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <string>

#include "core/error.hpp"

namespace tinyfit::dsp {
namespace {

constexpr int kMaxFrameLength = 65536;

// FFTW's planner is not thread-safe (execution is), so every planner call goes through this
// mutex. Plans are cached for the life of the process: few lengths are ever used, and never
// destroying them avoids races at static destruction. FFTW_ESTIMATE, not FFTW_MEASURE: a measured plan
// may pick another algorithm in the next process and change features in the last bit, and seeded
// runs must be reproducible (it costs ~30 % of the FFT time; the front end still meets its targets).
fftw_plan cached_r2c_plan(int length) {
  static std::mutex mutex;
  static auto* cache = new std::map<int, fftw_plan>();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache->find(length);
  if (it != cache->end()) return it->second;
  // Plan on buffers allocated like Workspace's, so new-array execution sees the same alignment.
  double* in = fftw_alloc_real(length);
  fftw_complex* out = fftw_alloc_complex(length / 2 + 1);
  fftw_plan plan = fftw_plan_dft_r2c_1d(length, in, out, FFTW_ESTIMATE);
  fftw_free(in);
  fftw_free(out);
  if (plan == nullptr) throw Error("FFTW could not plan a real FFT of length " + std::to_string(length));
  cache->emplace(length, plan);
  return plan;
}

// out[n] = frame[n] * window[n], in double.
template <typename Sample>
void apply_window(const Sample* __restrict frame, const double* __restrict window, int length,
                  double* __restrict out) {
  for (int n = 0; n < length; ++n) out[n] = frame[n] * window[n];
}

}  // namespace

std::vector<double> hann_window(int length) {
  std::vector<double> w(length);
  for (int n = 0; n < length; ++n) w[n] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * n / length);
  return w;
}

size_t num_frames(size_t num_samples, int frame_length, int frame_step) {
  const auto length = static_cast<size_t>(frame_length);
  if (frame_length <= 0 || frame_step <= 0 || num_samples < length) return 0;
  return 1 + (num_samples - length) / static_cast<size_t>(frame_step);
}

void Stft::Workspace::Free::operator()(double* p) const { fftw_free(p); }

Stft::Workspace::Workspace(int frame_length)
    : input_(fftw_alloc_real(frame_length)),
      spectrum_(reinterpret_cast<double*>(fftw_alloc_complex(frame_length / 2 + 1))) {
  if (!input_ || !spectrum_) throw Error("out of memory allocating FFT buffers");
}

Stft::Stft(int frame_length, int frame_step) : length_(frame_length), step_(frame_step) {
  if (frame_length < 2 || frame_length > kMaxFrameLength) {
    throw Error("STFT frame_length " + std::to_string(frame_length) + " must be between 2 and " +
                std::to_string(kMaxFrameLength));
  }
  if (frame_step < 1) throw Error("STFT frame_step " + std::to_string(frame_step) + " must be at least 1");
  window_ = hann_window(frame_length);
  plan_ = cached_r2c_plan(frame_length);
}

void Stft::frame_magnitude(const float* frame, float* magnitude, Workspace& workspace) const {
  apply_window(frame, window_.data(), length_, workspace.input());
  transform_windowed(magnitude, workspace);
}

void Stft::frame_magnitude(const double* frame, float* magnitude, Workspace& workspace) const {
  apply_window(frame, window_.data(), length_, workspace.input());
  transform_windowed(magnitude, workspace);
}

void Stft::transform_windowed(float* magnitude, Workspace& workspace) const {
  fftw_execute_dft_r2c(plan_, workspace.input(), reinterpret_cast<fftw_complex*>(workspace.spectrum()));
  const double* __restrict x = workspace.spectrum();
  const int bins = num_bins();
  for (int k = 0; k < bins; ++k) {
    const double re = x[2 * k];
    const double im = x[2 * k + 1];
    magnitude[k] = static_cast<float>(std::sqrt(re * re + im * im));
  }
}

void Stft::magnitude(std::span<const float> signal, std::span<float> out) const {
  const size_t frames = num_frames(signal.size());
  const size_t bins = static_cast<size_t>(num_bins());
  if (out.size() != frames * bins) {
    throw Error("STFT output buffer holds " + std::to_string(out.size()) + " values but " +
                std::to_string(signal.size()) + " samples give " + std::to_string(frames) + " frames x " +
                std::to_string(bins) + " bins");
  }
  Workspace workspace = make_workspace();
  for (size_t f = 0; f < frames; ++f) {
    frame_magnitude(signal.data() + f * step_, out.data() + f * bins, workspace);
  }
}

std::vector<float> Stft::magnitude(std::span<const float> signal) const {
  std::vector<float> out(num_frames(signal.size()) * num_bins());
  magnitude(signal, out);
  return out;
}

}  // namespace tinyfit::dsp
