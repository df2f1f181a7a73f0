// Conformance against the official TensorFlow Lite runtime, on real converter output and on the
// files tinyfit's writer makes from it:
//  - tinyfit's outputs (fast and reference kernels) equal the official runtime's on the same inputs
//    (float and hybrid models: relative 1e-5 of the output range; int8: one output quantum);
//  - the accuracy / MAE of every peer model over the whole test split reproduces the "official
//    runtime" column of shared/peer_models/README.md to within one clip (forecast: 0.0015).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "conformance/official_runner.hpp"
#include "data/forecast_windows.hpp"
#include "data/speech_commands.hpp"
#include "data/weather_csv.hpp"
#include "dsp/split_features.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/reader.hpp"
#include "tflite/writer.hpp"

namespace tinyfit::test {
namespace fs = std::filesystem;
using tflite::ModelDef;

namespace {

struct PeerCase {
  const char* file;
  bool kws;
  int resize;                     // kws: 0 = MFCC, 32 = |STFT| 256/128 resized to 32x32
  const char* label_order;        // kws: model output order
  std::array<double, 2> metric;   // kws: accuracy % (first entry); forecast: MAE T, RH
};

const PeerCase kCases[] = {
    {"g7_kws_a.tflite.zlib", true, 0, "down go left no right stop up yes", {91.375, 0}},
    {"g7_kws_b.tflite.zlib", true, 0, "down go left no right stop up yes", {91.0, 0}},
    {"g7_kws_c.tflite.zlib", true, 32, "down go left no right stop up yes", {91.75, 0}},
    {"g3_22_kws_a.tflite", true, 0, "stop up yes right left no down go", {94.625, 0}},
    {"g3_22_kws_c.tflite", true, 0, "stop up yes right left no down go", {91.125, 0}},
    {"g7_th_a.tflite.zlib", false, 0, "", {0.443, 1.872}},
    {"g7_th_b.tflite.zlib", false, 0, "", {0.416, 1.956}},
    {"g5_th_a.tflite.zlib", false, 0, "", {0.374, 1.823}},
    {"g5_th_b.tflite.zlib", false, 0, "", {0.440, 1.956}},
};

fs::path data_root() {
  const char* env = std::getenv("TINYFIT_DATA");
  return env && *env ? fs::path(env) : fs::path(TINYFIT_DEFAULT_DATA);
}

struct Inputs {
  std::vector<float> values;
  size_t count = 0;
  std::vector<int> labels;           // kws
  data::WindowSet windows;           // forecast
};

Inputs make_inputs(const PeerCase& c) {
  Inputs in;
  if (c.kws) {
    dsp::FeatureOptions o;
    if (c.resize) {
      o.frame_length = 256;
      o.frame_step = 128;
      o.resize = c.resize;
    }
    auto f = dsp::split_features(data_root(), data::Split::Test, o, dsp::FeatureCacheOptions{.quiet = true}).features;
    in.values = std::move(f.values);
    in.labels = std::move(f.labels);
    in.count = in.labels.size();
  } else {
    const auto series = data::read_weather_csv(data_root() / "jena" / "jena_climate_10min_2021_2024.csv");
    in.windows = data::make_forecast_data(series, data::kCourseNormalizer).test;
    in.values = in.windows.inputs;
    in.count = in.windows.count;
  }
  return in;
}

// Per-model tolerance: int8 outputs (DEQUANTIZE at the end) may differ by one quantum; float and
// hybrid outputs by 1e-5 of the output's range.
double tolerance(const ModelDef& m, const std::vector<float>& reference) {
  const int out = m.outputs[0];
  for (const auto& op : m.operators) {
    if (op.outputs[0] == out && op.opcode == static_cast<int>(tflite::BuiltinOp::Dequantize)) {
      const auto& q = m.tensors[static_cast<size_t>(op.inputs[0])].quant;
      if (!q.empty()) return q.scale[0] * 1.001;
    }
  }
  double range = 0;
  for (float v : reference) range = std::max(range, std::fabs(static_cast<double>(v)));
  return 1e-5 * std::max(range, 1.0);
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(static_cast<double>(a[i]) - b[i]));
  return d;
}

std::array<double, 2> metric(const PeerCase& c, const Inputs& in, const std::vector<float>& outputs) {
  if (!c.kws) return data::mae(outputs, in.windows.labels);
  std::vector<int> order;
  std::istringstream words(c.label_order);
  for (std::string w; words >> w;)
    order.push_back(static_cast<int>(std::find(data::kKeywords.begin(), data::kKeywords.end(), w) - data::kKeywords.begin()));
  size_t correct = 0;
  for (size_t i = 0; i < in.count; ++i) {
    const float* s = outputs.data() + i * order.size();
    correct += order[static_cast<size_t>(std::max_element(s, s + order.size()) - s)] == in.labels[i];
  }
  return {100.0 * static_cast<double>(correct) / static_cast<double>(in.count), 0};
}

class PeerModel : public ::testing::TestWithParam<PeerCase> {};

TEST_P(PeerModel, MatchesOfficialRuntimeAndPublishedMetric) {
  const PeerCase& c = GetParam();
  const fs::path path = fs::path(TINYFIT_DEFAULT_DATA) / ".." / "peer_models" / c.file;
  if (!fs::exists(path) || !fs::is_directory(data_root())) GTEST_SKIP() << "peer models or data absent";
  std::string why;
  const auto modules = official_runtime_modules(&why);

  const ModelDef model = tflite::read_model_file(path);
  const Inputs in = make_inputs(c);
  // The official runtime hands full-int8 models to XNNPACK: compare with tinyfit's XNNPACK numerics.
  const auto xnnpack = tflite::Int8Numerics::Xnnpack;
  const auto fast = tflite::run_batch(model, in.values, in.count, {.reference_only = false, .int8_numerics = xnnpack});
  const auto ref = tflite::run_batch(model, in.values, in.count, {.reference_only = true, .int8_numerics = xnnpack});

  // The published metric, measured on tinyfit's outputs: within one clip (KWS) or 0.0015 (MAE).
  const auto got = metric(c, in, fast);
  const double slack = c.kws ? 100.0 / static_cast<double>(in.count) + 1e-9 : 0.0015;
  EXPECT_NEAR(got[0], c.metric[0], slack) << c.file;
  if (!c.kws) {
    EXPECT_NEAR(got[1], c.metric[1], slack) << c.file;
  }
  EXPECT_NEAR(metric(c, in, ref)[0], got[0], slack) << c.file << ": reference vs fast kernels";

  if (!modules) GTEST_SKIP() << "official runtime unavailable: " << why;
  std::string error;
  const auto official = run_official(*modules, path, in.values, in.count, &error);
  ASSERT_EQ(official.size(), fast.size()) << error;
  const double tol = tolerance(model, official);
  std::printf("  %s: metric %.4f (official column %.4f), max |tinyfit - official| fast %.6g, reference %.6g (tolerance %.6g)\n",
              c.file, got[0], c.metric[0], max_abs_diff(fast, official), max_abs_diff(ref, official), tol);
  EXPECT_LE(max_abs_diff(fast, official), tol) << c.file << " (fast kernels)";
  EXPECT_LE(max_abs_diff(ref, official), tol) << c.file << " (reference kernels)";

  // The same model re-written by tinyfit's writer (no names, no converter metadata) must load in the
  // official runtime and give the same outputs.
  const fs::path rewritten = fs::temp_directory_path() / (std::string("tinyfit_rewritten_") + c.file);
  tflite::write_model_file(model, rewritten, tflite::WriteOptions{.zlib = false});
  const auto official_rewritten = run_official(*modules, rewritten, in.values, in.count, &error);
  fs::remove(rewritten);
  ASSERT_EQ(official_rewritten.size(), fast.size()) << error;
  EXPECT_EQ(max_abs_diff(official_rewritten, official), 0.0) << c.file << ": rewritten file differs";
}

INSTANTIATE_TEST_SUITE_P(Official, PeerModel, ::testing::ValuesIn(kCases), [](const auto& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.find('.'));
  return name;
});

}  // namespace
}  // namespace tinyfit::test
