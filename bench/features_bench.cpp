// All 8000 speech-commands clips (three splits) decoded and featurised, no cache: the cost of a
// cold `tinyfit features` run (issue target: < 10 s on 2 cores).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "data/speech_commands.hpp"
#include "dsp/split_features.hpp"

namespace {

std::filesystem::path data_root() {
  const char* env = std::getenv("TINYFIT_DATA");
  return env && *env ? std::filesystem::path(env) : std::filesystem::path(TINYFIT_DEFAULT_DATA);
}

void featurise_all(benchmark::State& state, tinyfit::dsp::FeatureOptions options) {
  using namespace tinyfit;
  if (!std::filesystem::exists(data_root() / "kws_splits")) {
    state.SkipWithError("speech-commands data not found (set TINYFIT_DATA)");
    return;
  }
  size_t clips = 0;
  for (auto _ : state) {
    for (auto split : {data::Split::Train, data::Split::Val, data::Split::Test}) {
      const auto r = dsp::split_features(data_root(), split, options, dsp::FeatureCacheOptions{.quiet = true});
      clips += r.features.size();
    }
  }
  state.counters["clips/s"] = benchmark::Counter(static_cast<double>(clips), benchmark::Counter::kIsRate);
}

void BM_AllClipsMfcc(benchmark::State& state) { featurise_all(state, {}); }
void BM_AllClipsStft32x32(benchmark::State& state) {
  featurise_all(state, {.frame_length = 256, .frame_step = 128, .resize = 32});
}

}  // namespace

BENCHMARK(BM_AllClipsMfcc)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
BENCHMARK(BM_AllClipsStft32x32)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
BENCHMARK_MAIN();
