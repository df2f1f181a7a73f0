#include "dsp/stft.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <thread>

#include "core/error.hpp"
#include "dsp/fixtures.hpp"

namespace tinyfit::dsp {
namespace {

TEST(HannWindow, IsPeriodic) {
  for (int length : {640, 321, 8}) {
    const std::vector<double> w = hann_window(length);
    ASSERT_EQ(w.size(), static_cast<size_t>(length));
    EXPECT_EQ(w[0], 0.0f);  // periodic: starts at 0 and never returns to it
    EXPECT_GT(w[length - 1], 0.0f);
    for (int n = 1; n < length; ++n) EXPECT_NEAR(w[n], w[length - n], 1e-7) << n;
    for (int n = 0; n < length; ++n) {
      EXPECT_NEAR(w[n], 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * n / length), 1e-7);
    }
  }
  EXPECT_EQ(hann_window(640)[320], 1.0);
  EXPECT_DOUBLE_EQ(hann_window(8)[2], 0.5);
}

TEST(Stft, FrameCountFormula) {
  EXPECT_EQ(num_frames(16000, 640, 320), 49u);
  EXPECT_EQ(num_frames(16000, 256, 128), 124u);
  EXPECT_EQ(num_frames(8000, 320, 160), 49u);
  EXPECT_EQ(num_frames(8000, 240, 120), 65u);
  EXPECT_EQ(num_frames(16000, 512, 256), 61u);
  EXPECT_EQ(num_frames(640, 640, 320), 1u);
  EXPECT_EQ(num_frames(959, 640, 320), 1u);
  EXPECT_EQ(num_frames(960, 640, 320), 2u);
  EXPECT_EQ(num_frames(639, 640, 320), 0u);
  const Stft stft(640, 320);
  EXPECT_EQ(stft.num_bins(), 321);
  EXPECT_EQ(stft.magnitude(std::vector<float>(16000)).size(), 49u * 321u);
}

TEST(Stft, PureToneLandsInItsBin) {
  // A cosine at exactly bin k: the periodic Hann gives |X[k]| = A L / 4, |X[k +- 1]| = A L / 8 and
  // (up to rounding) nothing elsewhere. Checked for power-of-two and other lengths.
  for (int length : {640, 320, 256, 240, 480}) {
    SCOPED_TRACE(length);
    const int bin = length / 7;
    const double amplitude = 0.5;
    std::vector<float> x(length);
    for (int n = 0; n < length; ++n) {
      x[n] = static_cast<float>(amplitude * std::cos(2.0 * std::numbers::pi * bin * n / length + 0.3));
    }
    const std::vector<float> mag = Stft(length, length).magnitude(x);
    ASSERT_EQ(mag.size(), static_cast<size_t>(length / 2 + 1));
    EXPECT_EQ(std::max_element(mag.begin(), mag.end()) - mag.begin(), bin);
    EXPECT_NEAR(mag[bin], amplitude * length / 4, 1e-4);
    EXPECT_NEAR(mag[bin - 1], amplitude * length / 8, 1e-4);
    EXPECT_NEAR(mag[bin + 1], amplitude * length / 8, 1e-4);
    for (int k = 0; k < static_cast<int>(mag.size()); ++k) {
      if (std::abs(k - bin) > 1) {
        EXPECT_LT(mag[k], 1e-4) << k;
      }
    }
  }
}

TEST(Stft, MatchesFloat64Reference) {
  const auto clip = testing::load_fixture("clip_full").values;
  const auto want = testing::load_fixture("stft640_full");
  const std::vector<float> got = Stft(640, 320).magnitude(clip);
  ASSERT_EQ(got.size(), want.values.size());
  double worst_relative = 0.0;
  float peak = 0.0f;
  for (float v : want.values) peak = std::max(peak, v);
  for (size_t i = 0; i < got.size(); ++i) {
    worst_relative = std::max(worst_relative, std::abs(got[i] - want.values[i]) / static_cast<double>(peak));
  }
  EXPECT_LT(worst_relative, 1e-6);  // float32 FFT error relative to the loudest bin
}

TEST(Stft, DoubleFramesKeepDetailBelowFloatResolution) {
  // A loud tone plus one 2e-9 of its size (below float32 resolution at 0.5): in double the quiet bin
  // comes out right; rounded to float32 first, the quiet tone vanishes (its bin reads ~1e-16).
  const int length = 640;
  const int loud_bin = 64;
  const int quiet_bin = 200;
  const double quiet = 1e-9;
  std::vector<double> x(length);
  for (int n = 0; n < length; ++n) {
    x[n] = 0.5 * std::cos(2.0 * std::numbers::pi * loud_bin * n / length) +
           quiet * std::cos(2.0 * std::numbers::pi * quiet_bin * n / length);
  }
  const Stft stft(length, length);
  Stft::Workspace workspace = stft.make_workspace();
  std::vector<float> mag(stft.num_bins());
  stft.frame_magnitude(x.data(), mag.data(), workspace);
  EXPECT_NEAR(mag[loud_bin], 0.5 * length / 4, 1e-4);
  EXPECT_NEAR(mag[quiet_bin], quiet * length / 4, 1e-3 * quiet * length / 4);
}

TEST(Stft, FloatAndDoubleFramesAgree) {
  // Same values, same result: the float overload only widens the samples.
  const auto clip = testing::load_fixture("clip_loud").values;
  const std::vector<double> wide(clip.begin(), clip.end());
  const Stft stft(320, 160);
  Stft::Workspace workspace = stft.make_workspace();
  std::vector<float> a(stft.num_bins()), b(stft.num_bins());
  for (size_t f = 0; f < stft.num_frames(clip.size()); ++f) {
    stft.frame_magnitude(clip.data() + f * 160, a.data(), workspace);
    stft.frame_magnitude(wide.data() + f * 160, b.data(), workspace);
    ASSERT_EQ(a, b) << f;
  }
}

TEST(Stft, FramesStartEveryStep) {
  // Frame f is the window of samples [f S, f S + L): a click at sample 1000 shows up only there.
  std::vector<float> x(4000, 0.0f);
  x[1000] = 1.0f;
  const Stft stft(400, 300);
  const std::vector<float> mag = stft.magnitude(x);
  const size_t bins = stft.num_bins();
  for (size_t f = 0; f < stft.num_frames(x.size()); ++f) {
    const bool inside = f * 300 <= 1000 && 1000 < f * 300 + 400;
    const float w = inside ? static_cast<float>(hann_window(400)[1000 - f * 300]) : 0.0f;
    EXPECT_NEAR(mag[f * bins], w, 1e-6) << f;  // DC of a windowed impulse = window value
    EXPECT_NEAR(mag[f * bins + bins / 2], w, 1e-6) << f;
  }
}

TEST(Stft, ConcurrentUseAgrees) {
  const auto clip = testing::load_fixture("clip_loud").values;
  const Stft stft(640, 320);
  const std::vector<float> want = stft.magnitude(clip);
  std::vector<float> a, b;
  std::thread t1([&] {
    for (int i = 0; i < 30; ++i) a = stft.magnitude(clip);
  });
  std::thread t2([&] {
    for (int i = 0; i < 30; ++i) b = Stft(640, 320).magnitude(clip);  // planning races with execution
  });
  t1.join();
  t2.join();
  EXPECT_EQ(a, want);
  EXPECT_EQ(b, want);
}

TEST(Stft, RejectsBadArguments) {
  EXPECT_THROW(Stft(1, 1), Error);
  EXPECT_THROW(Stft(640, 0), Error);
  const Stft stft(64, 32);
  std::vector<float> x(128), out(3);
  EXPECT_THROW(stft.magnitude(x, out), Error);
}

}  // namespace
}  // namespace tinyfit::dsp
