// `tinyfit forecast` end to end on a small synthetic CSV: files written, JSON readable, and the same
// seed gives the same model bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include "cli/run_cli.hpp"
#include "core/atomic_file.hpp"
#include "data/weather_csv.hpp"

namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("tinyfit_forecast_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write_csv(const fs::path& path, int rows) {
  std::ofstream out(path);
  out << "\"Date Time\",\"T (degC)\",\"rh (%)\"\n";
  for (int i = 0; i < rows; ++i) {
    const double day = i / 144.0;
    out << tinyfit::data::format_jena_timestamp(1262304600 + int64_t{i} * 600) << ","
        << 10 + 6 * std::sin(2 * M_PI * day) + 0.2 * std::sin(i * 1.3) << ","
        << 70 - 15 * std::sin(2 * M_PI * day) + std::cos(i * 0.7) << "\n";
  }
}

int run(const std::string& args) {
  const std::string cmd = std::string(TINYFIT_BINARY) + " -q forecast " + args + " > /dev/null 2>&1";
  return std::system(cmd.c_str());
}

TEST(ForecastCli, WritesModelAndJsonReproducibly) {
  const fs::path dir = temp_dir("run");
  write_csv(dir / "w.csv", 1500);
  const std::string common = "--version b --csv " + (dir / "w.csv").string() + " --epochs 2 --seed 5 --out ";
  ASSERT_EQ(run(common + (dir / "one").string()), 0);
  ASSERT_EQ(run(common + (dir / "two").string()), 0);
  const auto a = tinyfit::read_file_bytes(dir / "one" / "th_b.tflite");
  EXPECT_EQ(a, tinyfit::read_file_bytes(dir / "two" / "th_b.tflite"));
  const auto j = nlohmann::json::parse(std::ifstream(dir / "one" / "th_b.json"));
  EXPECT_EQ(j["bytes"].get<size_t>(), a.size());
  EXPECT_EQ(j["constraints"].size(), 2u);
  EXPECT_EQ(j["training"]["history"].size(), 2u);
  EXPECT_GT(j["test"]["mae"]["T"].get<double>(), 0.0);
  // What the report command reads.
  EXPECT_EQ(j["family"], "mlp");
  EXPECT_EQ(j["hidden"], 2);
  EXPECT_EQ(j["parameters"], 5 * 12 + 5 + 12 * 5);  // b: 2 units + 2 skip units + the bias unit, no bias tensor
  const auto& steps = j["compression"];
  ASSERT_GE(steps.size(), 3u);
  EXPECT_EQ(steps.front()["step"], "float32");
  EXPECT_EQ(steps.back()["bytes"].get<size_t>(), a.size());
  for (size_t i = 1; i < steps.size(); ++i) EXPECT_LT(steps[i]["bytes"], steps[i - 1]["bytes"]) << steps[i]["step"];
  const auto& test = j["test"];
  for (const char* key : {"mae_per_step", "persistence_per_step"})
    for (const char* f : {"T", "RH"}) ASSERT_EQ(test[key][f].size(), 6u) << key << f;
  // The mean of the per-step errors is the headline MAE.
  double mean = 0;
  for (double v : test["mae_per_step"]["T"]) mean += v / 6;
  EXPECT_NEAR(mean, test["mae"]["T"].get<double>(), 1e-9);
  const auto& sample = test["sample"];
  const size_t windows = j["windows"]["test"].get<size_t>();
  EXPECT_EQ(sample["T_pred"].size(), std::min<size_t>(288, windows));
  EXPECT_EQ(sample["RH_true"].size(), sample["T_pred"].size());
  EXPECT_EQ(sample["step_minutes"], 10);
  EXPECT_EQ(sample["horizon_steps"], 6);
  // 1500 rows from 01.01.2010 00:10: the test split starts at row 1350.
  EXPECT_EQ(sample["first_window_start"], tinyfit::data::format_jena_timestamp(1262304600 + int64_t{1350} * 600));

  // The report command takes what forecast really writes (not only its own fixtures).
  const auto rep = tinyfit::test::run_cli("-q report --pdf no --runs " + (dir / "one").string() + " --out " +
                                          (dir / "report").string());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  std::stringstream html;
  html << std::ifstream(dir / "report" / "report.html").rdbuf();
  EXPECT_NE(html.str().find("th_b"), std::string::npos);
  fs::remove_all(dir);
}

// The CNN family with int8 activations (quantization-aware fine-tuning included) is as reproducible.
TEST(ForecastCli, CnnWithInt8ActivationsIsReproducible) {
  const fs::path dir = temp_dir("cnn_int8");
  write_csv(dir / "w.csv", 1500);
  const std::string common = "--version a --family cnn1d --filters 2 --activations int8 --qat-epochs 1 --csv " +
                             (dir / "w.csv").string() + " --epochs 2 --seeds 1 --seed 3 --out ";
  ASSERT_EQ(run(common + (dir / "one").string()), 0);
  ASSERT_EQ(run(common + (dir / "two").string()), 0);
  const auto a = tinyfit::read_file_bytes(dir / "one" / "th_a.tflite");
  EXPECT_EQ(a, tinyfit::read_file_bytes(dir / "two" / "th_a.tflite"));
  const auto j = nlohmann::json::parse(std::ifstream(dir / "one" / "th_a.json"));
  EXPECT_EQ(j["family"], "cnn1d");
  EXPECT_EQ(j["filters"], 2);
  EXPECT_EQ(j["kernel"], 3);
  EXPECT_EQ(j["hidden"], 4 * 2);  // 4 positions x 2 filters, unfolded
  EXPECT_EQ(j["activations"], "int8");
  EXPECT_EQ(j["scales"], "tensor");  // int8 activations take per-tensor weights and a bias tensor
  EXPECT_EQ(j["output_bias"], "rows");
  EXPECT_EQ(j["training"]["history"].size(), 3u);  // 2 float epochs + 1 with fake quantization
  EXPECT_EQ(j["training"]["val_mae_model"].size(), 2u);
  fs::remove_all(dir);
}

TEST(ForecastCli, ConflictingFamilyAndActivationOptionsAreOneLineErrors) {
  const fs::path dir = temp_dir("conflicts");
  write_csv(dir / "w.csv", 1500);
  const std::string csv = " --csv " + (dir / "w.csv").string() + " --out " + dir.string();
  for (const std::string args : {"--family cnn1d --kernel 7", "--family cnn1d --hidden 3",
                                 "--activations int8 --scales shared", "--activations int8-hidden --hidden 0",
                                 "--activations int8 --weights float"}) {
    const tinyfit::test::CliResult r = tinyfit::test::run_cli("-q forecast --version b " + args + csv);
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_EQ(tinyfit::test::count_lines(r.err), 1) << args << ": " << r.err;
  }
  EXPECT_FALSE(fs::exists(dir / "th_b.tflite"));
  fs::remove_all(dir);
}

TEST(ForecastCli, MissingCsvIsAClearError) {
  const fs::path dir = temp_dir("missing");
  EXPECT_NE(run("--version a --csv " + (dir / "nope.csv").string() + " --out " + dir.string()), 0);
  EXPECT_FALSE(fs::exists(dir / "th_a.tflite"));
  fs::remove_all(dir);
}

// Without --csv both commands want the course's file in the data directory, and say how to get it.
TEST(ForecastCli, MissingCourseCsvNamesFetchAndCsv) {
  const fs::path dir = temp_dir("default_csv");
  fs::create_directories(dir / "data" / "jena");
  const tinyfit::test::CliResult fc = tinyfit::test::run_cli("-q forecast --version a --data-dir " +
                                                             (dir / "data").string() + " --out " + dir.string());
  EXPECT_NE(fc.exit_code, 0);
  EXPECT_EQ(tinyfit::test::count_lines(fc.err), 1) << fc.err;
  EXPECT_NE(fc.err.find("tinyfit data fetch jena"), std::string::npos) << fc.err;
  EXPECT_NE(fc.err.find("--csv"), std::string::npos) << fc.err;
  EXPECT_FALSE(fs::exists(dir / "th_a.tflite"));

  write_csv(dir / "w.csv", 1500);
  ASSERT_EQ(run("--version b --csv " + (dir / "w.csv").string() + " --epochs 1 --seeds 1 --out " + dir.string()), 0);
  write_csv(dir / "data" / "jena" / "jena_climate_10min_2021_2024.csv", 10);  // the stand-in is mentioned
  const tinyfit::test::CliResult ev = tinyfit::test::run_cli("-q eval --task forecast --model " +
                                                             (dir / "th_b.tflite").string() + " --data-dir " +
                                                             (dir / "data").string());
  EXPECT_NE(ev.exit_code, 0);
  EXPECT_EQ(tinyfit::test::count_lines(ev.err), 1) << ev.err;
  EXPECT_NE(ev.err.find("tinyfit data fetch jena"), std::string::npos) << ev.err;
  EXPECT_NE(ev.err.find("stand-in"), std::string::npos) << ev.err;

  const tinyfit::test::CliResult cols = tinyfit::test::run_cli(
      "-q eval --task forecast --model " + (dir / "th_b.tflite").string() + " --csv " + (dir / "w.csv").string() +
      " --columns 'T (degC),RH'");
  EXPECT_NE(cols.exit_code, 0);
  EXPECT_EQ(tinyfit::test::count_lines(cols.err), 1) << cols.err;
  EXPECT_NE(cols.err.find("missing column \"RH\""), std::string::npos) << cols.err;
  fs::remove_all(dir);
}

}  // namespace
