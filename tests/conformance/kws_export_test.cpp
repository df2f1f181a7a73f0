// A residual int8 file written by `tinyfit kws` (QUANTIZE, int8 CONV_2D / DEPTHWISE_CONV_2D, int8 ADD
// of two differently scaled inputs, MEAN, FULLY_CONNECTED, DEQUANTIZE) runs in the official TensorFlow
// Lite runtime with the same outputs as in tinyfit's interpreter, on all 800 test clips. A small net is
// trained for one epoch through the CLI (seconds); the criterion is bit equality of the dequantized
// outputs, and the test prints the largest difference in output quantization steps. Skips without the
// data, the tinyfit binary (built without LibTorch) or npm.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "conformance/official_runner.hpp"
#include "data/speech_commands.hpp"
#include "dsp/split_features.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/metadata.hpp"
#include "tflite/reader.hpp"

namespace tinyfit::test {
namespace {
namespace fs = std::filesystem;
using tflite::BuiltinOp;

fs::path data_root() {
  const char* env = std::getenv("TINYFIT_DATA");
  return env && *env ? fs::path(env) : fs::path(TINYFIT_DEFAULT_DATA);
}

int count_ops(const tflite::ModelDef& m, BuiltinOp op) {
  int n = 0;
  for (const auto& o : m.operators) n += o.opcode == static_cast<int32_t>(op);
  return n;
}

// The scale of the int8 logits the final DEQUANTIZE reads: one output quantization step.
float output_step(const tflite::ModelDef& m) {
  for (const auto& op : m.operators)
    if (op.opcode == static_cast<int32_t>(BuiltinOp::Dequantize) && op.outputs[0] == m.outputs[0])
      return m.tensors[static_cast<size_t>(op.inputs[0])].quant.scale.at(0);
  return 0.0f;
}

TEST(KwsExport, ResidualInt8FileMatchesTheOfficialRuntime) {
  if (!fs::exists(data_root() / "kws_splits")) GTEST_SKIP() << "no speech-commands data at " << data_root();
  if (!fs::exists(TINYFIT_BINARY)) GTEST_SKIP() << "tinyfit not built (LibTorch absent)";
  std::string why;
  const auto modules = official_runtime_modules(&why);
  if (!modules) GTEST_SKIP() << "official runtime unavailable: " << why;

  const fs::path out = fs::temp_directory_path() / ("tinyfit_kws_export_" + std::to_string(::getpid()));
  // Log-mel 49 x 40, a 2 x 4 stride stem, two residual blocks: every int8 op kind the kws exports use.
  const std::string cmd = std::string(TINYFIT_BINARY) + " -q kws --version a --epochs 1 --qat-epochs 0 --family residual" +
                          " --channels 8 --blocks 2 --expansion 2 --coeff 0 --bins 40 --stem-kernel 3x3 --stem-stride 2x4" +
                          " --out " + out.string() + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto report = nlohmann::json::parse(std::ifstream(out / "kws_a.json"));
  const fs::path model_path = report["model"].get<std::string>();
  const tflite::ModelDef model = tflite::read_model_file(model_path);
  ASSERT_EQ(count_ops(model, BuiltinOp::Add), 2);
  const auto meta = tflite::find_metadata(model, "kws");
  ASSERT_TRUE(meta && meta->features);

  const auto f = dsp::split_features(data_root(), data::Split::Test, *meta->features, {.quiet = true}).features;
  const auto fast = tflite::run_batch(model, f.values, f.size(), {.reference_only = false});
  const auto ref = tflite::run_batch(model, f.values, f.size(), {.reference_only = true});
  std::string error;
  const auto official = run_official(*modules, model_path, f.values, f.size(), &error);
  ASSERT_EQ(official.size(), fast.size()) << error;

  const double step = output_step(model);
  ASSERT_GT(step, 0.0);
  double diff_fast = 0.0, diff_ref = 0.0;
  size_t same_class = 0;
  for (size_t i = 0; i < official.size(); ++i) {
    diff_fast = std::max(diff_fast, std::fabs(static_cast<double>(fast[i]) - official[i]));
    diff_ref = std::max(diff_ref, std::fabs(static_cast<double>(ref[i]) - official[i]));
  }
  for (size_t i = 0; i < f.size(); ++i) {
    const float* a = fast.data() + i * 8;
    const float* b = official.data() + i * 8;
    same_class += std::max_element(a, a + 8) - a == std::max_element(b, b + 8) - b;
  }
  std::printf("  residual int8 %zu bytes: max |tinyfit - official| fast %.3g, reference %.3g (%.2f / %.2f steps); "
              "same class on %zu / %zu clips\n",
              static_cast<size_t>(fs::file_size(model_path)), diff_fast, diff_ref, diff_fast / step, diff_ref / step,
              same_class, f.size());
  EXPECT_EQ(diff_fast, 0.0) << "fast kernels: " << diff_fast / step << " output steps";
  EXPECT_EQ(diff_ref, 0.0) << "reference kernels: " << diff_ref / step << " output steps";
  EXPECT_EQ(same_class, f.size());
  fs::remove_all(out);
}

}  // namespace
}  // namespace tinyfit::test
