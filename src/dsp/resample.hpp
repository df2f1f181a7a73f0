// Polyphase rational resampling, equivalent to scipy.signal.resample_poly(x, up, down) with its
// defaults: a Kaiser (beta 5) windowed-sinc low-pass of 2*10*max(up, down) + 1 taps, cutoff
// 1/max(up, down) of Nyquist, scaled to sum to `up`, zero padding outside the signal, and the same
// output length (ceil(n * up / down)) and alignment as scipy's upfirdn followed by its trimming.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tinyfit::dsp {

// The low-pass FIR resample_poly designs for up/down (pass them reduced by gcd, as Resampler does):
// 2 * 10 * max(up, down) + 1 taps summing to up. Throws Error unless 1 <= up, down <= 1000.
std::vector<double> resample_filter(int up, int down);

// Builds the polyphase filter once; process() is const and safe to call from many threads.
class Resampler {
 public:
  // Reduces up/down by their gcd. Throws Error unless both are positive and max(up, down) <= 1000.
  Resampler(int up, int down);

  int up() const { return up_; }
  int down() const { return down_; }
  // ceil(input_length * up / down), as scipy.
  size_t output_length(size_t input_length) const;

  // out.size() must equal output_length(in.size()) (throws Error otherwise). Only the kept outputs
  // are computed: output_length * (taps / up) multiply-adds, in double. Uses a per-thread scratch
  // buffer of about in.size() doubles that is kept for the next call.
  void process(std::span<const float> in, std::span<float> out) const;
  // Unrounded output, for a front end that keeps the signal in double up to the STFT: float
  // rounding of a loud signal is noise that shows in the quiet bins, and the log amplifies it there.
  void process(std::span<const float> in, std::span<double> out) const;
  std::vector<float> process(std::span<const float> in) const;

 private:
  // One nonzero tap of one output phase: weight, which decimation stream of the input it reads,
  // and where in that stream (relative to the lowest position any tap reads).
  struct Tap {
    double weight;
    int stream;
    int shift;
  };
  template <typename Sample>
  void process_into(std::span<const float> in, std::span<Sample> out) const;

  int up_ = 1;
  int down_ = 1;
  int max_shift_ = 0;              // largest Tap::shift
  long min_stream_pos_ = 0;        // stream position that Tap::shift 0 refers to, for output j = 0
  std::vector<Tap> taps_;          // grouped by output phase r = i mod up
  std::vector<int> phase_begin_;   // [up + 1]: taps_ of phase r are [phase_begin_[r], phase_begin_[r+1])
};

// One-shot convenience: Resampler(up, down).process(x). Returns a copy when up == down.
std::vector<float> resample_poly(std::span<const float> x, int up, int down);

}  // namespace tinyfit::dsp
