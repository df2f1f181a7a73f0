// Feature front-end timings (spec section 2, latency protocol: 1 s of 48 kHz audio -> features).
// Targets on our machines: MFCC of a 16 kHz clip < 0.1 ms; 48 kHz -> 16 kHz -> MFCC < 0.3 ms;
// 48 kHz -> 16 kHz resampling alone well under 0.2 ms.
// Run: build-*/dsp_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "dsp/features.hpp"

namespace {

using tinyfit::dsp::FeatureExtractor;
using tinyfit::dsp::FeatureOptions;

std::vector<float> noise(size_t n) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> x(n);
  for (float& v : x) v = u(rng);
  return x;
}

FeatureOptions mfcc_8k(int frame_length) {
  FeatureOptions o;
  o.sample_rate = 8000;
  o.frame_length = frame_length;
  o.frame_step = frame_length / 2;
  return o;
}

FeatureOptions stft_32x32() {
  FeatureOptions o;
  o.frame_length = 256;
  o.frame_step = 128;
  o.resize = 32;
  return o;
}

void run(benchmark::State& state, const FeatureOptions& options, int input_rate) {
  const std::vector<float> audio = noise(static_cast<size_t>(input_rate));
  const FeatureExtractor fx(options, input_rate, audio.size());
  std::vector<float> out(fx.output_size());
  for (auto _ : state) {
    fx.compute(audio, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(options.describe());
}

void BM_MfccOneClip(benchmark::State& state) { run(state, FeatureOptions{}, 16000); }
void BM_Resample48kTo16kPlusMfcc(benchmark::State& state) { run(state, FeatureOptions{}, 48000); }
void BM_Resample48kTo8kPlusMfcc8k(benchmark::State& state) { run(state, mfcc_8k(320), 48000); }
void BM_Resample48kTo8kPlusMfcc8k240(benchmark::State& state) { run(state, mfcc_8k(240), 48000); }
void BM_Resample16kTo8kPlusMfcc8k(benchmark::State& state) { run(state, mfcc_8k(320), 16000); }
void BM_Stft32x32OneClip(benchmark::State& state) { run(state, stft_32x32(), 16000); }
void BM_Resample48kTo16kPlusStft32x32(benchmark::State& state) { run(state, stft_32x32(), 48000); }

void BM_Mfcc512OneClip(benchmark::State& state) {
  FeatureOptions o;
  o.frame_length = 512;
  o.frame_step = 256;
  run(state, o, 16000);
}

void BM_Resample48kTo16k(benchmark::State& state) {
  const std::vector<float> audio = noise(48000);
  const tinyfit::dsp::Resampler resampler(1, 3);
  std::vector<float> out(resampler.output_length(audio.size()));
  for (auto _ : state) {
    resampler.process(audio, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}

void BM_StftMagnitude640(benchmark::State& state) {
  const std::vector<float> audio = noise(16000);
  const tinyfit::dsp::Stft stft(640, 320);
  std::vector<float> out(stft.num_frames(audio.size()) * stft.num_bins());
  for (auto _ : state) {
    stft.magnitude(audio, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}

void BM_FeatureExtractorSetup(benchmark::State& state) {
  for (auto _ : state) {
    FeatureExtractor fx(FeatureOptions{}, 48000, 48000);
    benchmark::DoNotOptimize(&fx);
  }
}

}  // namespace

BENCHMARK(BM_MfccOneClip)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Resample48kTo16kPlusMfcc)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Resample48kTo8kPlusMfcc8k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Resample48kTo8kPlusMfcc8k240)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Resample16kTo8kPlusMfcc8k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Stft32x32OneClip)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Resample48kTo16kPlusStft32x32)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Mfcc512OneClip)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Resample48kTo16k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_StftMagnitude640)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FeatureExtractorSetup)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
