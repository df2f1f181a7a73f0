#include "dsp/mel.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace tinyfit::dsp {
namespace {

// Weight of spectrum bin k in band m, in the mel domain as TF computes it.
double triangle(double bin_mel, double left, double centre, double right) {
  const double rising = (bin_mel - left) / (centre - left);
  const double falling = (right - bin_mel) / (right - centre);
  return std::max(0.0, std::min(rising, falling));
}

// Mel of every spectrum bin and the num_mel_bins + 2 band edges.
struct MelGrid {
  std::vector<double> bin_mel;
  std::vector<double> edges;
};

MelGrid mel_grid(int num_mel_bins, int num_spectrum_bins, double sample_rate, double lower_hz,
                 double upper_hz) {
  validate_mel_parameters(num_mel_bins, num_spectrum_bins, sample_rate, lower_hz, upper_hz);
  MelGrid g;
  const double nyquist = sample_rate / 2.0;
  g.bin_mel.resize(num_spectrum_bins);
  for (int k = 0; k < num_spectrum_bins; ++k) {
    g.bin_mel[k] = hz_to_mel(nyquist * k / (num_spectrum_bins - 1));
  }
  const double lo = hz_to_mel(lower_hz);
  const double hi = hz_to_mel(upper_hz);
  g.edges.resize(num_mel_bins + 2);
  for (int i = 0; i < num_mel_bins + 2; ++i) g.edges[i] = lo + (hi - lo) * i / (num_mel_bins + 1);
  return g;
}

}  // namespace

double hz_to_mel(double hz) { return 1127.0 * std::log1p(hz / 700.0); }

void validate_mel_parameters(int num_mel_bins, int num_spectrum_bins, double sample_rate, double lower_hz,
                             double upper_hz) {
  std::ostringstream why;
  if (num_mel_bins < 1) {
    why << "num_mel_bins " << num_mel_bins << " must be at least 1";
  } else if (num_spectrum_bins < 2) {
    why << "the spectrum has " << num_spectrum_bins << " bins; a mel matrix needs at least 2";
  } else if (!(sample_rate > 0)) {
    why << "sample_rate " << sample_rate << " must be positive";
  } else if (!(lower_hz >= 0)) {
    why << "lower_hz " << lower_hz << " must be non-negative";
  } else if (!(lower_hz < upper_hz)) {
    why << "lower_hz " << lower_hz << " must be below upper_hz " << upper_hz;
  } else if (upper_hz > sample_rate / 2.0) {
    why << "upper_hz " << upper_hz << " is above the Nyquist frequency " << sample_rate / 2.0
        << " Hz of sample_rate " << sample_rate;
  } else {
    return;
  }
  throw Error("invalid mel filterbank: " + why.str());
}

std::vector<float> linear_to_mel_weight_matrix(int num_mel_bins, int num_spectrum_bins, double sample_rate,
                                               double lower_hz, double upper_hz) {
  const MelGrid g = mel_grid(num_mel_bins, num_spectrum_bins, sample_rate, lower_hz, upper_hz);
  std::vector<float> w(static_cast<size_t>(num_spectrum_bins) * num_mel_bins, 0.0f);
  for (int k = 1; k < num_spectrum_bins; ++k) {  // k = 0 (DC) stays zero, as in TF
    for (int m = 0; m < num_mel_bins; ++m) {
      w[static_cast<size_t>(k) * num_mel_bins + m] =
          static_cast<float>(triangle(g.bin_mel[k], g.edges[m], g.edges[m + 1], g.edges[m + 2]));
    }
  }
  return w;
}

MelFilterbank::MelFilterbank(int num_mel_bins, int num_spectrum_bins, double sample_rate, double lower_hz,
                             double upper_hz)
    : num_spectrum_bins_(num_spectrum_bins) {
  const std::vector<float> dense =
      linear_to_mel_weight_matrix(num_mel_bins, num_spectrum_bins, sample_rate, lower_hz, upper_hz);
  bands_.reserve(num_mel_bins);
  for (int m = 0; m < num_mel_bins; ++m) {
    // A triangle is convex in mel and mel is monotonic in k, so its nonzero bins are contiguous.
    int first = -1;
    int last = -1;
    for (int k = 0; k < num_spectrum_bins; ++k) {
      if (dense[static_cast<size_t>(k) * num_mel_bins + m] != 0.0f) {
        if (first < 0) first = k;
        last = k;
      }
    }
    Band band{first < 0 ? 0 : first, first < 0 ? 0 : last - first + 1, static_cast<int>(weights_.size())};
    for (int k = band.first_bin; k < band.first_bin + band.count; ++k) {
      weights_.push_back(dense[static_cast<size_t>(k) * num_mel_bins + m]);
    }
    bands_.push_back(band);
  }
}

void MelFilterbank::apply(const float* spectrum, float* mel) const {
  for (const Band& band : bands_) {
    const float* s = spectrum + band.first_bin;
    const float* w = weights_.data() + band.offset;
    float sum = 0.0f;
    for (int i = 0; i < band.count; ++i) sum += s[i] * w[i];
    *mel++ = sum;
  }
}

}  // namespace tinyfit::dsp
