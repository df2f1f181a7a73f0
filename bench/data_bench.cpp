// Data loading speed: all 8000 speech-command clips (the start of every kws run) and the Jena CSV.
// Needs the shared data ($TINYFIT_DATA or ../shared/data); each benchmark skips with an error otherwise.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "data/forecast_windows.hpp"
#include "data/speech_commands.hpp"
#include "data/weather_csv.hpp"

namespace {

namespace fs = std::filesystem;
using namespace tinyfit::data;

std::optional<fs::path> data_root() {
  const char* env = std::getenv("TINYFIT_DATA");
  const fs::path root = env != nullptr && *env != '\0' ? env : TINYFIT_DEFAULT_DATA;
  std::error_code ec;
  if (fs::is_directory(root / "kws_splits", ec) && fs::is_directory(root / "jena", ec)) return root;
  return std::nullopt;
}

constexpr const char* kNoData = "shared data not found: set TINYFIT_DATA";
constexpr const char* kJenaFile = "jena/jena_climate_10min_2021_2024.csv";

// All three splits, as `tinyfit kws` loads them: split files + decode + scale/pad. Arg = threads
// (0 = default_threads()).
void BM_LoadAllClips(benchmark::State& state) {
  const auto root = data_root();
  if (!root) return state.SkipWithError(kNoData);
  const int threads = state.range(0) == 0 ? tinyfit::default_threads() : static_cast<int>(state.range(0));
  size_t clips = 0;
  for (auto _ : state) {
    clips = 0;
    for (Split split : {Split::Train, Split::Val, Split::Test}) {
      const ClipSet set = load_clips(read_split(*root, split), threads);
      clips += set.size();
      benchmark::DoNotOptimize(set.samples.data());
    }
  }
  state.counters["clips"] = static_cast<double>(clips);
  state.counters["threads"] = threads;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(clips));
}
BENCHMARK(BM_LoadAllClips)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// Reading the split files and resolving every clip path (stat calls), without decoding.
void BM_ReadSplits(benchmark::State& state) {
  const auto root = data_root();
  if (!root) return state.SkipWithError(kNoData);
  for (auto _ : state)
    for (Split split : {Split::Train, Split::Val, Split::Test}) benchmark::DoNotOptimize(read_split(*root, split));
}
BENCHMARK(BM_ReadSplits)->Unit(benchmark::kMillisecond);

// The cache key of the training split (one stat per clip, no decoding).
void BM_SplitFingerprint(benchmark::State& state) {
  const auto root = data_root();
  if (!root) return state.SkipWithError(kNoData);
  const std::vector<ClipRef> refs = read_split(*root, Split::Train);
  for (auto _ : state) benchmark::DoNotOptimize(split_fingerprint(*root, Split::Train, refs));
}
BENCHMARK(BM_SplitFingerprint)->Unit(benchmark::kMillisecond);

void BM_ReadJenaCsv(benchmark::State& state) {
  const auto root = data_root();
  if (!root) return state.SkipWithError(kNoData);
  size_t rows = 0;
  for (auto _ : state) {
    const WeatherSeries series = read_weather_csv(*root / kJenaFile);
    rows = series.size();
    benchmark::DoNotOptimize(series.temperature.data());
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_ReadJenaCsv)->Unit(benchmark::kMillisecond);

// Split, normaliser and windows of all three parts from an already read series.
void BM_MakeForecastData(benchmark::State& state) {
  const auto root = data_root();
  if (!root) return state.SkipWithError(kNoData);
  const WeatherSeries series = read_weather_csv(*root / kJenaFile);
  for (auto _ : state) {
    const ForecastData data = make_forecast_data(series);
    benchmark::DoNotOptimize(data.train.inputs.data());
  }
}
BENCHMARK(BM_MakeForecastData)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
