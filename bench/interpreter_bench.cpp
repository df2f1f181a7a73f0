// Reference vs fast kernels, op by op (BM_<Op>/<shape>/{ref,fast}), and whole peer models through the
// Interpreter (BM_Model/<file>/{ref,fast}) when the reader is built.
//
//   build/bench/interpreter_bench --benchmark_filter='Conv|Depthwise|FullyConnected|Model'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tflite/fast/conv.hpp"
#include "tflite/fast/fully_connected.hpp"
#include "tflite/interpreter.hpp"
#include "tflite/op.hpp"
#include "tflite/ref/conv.hpp"
#include "tflite/ref/depthwise_conv.hpp"
#include "tflite/ref/fully_connected.hpp"
#include "tflite/ref/hybrid.hpp"
#include "tflite/ref/quant.hpp"

#if __has_include("tflite/reader.hpp")
#include "tflite/reader.hpp"
#define TINYFIT_HAVE_READER 1
#endif

namespace {

using namespace tinyfit::tflite;

template <class T>
std::vector<T> random_values(size_t n, double lo, double hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(std::lround(dist(rng) * (std::is_floating_point_v<T> ? 1000 : 1)) /
                                    (std::is_floating_point_v<T> ? 1000.0 : 1.0));
  return v;
}

// Requantization parameters of a plausible int8 layer (multipliers around 0.003-0.006).
struct Requant {
  std::vector<int32_t> multiplier;
  std::vector<int> shift;
  explicit Requant(int channels) : multiplier(channels), shift(channels) {
    for (int c = 0; c < channels; ++c) ref::quantize_multiplier(0.003 + 0.00005 * c, &multiplier[c], &shift[c]);
  }
};

ref::ConvParams int8_params(const Requant& rq, int pad) {
  ref::ConvParams p;
  p.pad_h = p.pad_w = pad;
  p.input_offset = 7;
  p.output_offset = -3;
  p.quant_min = -3;  // RELU
  p.multiplier = rq.multiplier.data();
  p.shift = rq.shift.data();
  return p;
}

// CONV_2D int8, [1, 24, 8, 64] * [64, kh, kw, 64], SAME.
void conv_int8(benchmark::State& state, int k, bool fast) {
  const ref::Shape4 in{1, 24, 8, 64}, filter{64, k, k, 64}, out{1, 24, 8, 64};
  const auto input = random_values<int8_t>(in.size(), -128, 127, 1);
  const auto weights = random_values<int8_t>(filter.size(), -127, 127, 2);
  const auto bias = random_values<int32_t>(64, -5000, 5000, 3);
  std::vector<int8_t> output(out.size());
  const Requant rq(64);
  const ref::ConvParams p = int8_params(rq, k / 2);
  fast::ConvWeights prepared;
  fast::prepare_conv_weights(filter, weights.data(), &prepared);
  fast::ConvScratch scratch;
  scratch.reserve(prepared, p, filter, in, out);
  ScratchArena memory;
  memory.request(scratch.bytes());
  scratch.bind(memory.data());
  for (auto _ : state) {
    if (fast) {
      fast::conv_int8(p, in, input.data(), filter, prepared, bias.data(), out, output.data(), scratch);
    } else {
      ref::conv_int8(p, in, input.data(), filter, weights.data(), bias.data(), out, output.data());
    }
    benchmark::DoNotOptimize(output.data());
  }
  state.counters["MMAC/s"] = benchmark::Counter(static_cast<double>(out.size()) * k * k * 64 / 1e6,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// CONV_2D float, same shapes.
void conv_float(benchmark::State& state, bool fast) {
  const ref::Shape4 in{1, 24, 8, 64}, filter{64, 3, 3, 64}, out{1, 24, 8, 64};
  const auto input = random_values<float>(in.size(), -1, 1, 1);
  const auto weights = random_values<float>(filter.size(), -1, 1, 2);
  const auto bias = random_values<float>(64, -1, 1, 3);
  std::vector<float> output(out.size());
  ref::ConvParams p;
  p.pad_h = p.pad_w = 1;
  fast::ConvWeights prepared;
  fast::prepare_conv_weights(filter, weights.data(), &prepared);
  for (auto _ : state) {
    if (fast) {
      fast::conv_float(p, in, input.data(), filter, prepared, bias.data(), out, output.data());
    } else {
      ref::conv_float(p, in, input.data(), filter, weights.data(), bias.data(), out, output.data());
    }
    benchmark::DoNotOptimize(output.data());
  }
}

// CONV_2D hybrid 1x1, [1, 22, 6, 179] * [179, 1, 1, 179]: the pointwise layers of the g7 KWS models.
void conv_hybrid_1x1(benchmark::State& state, bool fast) {
  const ref::Shape4 in{1, 22, 6, 179}, filter{179, 1, 1, 179}, out{1, 22, 6, 179};
  const auto input = random_values<float>(in.size(), -1, 3, 1);
  const auto weights = random_values<int8_t>(filter.size(), -127, 127, 2);
  const auto bias = random_values<float>(179, -1, 1, 3);
  std::vector<float> output(out.size());
  ref::ConvParams p;
  p.float_min = 0;
  ref::HybridInput hybrid;
  hybrid.reserve(1, static_cast<int>(in.size()), false);
  fast::ConvWeights prepared;
  fast::prepare_conv_weights(filter, weights.data(), &prepared);
  fast::ConvScratch scratch;
  scratch.reserve(prepared, p, filter, in, out);
  ScratchArena memory;
  memory.request(scratch.bytes());
  scratch.bind(memory.data());
  for (auto _ : state) {
    hybrid.quantize(input.data());
    hybrid.scale[0] *= 0.01f;
    if (fast) {
      fast::conv_hybrid(p, in, hybrid.quantized.data(), hybrid.scale.data(), nullptr, filter, prepared, nullptr,
                        bias.data(), out, output.data(), scratch);
    } else {
      ref::conv_hybrid(p, in, hybrid.quantized.data(), hybrid.scale.data(), nullptr, filter, weights.data(), nullptr,
                       bias.data(), out, output.data());
    }
    benchmark::DoNotOptimize(output.data());
  }
}

// DEPTHWISE_CONV_2D int8 3x3, [1, 24, 8, 64], SAME.
void depthwise_int8(benchmark::State& state, bool fast) {
  const ref::Shape4 in{1, 24, 8, 64}, filter{1, 3, 3, 64}, out{1, 24, 8, 64};
  const auto input = random_values<int8_t>(in.size(), -128, 127, 1);
  const auto weights = random_values<int8_t>(filter.size(), -127, 127, 2);
  const auto bias = random_values<int32_t>(64, -5000, 5000, 3);
  std::vector<int8_t> output(out.size());
  const Requant rq(64);
  const ref::ConvParams p = int8_params(rq, 1);
  fast::DepthwiseWeights prepared;
  fast::prepare_depthwise_weights(p, filter, weights.data(), &prepared);
  fast::DepthwiseScratch scratch;
  scratch.reserve(prepared, p, in, filter, out);
  ScratchArena memory;
  memory.request(scratch.bytes());
  scratch.bind(memory.data());
  for (auto _ : state) {
    if (fast) {
      fast::depthwise_conv_int8(p, in, input.data(), filter, weights.data(), prepared, bias.data(), out, output.data(),
                                scratch);
    } else {
      ref::depthwise_conv_int8(p, in, input.data(), filter, weights.data(), bias.data(), out, output.data());
    }
    benchmark::DoNotOptimize(output.data());
  }
}

// FULLY_CONNECTED int8 and float, [1, depth] * [units, depth].
void fully_connected_int8(benchmark::State& state, int depth, int units, bool fast) {
  const auto input = random_values<int8_t>(depth, -128, 127, 1);
  const auto weights = random_values<int8_t>(static_cast<size_t>(depth) * units, -127, 127, 2);
  const auto bias = random_values<int32_t>(units, -5000, 5000, 3);
  std::vector<int8_t> output(units);
  int32_t multiplier;
  int shift;
  ref::quantize_multiplier(0.004, &multiplier, &shift);
  ref::FullyConnectedParams p;
  p.input_offset = 5;
  p.output_offset = 2;
  p.multiplier = &multiplier;
  p.shift = &shift;
  fast::FullyConnectedWeights prepared;
  fast::prepare_fully_connected_weights(depth, units, weights.data(), &prepared);
  fast::FullyConnectedScratch scratch;
  scratch.reserve(prepared, units);
  ScratchArena memory;
  memory.request(scratch.bytes());
  scratch.bind(memory.data());
  for (auto _ : state) {
    if (fast) {
      fast::fully_connected_int8(p, 1, depth, units, input.data(), prepared, bias.data(), output.data(), scratch);
    } else {
      ref::fully_connected_int8(p, 1, depth, units, input.data(), weights.data(), bias.data(), output.data());
    }
    benchmark::DoNotOptimize(output.data());
  }
}

void fully_connected_float(benchmark::State& state, int depth, int units, bool fast) {
  const auto input = random_values<float>(depth, -1, 1, 1);
  const auto weights = random_values<float>(static_cast<size_t>(depth) * units, -1, 1, 2);
  const auto bias = random_values<float>(units, -1, 1, 3);
  std::vector<float> output(units);
  ref::FullyConnectedParams p;
  fast::FullyConnectedWeights prepared;
  fast::prepare_fully_connected_weights(depth, units, weights.data(), &prepared);
  for (auto _ : state) {
    if (fast) {
      fast::fully_connected_float(p, 1, depth, units, input.data(), prepared, bias.data(), output.data());
    } else {
      ref::fully_connected_float(p, 1, depth, units, input.data(), weights.data(), bias.data(), output.data());
    }
    benchmark::DoNotOptimize(output.data());
  }
}

#ifdef TINYFIT_HAVE_READER
// One invoke of a whole peer model on a fixed input.
void whole_model(benchmark::State& state, const ModelDef& model, bool fast) {
  Interpreter it(model, InterpreterOptions{.reference_only = !fast});
  Tensor& in = it.input(0);
  for (int64_t i = 0; i < in.num_elements(); ++i) in.as<float>()[i] = std::sin(0.37f * static_cast<float>(i));
  for (auto _ : state) {
    it.invoke();
    benchmark::DoNotOptimize(it.output(0).data);
  }
  state.counters["arena_bytes"] = static_cast<double>(it.arena_bytes());
}
#endif

void register_all() {
  for (bool fast : {false, true}) {
    const std::string v = fast ? "fast" : "ref";
    benchmark::RegisterBenchmark(("BM_Conv2DInt8/3x3_24x8x64/" + v).c_str(), conv_int8, 3, fast);
    benchmark::RegisterBenchmark(("BM_Conv2DInt8/1x1_24x8x64/" + v).c_str(), conv_int8, 1, fast);
    benchmark::RegisterBenchmark(("BM_Conv2DFloat/3x3_24x8x64/" + v).c_str(), conv_float, fast);
    benchmark::RegisterBenchmark(("BM_Conv2DHybrid/1x1_22x6x179/" + v).c_str(), conv_hybrid_1x1, fast);
    benchmark::RegisterBenchmark(("BM_DepthwiseConv2DInt8/3x3_24x8x64/" + v).c_str(), depthwise_int8, fast);
    benchmark::RegisterBenchmark(("BM_FullyConnectedInt8/1024x256/" + v).c_str(), fully_connected_int8, 1024, 256, fast);
    benchmark::RegisterBenchmark(("BM_FullyConnectedInt8/66x8/" + v).c_str(), fully_connected_int8, 66, 8, fast);
    benchmark::RegisterBenchmark(("BM_FullyConnectedFloat/1024x256/" + v).c_str(), fully_connected_float, 1024, 256,
                                 fast);
  }
#ifdef TINYFIT_HAVE_READER
  const auto dir = std::filesystem::path(TINYFIT_DEFAULT_DATA) / ".." / "peer_models";
  if (!std::filesystem::is_directory(dir)) return;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".tflite") != std::string::npos) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  // More files to time, e.g. the models `tinyfit kws` writes: TINYFIT_BENCH_MODELS=a.tflite:b.tflite.zlib
  if (const char* extra = std::getenv("TINYFIT_BENCH_MODELS")) {
    std::string list = extra;
    for (size_t begin = 0; begin <= list.size();) {
      const size_t end = std::min(list.find(':', begin), list.size());
      if (end > begin) files.emplace_back(list.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  static std::vector<ModelDef> models;  // outlive registration: benchmarks run after main's setup
  models.reserve(files.size());
  for (const auto& f : files) {
    try {
      ModelDef model = read_model_file(f);
      Interpreter probe(model);  // skip models with ops this build cannot run
      models.push_back(std::move(model));
    } catch (const std::exception&) {
      continue;
    }
    for (bool fast : {false, true})
      benchmark::RegisterBenchmark(("BM_Model/" + f.filename().string() + (fast ? "/fast" : "/ref")).c_str(),
                                   whole_model, std::cref(models.back()), fast);
  }
#endif
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
