#include "dsp/mfcc.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"

namespace tinyfit::dsp {

std::vector<float> mfcc_dct_matrix(int num_mel_bins, int num_coefficients) {
  const double n_mel = num_mel_bins;
  const double scale = 2.0 / std::sqrt(2.0 * n_mel);
  std::vector<float> dct(static_cast<size_t>(num_coefficients) * num_mel_bins);
  for (int k = 0; k < num_coefficients; ++k) {
    for (int n = 0; n < num_mel_bins; ++n) {
      dct[static_cast<size_t>(k) * num_mel_bins + n] =
          static_cast<float>(scale * std::cos(std::numbers::pi * k * (2.0 * n + 1.0) / (2.0 * n_mel)));
    }
  }
  return dct;
}

Mfcc::Mfcc(int num_mel_bins, int num_coefficients)
    : num_mel_bins_(num_mel_bins), num_coefficients_(num_coefficients) {
  if (num_mel_bins < 1) throw Error("MFCC num_mel_bins " + std::to_string(num_mel_bins) + " must be at least 1");
  if (num_coefficients < 1 || num_coefficients > num_mel_bins || num_coefficients > kMaxCoefficients) {
    throw Error("MFCC num_coefficients " + std::to_string(num_coefficients) + " must be between 1 and num_mel_bins (" +
                std::to_string(num_mel_bins) + ") and at most " + std::to_string(kMaxCoefficients));
  }
  // Stored transposed ([mel][coefficient]) for apply().
  const std::vector<float> dct = mfcc_dct_matrix(num_mel_bins, num_coefficients);
  dct_t_.resize(dct.size());
  for (int k = 0; k < num_coefficients; ++k) {
    for (int n = 0; n < num_mel_bins; ++n) dct_t_[n * num_coefficients + k] = dct[k * num_mel_bins + n];
  }
}

void Mfcc::apply(float* mel, float* out) const {
  // Accumulate across mel bins for all coefficients at once (independent sums vectorise), in
  // double: c0 sums 40 terms of the same sign, and float accumulation was off by 3e-5 there.
  const int k_count = num_coefficients_;
  double acc[kMaxCoefficients];
  std::fill_n(acc, k_count, 0.0);
  log_mel_in_place(mel, num_mel_bins_);
  for (int n = 0; n < num_mel_bins_; ++n) {
    const double log_mel = mel[n];
    const float* column = dct_t_.data() + static_cast<size_t>(n) * k_count;
    for (int k = 0; k < k_count; ++k) acc[k] += column[k] * log_mel;
  }
  for (int k = 0; k < k_count; ++k) out[k] = static_cast<float>(acc[k]);
}

void log_mel_in_place(float* mel, int n) {
  for (int m = 0; m < n; ++m) mel[m] = std::log(mel[m] + kLogMelOffset);
}

}  // namespace tinyfit::dsp
