#include "dsp/mel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "dsp/fixtures.hpp"
#include "dsp/stft.hpp"

namespace tinyfit::dsp {
namespace {

double mel_to_hz(double mel) { return 700.0 * (std::exp(mel / 1127.0) - 1.0); }

TEST(Mel, HtkScale) {
  EXPECT_DOUBLE_EQ(hz_to_mel(0.0), 0.0);
  EXPECT_NEAR(hz_to_mel(700.0), 1127.0 * std::log(2.0), 1e-12);
  EXPECT_NEAR(hz_to_mel(1000.0), 1000.0, 0.05);  // the HTK scale is ~1000 mel at 1 kHz
}

TEST(Mel, MatrixMatchesFloat64Reference) {
  const auto want = testing::load_fixture("mel_16k_321x40");
  ASSERT_EQ(want.rows, 321);
  ASSERT_EQ(want.cols, 40);
  const std::vector<float> got = linear_to_mel_weight_matrix(40, 321, 16000, 20.0, 4000.0);
  EXPECT_LE(testing::max_abs_diff(got, want.values), 1e-6);
}

TEST(Mel, MatrixShapeAndTriangles) {
  const int mel = 40, bins = 321;
  const std::vector<float> w = linear_to_mel_weight_matrix(mel, bins, 16000, 20.0, 4000.0);
  ASSERT_EQ(w.size(), static_cast<size_t>(mel * bins));
  for (int m = 0; m < mel; ++m) EXPECT_EQ(w[m], 0.0f) << "DC row must be zero";
  for (float v : w) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
  // Above upper_hz (4000 Hz = bin 160) every weight is zero; each band has a nonzero peak < 1.
  for (int k = 161; k < bins; ++k) {
    for (int m = 0; m < mel; ++m) EXPECT_EQ(w[k * mel + m], 0.0f);
  }
  for (int m = 0; m < mel; ++m) {
    float peak = 0.0f;
    for (int k = 0; k < bins; ++k) peak = std::max(peak, w[k * mel + m]);
    EXPECT_GT(peak, 0.3f) << m;
  }
}

TEST(Mel, SparseApplyEqualsDenseProduct) {
  const int mel = 40, bins = 257;
  const std::vector<float> w = linear_to_mel_weight_matrix(mel, bins, 8000, 20.0, 4000.0);
  const MelFilterbank bank(mel, bins, 8000, 20.0, 4000.0);
  std::vector<float> spectrum(bins);
  for (int k = 0; k < bins; ++k) spectrum[k] = static_cast<float>(1.0 + std::sin(0.37 * k));
  std::vector<float> got(mel);
  bank.apply(spectrum.data(), got.data());
  for (int m = 0; m < mel; ++m) {
    double want = 0.0;
    for (int k = 0; k < bins; ++k) want += static_cast<double>(spectrum[k]) * w[k * mel + m];
    EXPECT_NEAR(got[m], want, 1e-5 * std::max(1.0, want)) << m;
  }
}

TEST(Mel, ToneAtBandCentreLandsInThatBand) {
  const int sr = 16000, length = 640, mel = 40;
  const double lo = hz_to_mel(20.0), hi = hz_to_mel(4000.0);
  const Stft stft(length, length / 2);
  const MelFilterbank bank(mel, stft.num_bins(), sr, 20.0, 4000.0);
  for (int band : {8, 20, 33}) {
    const double hz = mel_to_hz(lo + (hi - lo) * (band + 1) / (mel + 1));
    std::vector<float> x(sr);
    for (int n = 0; n < sr; ++n) x[n] = static_cast<float>(0.3 * std::sin(2.0 * std::numbers::pi * hz * n / sr));
    const std::vector<float> mag = stft.magnitude(x);
    std::vector<float> energies(mel);
    bank.apply(mag.data() + 10 * stft.num_bins(), energies.data());
    EXPECT_EQ(std::max_element(energies.begin(), energies.end()) - energies.begin(), band) << hz << " Hz";
  }
}

TEST(Mel, RejectsBadParameters) {
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { MelFilterbank(40, 161, 8000, 20.0, 4001.0); }).find("Nyquist"), std::string::npos);
  EXPECT_NE(message([] { MelFilterbank(40, 321, 16000, 500.0, 400.0); }).find("lower_hz"), std::string::npos);
  EXPECT_NE(message([] { MelFilterbank(0, 321, 16000, 20.0, 4000.0); }).find("num_mel_bins"), std::string::npos);
  EXPECT_NO_THROW(MelFilterbank(40, 161, 8000, 20.0, 4000.0));  // upper edge at Nyquist is fine
}

}  // namespace
}  // namespace tinyfit::dsp
