// MFCCs from mel energies as tf.signal.mfccs_from_log_mel_spectrograms computes them from
// ln(mel + 1e-6): an unnormalised DCT-II (X_k = 2 sum_n x_n cos(pi k (2n + 1) / 2N)) scaled by
// 1/sqrt(2N), N = num_mel_bins, keeping the first num_coefficients.
#pragma once

#include <vector>

namespace tinyfit::dsp {

inline constexpr float kLogMelOffset = 1e-6f;  // added before the log so silence stays finite
inline constexpr int kMaxCoefficients = 128;

// [num_coefficients][num_mel_bins]: 2 cos(pi k (2n + 1) / (2N)) / sqrt(2N), computed in double.
std::vector<float> mfcc_dct_matrix(int num_mel_bins, int num_coefficients);

// Log-mel features (what `--coeff 0` selects): mel[i] = ln(mel[i] + kLogMelOffset) in place, as
// tf.math.log computes it; the MFCC's input without the DCT.
void log_mel_in_place(float* mel, int n);

class Mfcc {
 public:
  // Throws Error unless 1 <= num_coefficients <= min(num_mel_bins, kMaxCoefficients).
  Mfcc(int num_mel_bins, int num_coefficients);

  int num_mel_bins() const { return num_mel_bins_; }
  int num_coefficients() const { return num_coefficients_; }

  // Replaces mel[0..num_mel_bins) by ln(mel + 1e-6) in place, then writes out[0..num_coefficients).
  void apply(float* mel, float* out) const;

 private:
  int num_mel_bins_;
  int num_coefficients_;
  std::vector<float> dct_t_;  // mfcc_dct_matrix transposed: [num_mel_bins][num_coefficients]
};

}  // namespace tinyfit::dsp
