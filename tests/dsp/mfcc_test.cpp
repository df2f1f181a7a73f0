#include "dsp/mfcc.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"

namespace tinyfit::dsp {
namespace {

TEST(Mfcc, DctMatrixIsScaledDctII) {
  const int n = 40;
  const std::vector<float> d = mfcc_dct_matrix(n, n);
  // Unnormalised DCT-II times 1/sqrt(2N) is orthonormal except that row 0 is sqrt(2) too large.
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double dot = 0.0;
      for (int k = 0; k < n; ++k) dot += static_cast<double>(d[i * n + k]) * d[j * n + k];
      const double want = i != j ? 0.0 : (i == 0 ? 2.0 : 1.0);
      EXPECT_NEAR(dot, want, 1e-6) << i << "," << j;
    }
  }
  EXPECT_NEAR(d[0], 2.0 / std::sqrt(80.0), 1e-7);
  EXPECT_NEAR(d[1 * n + 0], 2.0 / std::sqrt(80.0) * std::cos(M_PI / 80.0), 1e-7);
  EXPECT_EQ(mfcc_dct_matrix(40, 10).size(), 400u);
}

TEST(Mfcc, ConstantLogMelHasOnlyC0) {
  const int n = 40, k = 13;
  const Mfcc mfcc(n, k);
  const double log_value = -2.5;
  std::vector<float> mel(n, static_cast<float>(std::exp(log_value) - 1e-6));
  std::vector<float> out(k);
  mfcc.apply(mel.data(), out.data());
  EXPECT_NEAR(mel[3], log_value, 1e-6) << "apply leaves ln(mel + 1e-6) in mel";
  EXPECT_NEAR(out[0], log_value * std::sqrt(2.0 * n), 1e-4);
  for (int i = 1; i < k; ++i) EXPECT_NEAR(out[i], 0.0, 1e-5) << i;
}

TEST(Mfcc, SilenceUsesLogOffset) {
  const Mfcc mfcc(4, 2);
  std::vector<float> mel(4, 0.0f), out(2);
  mfcc.apply(mel.data(), out.data());
  EXPECT_NEAR(out[0], std::log(1e-6) * std::sqrt(8.0), 1e-4);
  EXPECT_NEAR(out[1], 0.0, 1e-5);
}

TEST(Mfcc, CosineLogMelHitsOneCoefficient) {
  // ln mel = cos(pi * 3 (2n + 1) / 2N) is DCT basis vector 3: only c3 = N / sqrt(2N) survives.
  const int n = 32;
  const Mfcc mfcc(n, 8);
  std::vector<float> mel(n), out(8);
  for (int i = 0; i < n; ++i) mel[i] = static_cast<float>(std::exp(std::cos(M_PI * 3 * (2 * i + 1) / (2.0 * n))) - 1e-6);
  mfcc.apply(mel.data(), out.data());
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(out[i], i == 3 ? n / std::sqrt(2.0 * n) : 0.0, 1e-5) << i;
}

TEST(Mfcc, RejectsBadSizes) {
  EXPECT_THROW(Mfcc(0, 1), Error);
  EXPECT_THROW(Mfcc(40, 0), Error);
  EXPECT_THROW(Mfcc(40, 41), Error);
}

}  // namespace
}  // namespace tinyfit::dsp
