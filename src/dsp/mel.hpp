// Mel filterbank with TensorFlow's tf.signal.linear_to_mel_weight_matrix conventions: HTK mel scale,
// triangles computed in the mel domain, no area normalisation, DC bin zeroed.
#pragma once

#include <span>
#include <vector>

namespace tinyfit::dsp {

// HTK mel: 1127 ln(1 + hz / 700).
double hz_to_mel(double hz);

// Throws Error unless num_mel_bins >= 1, num_spectrum_bins >= 2, sample_rate > 0 and
// 0 <= lower_hz < upper_hz <= sample_rate / 2.
void validate_mel_parameters(int num_mel_bins, int num_spectrum_bins, double sample_rate, double lower_hz,
                             double upper_hz);

// Dense [num_spectrum_bins][num_mel_bins] matrix (TF layout), computed in double, stored as float.
// Spectrum bin k has frequency k * (sample_rate / 2) / (num_spectrum_bins - 1).
std::vector<float> linear_to_mel_weight_matrix(int num_mel_bins, int num_spectrum_bins, double sample_rate,
                                               double lower_hz, double upper_hz);

// The same matrix stored sparsely: each mel band keeps only its contiguous run of nonzero weights,
// so applying it costs about two multiply-adds per spectrum bin instead of num_mel_bins.
class MelFilterbank {
 public:
  MelFilterbank(int num_mel_bins, int num_spectrum_bins, double sample_rate, double lower_hz,
                double upper_hz);

  int num_mel_bins() const { return static_cast<int>(bands_.size()); }
  int num_spectrum_bins() const { return num_spectrum_bins_; }

  // mel[m] = sum_k spectrum[k] * W[k][m]; spectrum has num_spectrum_bins() values, mel num_mel_bins().
  void apply(const float* spectrum, float* mel) const;

 private:
  struct Band {
    int first_bin;  // first spectrum bin with a nonzero weight
    int count;      // number of bins from first_bin on (zero when the band is empty)
    int offset;     // into weights_
  };
  int num_spectrum_bins_;
  std::vector<Band> bands_;
  std::vector<float> weights_;
};

}  // namespace tinyfit::dsp
