#include "dsp/resample.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>
#include <utility>

#include "core/error.hpp"
#include "dsp/fixtures.hpp"

namespace tinyfit::dsp {
namespace {

using testing::load_fixture;
using testing::max_abs_diff;

std::span<const float> head(const std::vector<float>& v, size_t n) { return std::span<const float>(v).first(n); }

TEST(ResampleFilter, MatchesScipyFirwinKaiser) {
  // Values printed by scipy.signal.firwin(numtaps, 1 / max_rate, window=('kaiser', 5.0)) * up.
  const std::vector<double> h13 = resample_filter(1, 3);
  ASSERT_EQ(h13.size(), 61u);
  EXPECT_NEAR(h13[29], 0.2751477226789337, 1e-13);
  EXPECT_NEAR(h13[30], 0.3335353911845924, 1e-13);
  EXPECT_NEAR(h13[0], 0.0, 1e-15);  // a zero of the sinc
  const std::vector<double> h12 = resample_filter(1, 2);
  ASSERT_EQ(h12.size(), 41u);
  EXPECT_NEAR(h12[19], 0.31670034568030075, 1e-13);
  EXPECT_NEAR(h12[20], 0.5002587352980301, 1e-13);
  const std::vector<double> h23 = resample_filter(2, 3);
  EXPECT_NEAR(h23[1], -0.0010151516204400626, 1e-13);
  EXPECT_NEAR(std::accumulate(h23.begin(), h23.end(), 0.0), 2.0, 1e-12);  // scaled to sum = up
  for (size_t k = 0; k < h23.size(); ++k) EXPECT_DOUBLE_EQ(h23[k], h23[h23.size() - 1 - k]);
}

TEST(Resampler, Matches48kTo16kFixture) {
  const auto x = load_fixture("signal_48k").values;
  const auto want = load_fixture("resample_48k_to_16k").values;
  const std::vector<float> got = resample_poly(x, 1, 3);
  ASSERT_EQ(got.size(), 16000u);
  EXPECT_LE(max_abs_diff(got, want), 1e-5);
}

TEST(Resampler, Matches16kTo8kFixtureOfAClip) {
  const auto x = load_fixture("clip_full").values;
  const auto want = load_fixture("resample_16k_to_8k_full").values;
  const std::vector<float> got = resample_poly(x, 1, 2);
  ASSERT_EQ(got.size(), 8000u);
  EXPECT_LE(max_abs_diff(got, want), 1e-5);
}

TEST(Resampler, DoubleOutputIsWithinFloatRoundingOfTheReference) {
  // The fixtures are scipy's float64 results rounded to float32, so an output computed in double is
  // within half a float32 ulp of every one of them. (Float accumulation missed that on 40-75 % of
  // the samples, by up to 3000 ulps near zero crossings.)
  struct Case {
    const char* input;
    const char* want;
    int down;
  };
  for (const Case& c :
       {Case{"clip_full", "resample_16k_to_8k_full", 2}, Case{"signal_48k", "resample_48k_to_16k", 3}}) {
    SCOPED_TRACE(c.want);
    const auto x = load_fixture(c.input).values;
    const auto want = load_fixture(c.want).values;
    const Resampler r(1, c.down);
    std::vector<double> got(r.output_length(x.size()));
    ASSERT_EQ(got.size(), want.size());
    r.process(x, got);
    for (size_t i = 0; i < got.size(); ++i) {
      const float w = std::abs(want[i]);
      const double half_ulp = 0.5 * (std::nextafter(w, INFINITY) - w);
      ASSERT_LE(std::abs(got[i] - want[i]), half_ulp + 1e-15) << "sample " << i;
    }
  }
}

TEST(Resampler, FloatOutputIsDoubleOutputRounded) {
  const auto x = load_fixture("clip_contrast").values;
  for (const auto& [up, down] : {std::pair{1, 3}, std::pair{2, 3}, std::pair{3, 1}}) {
    const Resampler r(up, down);
    std::vector<double> wide(r.output_length(x.size()));
    r.process(x, wide);
    const std::vector<float> narrow = r.process(x);
    for (size_t i = 0; i < wide.size(); ++i) {
      ASSERT_EQ(narrow[i], static_cast<float>(wide[i])) << up << "/" << down << " sample " << i;
    }
  }
}

TEST(Resampler, MatchesRationalAndUpsamplingFixtures) {
  const auto x = load_fixture("signal_48k").values;
  struct Case {
    const char* name;
    size_t input;
    int up, down;
  };
  for (const Case& c : {Case{"resample_2_3", 4801, 2, 3}, Case{"resample_3_2", 1001, 3, 2},
                        Case{"resample_3_1", 333, 3, 1}, Case{"resample_5_7_short", 50, 5, 7}}) {
    SCOPED_TRACE(c.name);
    const auto want = load_fixture(c.name).values;
    const std::vector<float> got = resample_poly(head(x, c.input), c.up, c.down);
    ASSERT_EQ(got.size(), want.size());
    EXPECT_LE(max_abs_diff(got, want), 1e-5);
  }
}

TEST(Resampler, ReducesRatioByGcd) {
  const Resampler r(4, 6);
  EXPECT_EQ(r.up(), 2);
  EXPECT_EQ(r.down(), 3);
  const auto x = load_fixture("signal_48k").values;
  EXPECT_EQ(r.process(head(x, 999)), Resampler(2, 3).process(head(x, 999)));
}

TEST(Resampler, OutputLengthIsCeilOfRatio) {
  EXPECT_EQ(Resampler(1, 3).output_length(48000), 16000u);
  EXPECT_EQ(Resampler(1, 3).output_length(48001), 16001u);
  EXPECT_EQ(Resampler(1, 2).output_length(7), 4u);
  EXPECT_EQ(Resampler(3, 2).output_length(1001), 1502u);
  EXPECT_EQ(Resampler(1, 3).output_length(0), 0u);
  EXPECT_TRUE(resample_poly({}, 1, 3).empty());
}

TEST(Resampler, EqualRatesCopy) {
  const std::vector<float> x = {0.5f, -1.0f, 0.25f};
  EXPECT_EQ(resample_poly(x, 7, 7), x);
  std::vector<double> wide(3);
  Resampler(7, 7).process(x, wide);
  EXPECT_EQ(wide, (std::vector<double>{0.5, -1.0, 0.25}));
}

TEST(Resampler, DcPassesWithUnitGain) {
  // Away from the zero-padded edges a constant comes out unchanged (filter DC gain = up per phase).
  const std::vector<float> ones(3000, 1.0f);
  const std::vector<float> y = resample_poly(ones, 2, 3);
  for (size_t i = 100; i + 100 < y.size(); ++i) ASSERT_NEAR(y[i], 1.0f, 2e-3) << i;
}

TEST(Resampler, RejectsBadRatiosAndBuffers) {
  EXPECT_THROW(Resampler(0, 3), Error);
  EXPECT_THROW(Resampler(2, -1), Error);
  EXPECT_THROW(Resampler(1, 1001), Error);
  EXPECT_THROW(Resampler(2000, 2002), Error);  // reduces to 1000/1001: 20021 taps is too fine
  EXPECT_NO_THROW(Resampler(32000, 48000));    // reduces to 2/3
}

TEST(Resampler, RejectsWrongOutputSize) {
  const Resampler r(1, 3);
  std::vector<float> in(300), out(99);
  std::vector<double> wide_out(101);
  EXPECT_THROW(r.process(in, out), Error);
  EXPECT_THROW(r.process(in, wide_out), Error);
}

TEST(Resampler, ConcurrentCallsAgree) {
  const auto x = load_fixture("signal_48k").values;
  const Resampler r(1, 3);
  const std::vector<float> want = r.process(x);
  std::vector<float> a, b;
  std::thread t1([&] {
    for (int i = 0; i < 20; ++i) a = r.process(x);
  });
  std::thread t2([&] {
    for (int i = 0; i < 20; ++i) b = r.process(head(x, 30000));
  });
  t1.join();
  t2.join();
  EXPECT_EQ(a, want);
  EXPECT_EQ(b, r.process(head(x, 30000)));
}

}  // namespace
}  // namespace tinyfit::dsp
