// Every file `tinyfit forecast` can write runs in the official TensorFlow Lite runtime with the same
// outputs as in tinyfit's interpreter: a quick training (2 epochs) per export variant through the
// CLI, then both runtimes on the raw test windows (relative 1e-5 of the output range). Skips without
// the Jena data, the tinyfit binary (built without LibTorch) or npm.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "conformance/official_runner.hpp"
#include "data/forecast_windows.hpp"
#include "data/weather_csv.hpp"
#include "models/forecast_weights.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/reader.hpp"

namespace tinyfit::test {
namespace {
namespace fs = std::filesystem;

struct Variant {
  const char* name;
  const char* args;  // appended to `tinyfit forecast`
};

// Every layout (tight is the default) and weight format, with DEQUANTIZE at operator-code version 1
// (the int8 variants). Hybrid FCs only per tensor: the command refuses per-row hybrid
// (FULLY_CONNECTED version 12 does not load in the pinned official runtime).
const Variant kVariants[] = {
    {"tight_shared_bias_unit", "--hidden 4 --weights int8 --scales shared --output-bias unit"},
    {"tight_per_tensor_rows", "--hidden 4 --weights int8 --scales tensor --output-bias rows"},
    {"tight_per_tensor_bias_unit", "--hidden 4 --weights int8 --scales tensor --output-bias unit"},
    {"tight_per_row", "--hidden 4 --weights int8 --scales row --output-bias rows"},
    {"tight_metadata", "--hidden 2 --metadata"},
    {"tight_flat", "--hidden 4 --weights int8 --flat-output"},
    {"compact_per_tensor", "--hidden 4 --weights int8 --scales tensor --layout compact"},
    {"converter_metadata", "--hidden 4 --weights int8 --layout converter --metadata"},
    {"int8_linear", "--hidden 0 --weights int8 --scales row --output-bias rows"},
    {"int8_linear_per_tensor", "--hidden 0 --weights int8 --scales tensor --output-bias rows"},
    {"hybrid_per_tensor", "--hidden 4 --weights hybrid --scales tensor --output-bias rows"},
    {"float_bias_unit", "--hidden 4 --weights float --output-bias unit"},
    {"float_linear_flat", "--hidden 0 --weights float --flat-output --output-bias rows"},
    // CNN-1D (the unfolded convolution in a FULLY_CONNECTED, or RESHAPE -> CONV_2D) and int8 activations (int8 FCs, int32
    // biases, QUANTIZE / DEQUANTIZE), after one epoch of quantization-aware training.
    {"cnn1d_shared_bias_unit", "--family cnn1d --filters 2 --weights int8 --scales shared --output-bias unit"},
    {"cnn1d_per_tensor_rows", "--family cnn1d --filters 3 --kernel 2 --weights int8 --scales tensor --output-bias rows"},
    {"cnn1d_conv2d", "--family cnn1d --filters 3 --cnn-export conv2d --scales tensor --output-bias rows"},
    {"cnn1d_conv2d_float", "--family cnn1d --filters 2 --kernel 2 --cnn-export conv2d --weights float --scales tensor "
                           "--output-bias rows"},
    {"int8_activations", "--hidden 4 --activations int8 --qat-epochs 1"},
    {"int8_hidden_activations", "--hidden 4 --activations int8-hidden --qat-epochs 1"},
    {"cnn1d_int8_activations", "--family cnn1d --filters 2 --activations int8 --qat-epochs 1"},
};

fs::path data_root() {
  const char* env = std::getenv("TINYFIT_DATA");
  return env && *env ? fs::path(env) : fs::path(TINYFIT_DEFAULT_DATA);
}

fs::path jena_csv() { return data_root() / "jena" / "jena_climate_10min_2021_2024.csv"; }

const data::WindowSet& raw_test_windows() {
  static const data::WindowSet windows =
      data::make_forecast_data(data::read_weather_csv(jena_csv()), models::kRawInputs).test;
  return windows;
}

class ForecastExport : public ::testing::TestWithParam<Variant> {};

TEST_P(ForecastExport, OfficialRuntimeGivesTinyfitsOutputs) {
  const Variant& v = GetParam();
  if (!fs::exists(jena_csv())) GTEST_SKIP() << "no Jena data at " << jena_csv();
  if (!fs::exists(TINYFIT_BINARY)) GTEST_SKIP() << "tinyfit not built (LibTorch absent)";
  std::string why;
  const auto modules = official_runtime_modules(&why);
  if (!modules) GTEST_SKIP() << "official runtime unavailable: " << why;

  const fs::path out = fs::temp_directory_path() / ("tinyfit_fc_export_" + std::string(v.name) + "_" +
                                                    std::to_string(::getpid()));
  const std::string cmd = std::string(TINYFIT_BINARY) + " -q forecast --version b --epochs 2 --seeds 1 --csv " +
                          jena_csv().string() + " --out " + out.string() + " " + v.args + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const fs::path model_path = out / "th_b.tflite";

  const data::WindowSet& w = raw_test_windows();
  const tflite::ModelDef model = tflite::read_model_file(model_path);
  const auto fast = tflite::run_batch(model, w.inputs, w.count, {.reference_only = false});
  const auto ref = tflite::run_batch(model, w.inputs, w.count, {.reference_only = true});
  std::string error;
  const auto official = run_official(*modules, model_path, w.inputs, w.count, &error);
  ASSERT_EQ(official.size(), fast.size()) << v.name << ": " << error;

  double range = 1.0, diff_fast = 0.0, diff_ref = 0.0;
  for (size_t i = 0; i < official.size(); ++i) {
    range = std::max(range, std::fabs(static_cast<double>(official[i])));
    diff_fast = std::max(diff_fast, std::fabs(static_cast<double>(fast[i]) - official[i]));
    diff_ref = std::max(diff_ref, std::fabs(static_cast<double>(ref[i]) - official[i]));
  }
  // The MAE the command reported is the official runtime's too.
  const auto reported = nlohmann::json::parse(std::ifstream(out / "th_b.json"))["test"]["mae"];
  const auto mae = data::mae(official, w.labels);
  std::printf("  %-24s %5zu bytes  official MAE T %.4f RH %.4f  max |tinyfit - official| fast %.3g, reference %.3g\n",
              v.name, static_cast<size_t>(fs::file_size(model_path)), mae[0], mae[1], diff_fast, diff_ref);
  EXPECT_LE(diff_fast, 1e-5 * range) << v.name;
  EXPECT_LE(diff_ref, 1e-5 * range) << v.name;
  EXPECT_NEAR(mae[0], reported["T"].get<double>(), 1e-5) << v.name;
  EXPECT_NEAR(mae[1], reported["RH"].get<double>(), 1e-5) << v.name;
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Variants, ForecastExport, ::testing::ValuesIn(kVariants),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tinyfit::test
