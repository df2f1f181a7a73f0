#include "dsp/features.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "dsp/fixtures.hpp"

namespace tinyfit::dsp {
namespace {

using testing::kClips;
using testing::load_fixture;
using testing::max_abs_diff;

FeatureOptions mfcc_8k() {
  FeatureOptions o;
  o.sample_rate = 8000;
  o.frame_length = 320;
  o.frame_step = 160;
  return o;
}

FeatureOptions stft_32x32() {
  FeatureOptions o;
  o.frame_length = 256;
  o.frame_step = 128;
  o.resize = 32;
  return o;
}

// Max |C++ - float64 reference| over the four fixture clips for features of 16 kHz clips.
double worst_error(const FeatureOptions& options, const std::string& prefix) {
  const FeatureExtractor fx(options, 16000, 16000);
  double worst = 0.0;
  for (const char* clip : kClips) {
    const auto want = load_fixture(prefix + clip);
    std::vector<float> got(fx.output_size());
    fx.compute(load_fixture(std::string("clip_") + clip).values, got);
    EXPECT_EQ(want.rows, fx.output_shape()[0]) << clip;
    EXPECT_EQ(want.cols, fx.output_shape()[1]) << clip;
    const double e = max_abs_diff(got, want.values);
    EXPECT_LE(e, 1e-4) << clip;
    worst = std::max(worst, e);
  }
  ::testing::Test::RecordProperty(prefix + "max_abs_error", std::to_string(worst));
  return worst;
}

TEST(Features, DefaultMfccMatchesReference) {
  // Spec tolerance 1e-4; the double STFT keeps it near the float32 rounding of the outputs.
  EXPECT_LT(worst_error(FeatureOptions{}, "mfcc16k_"), 2e-5);
}

TEST(Features, Mfcc8kMatchesReference) {
  // clip_contrast catches a resampled signal that is not kept in double up to the STFT.
  EXPECT_LT(worst_error(mfcc_8k(), "mfcc8k_"), 2e-5);
}

TEST(Features, Resized32x32StftMatchesReference) { EXPECT_LT(worst_error(stft_32x32(), "resize32_"), 2e-5); }

TEST(Features, OutputShapes) {
  EXPECT_EQ(FeatureExtractor({}, 16000, 16000).output_shape(), (std::array<int, 2>{49, 10}));
  EXPECT_EQ(FeatureExtractor({}, 48000, 48000).output_shape(), (std::array<int, 2>{49, 10}));
  EXPECT_EQ(FeatureExtractor(mfcc_8k(), 16000, 16000).output_shape(), (std::array<int, 2>{49, 10}));
  EXPECT_EQ(FeatureExtractor(stft_32x32(), 16000, 16000).output_shape(), (std::array<int, 2>{32, 32}));
  EXPECT_EQ(FeatureExtractor(stft_32x32(), 16000, 16000).output_size(), 1024u);
  FeatureOptions o;
  o.frame_length = 512;
  o.frame_step = 256;
  o.num_coefficients = 13;
  EXPECT_EQ(FeatureExtractor(o, 16000, 16000).output_shape(), (std::array<int, 2>{61, 13}));
}

TEST(Features, Describe) {
  EXPECT_EQ(FeatureOptions{}.describe(), "MFCC 16000 Hz, 640/320, 40 mel 20-4000 Hz, 10 coeff");
  EXPECT_EQ(mfcc_8k().describe(), "MFCC 8000 Hz, 320/160, 40 mel 20-4000 Hz, 10 coeff");
  EXPECT_EQ(stft_32x32().describe(), "STFT 16000 Hz, 256/128, resized 32x32");
}

// A 48 kHz clip that the reference rebuilds exactly: every sample of clip_contrast repeated 3 times.
std::vector<float> clip_at_48k() {
  std::vector<float> x;
  for (float v : load_fixture("clip_contrast").values) x.insert(x.end(), 3, v);
  return x;
}

TEST(Features, ResampledInputMatchesReference) {
  // The latency path (48 kHz -> resample -> MFCC). A float32 resampler gave 2.9e-4 (16 kHz) and
  // 6.3e-4 (8 kHz) here; the resampled signal must stay in double up to the STFT.
  const std::vector<float> x = clip_at_48k();
  struct Case {
    FeatureOptions options;
    const char* fixture;
  };
  for (const Case& c : {Case{FeatureOptions{}, "mfcc16k_48k_contrast"}, Case{mfcc_8k(), "mfcc8k_48k_contrast"}}) {
    SCOPED_TRACE(c.fixture);
    const FeatureExtractor fx(c.options, 48000, x.size());
    std::vector<float> got(fx.output_size());
    fx.compute(x, got);
    const double e = max_abs_diff(got, load_fixture(c.fixture).values);
    ::testing::Test::RecordProperty(std::string(c.fixture) + "_max_abs_error", std::to_string(e));
    EXPECT_LT(e, 2e-5);
  }
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Features, ValidationNamesTheField) {
  struct Case {
    std::function<void(FeatureOptions&)> edit;
    const char* field;
  };
  const Case cases[] = {
      {[](FeatureOptions& o) { o.sample_rate = 0; }, "sample_rate"},
      {[](FeatureOptions& o) { o.frame_length = 1; }, "frame_length"},
      {[](FeatureOptions& o) { o.frame_step = 0; }, "frame_step"},
      {[](FeatureOptions& o) { o.num_mel_bins = 0; }, "num_mel_bins"},
      {[](FeatureOptions& o) { o.lower_hz = -1; }, "lower_hz"},
      {[](FeatureOptions& o) { o.upper_hz = 10; }, "upper_hz"},
      {[](FeatureOptions& o) { o.upper_hz = 8001; }, "upper_hz"},
      {[](FeatureOptions& o) { o.num_coefficients = 41; }, "num_coefficients"},
      {[](FeatureOptions& o) { o.num_coefficients = -1; }, "num_coefficients"},  // 0 is log-mel
      {[](FeatureOptions& o) { o.resize = -2; }, "resize"},
  };
  for (const Case& c : cases) {
    FeatureOptions o;
    c.edit(o);
    const std::string what = error_of([&] { o.validate(); });
    EXPECT_NE(what.find(c.field), std::string::npos) << what;
    EXPECT_EQ(error_of([&] { FeatureExtractor(o, 16000, 16000); }), what);
  }
  EXPECT_NO_THROW(FeatureOptions{}.validate());
  FeatureOptions resized = stft_32x32();
  resized.upper_hz = 1e6;  // mel fields are unused when resizing
  EXPECT_NO_THROW(resized.validate());
}

TEST(Features, ConstructorRejectsUnusableInput) {
  EXPECT_NE(error_of([] { FeatureExtractor({}, 16000, 600); }).find("frame_length 640"), std::string::npos);
  EXPECT_NE(error_of([] { FeatureExtractor({}, 48000, 1500); }).find("500 samples at 16000 Hz"),
            std::string::npos);
  EXPECT_NE(error_of([] { FeatureExtractor({}, 44100, 44100); }).find("integer multiple"), std::string::npos);
  EXPECT_NE(error_of([] { FeatureExtractor({}, 0, 16000); }).find("input sample rate"), std::string::npos);
  FeatureOptions o = mfcc_8k();
  o.upper_hz = 4001;
  EXPECT_NE(error_of([&] { FeatureExtractor(o, 16000, 16000); }).find("Nyquist"), std::string::npos);
  EXPECT_NO_THROW(FeatureExtractor({}, 8000, 8000));  // upsampling by an integer factor is fine
}

TEST(Features, ComputeRejectsWrongSizes) {
  const FeatureExtractor fx({}, 16000, 16000);
  std::vector<float> audio(16000), out(fx.output_size());
  std::vector<float> short_audio(15999), short_out(out.size() - 1);
  EXPECT_THROW(fx.compute(short_audio, out), Error);
  EXPECT_THROW(fx.compute(audio, short_out), Error);
}

TEST(Features, ConcurrentComputeMatchesSerial) {
  const FeatureExtractor fx(mfcc_8k(), 16000, 16000);
  std::vector<std::vector<float>> clips, serial;
  for (const char* clip : kClips) {
    clips.push_back(load_fixture(std::string("clip_") + clip).values);
    serial.emplace_back(fx.output_size());
    fx.compute(clips.back(), serial.back());
  }
  std::vector<std::vector<float>> parallel(clips.size(), std::vector<float>(fx.output_size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < clips.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int rep = 0; rep < 25; ++rep) fx.compute(clips[i], parallel[i]);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(parallel, serial);
}

}  // namespace
}  // namespace tinyfit::dsp
