// `tinyfit latency` end to end on the peer models: the JSON report is complete and consistent
// (no timing thresholds: the machines vary), and a model/feature mismatch is one clear error.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace tinyfit::test {
namespace fs = std::filesystem;

namespace {

fs::path peer_model(const std::string& file) { return fs::path(TINYFIT_DEFAULT_DATA) / ".." / "peer_models" / file; }

void expect_consistent_report(const std::string& file, const std::string& finish_stage) {
  const fs::path model = peer_model(file);
  if (!fs::exists(model)) GTEST_SKIP() << "peer model absent: " << model;
  const CliResult r = run_cli("latency --json --runs 5 --sleep-ms 0 --model " + model.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("runs"), 5);
  for (const char* clock : {"inference_ms", "total_ms"})
    for (const char* stat : {"mean", "median", "p90"}) ASSERT_TRUE(j.at(clock).contains(stat)) << clock << stat;
  const double inference = j["inference_ms"]["mean"], total = j["total_ms"]["mean"];
  EXPECT_GT(inference, 0.0);
  EXPECT_GE(total, inference);
  double stages = 0;
  for (const char* stage : {"resample", "stft", "copy_in", "invoke"}) stages += j.at("stages_ms").at(stage).get<double>();
  stages += j["stages_ms"].at(finish_stage).get<double>();
  EXPECT_LE(stages, total * (1 + 1e-9));
  EXPECT_DOUBLE_EQ(j["stages_ms"]["invoke"].get<double>(), inference);
}

}  // namespace

TEST(LatencyCli, HybridMfccModelReportsEveryClockAndStage) {
  expect_consistent_report("g7_kws_b.tflite.zlib", "mel_log_dct");
}

TEST(LatencyCli, FullInt8ModelReportsEveryClockAndStage) {
  expect_consistent_report("g3_22_kws_c.tflite", "mel_log_dct");
}

TEST(LatencyCli, ResizeFeaturesNameTheirStage) {
  const fs::path model = peer_model("g7_kws_c.tflite.zlib");
  if (!fs::exists(model)) GTEST_SKIP() << "peer model absent: " << model;
  const CliResult r = run_cli("latency --json --runs 2 --sleep-ms 0 --length 256 --stride 128 --resize 32 --model " +
                              model.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["stages_ms"].contains("resize")) << r.out;
  EXPECT_EQ(j["input_shape"], nlohmann::json::array({32, 32}));
}

TEST(LatencyCli, PerOpSplitsTheInvokeByOperator) {
  const fs::path model = peer_model("g3_22_kws_c.tflite");
  if (!fs::exists(model)) GTEST_SKIP() << "peer model absent: " << model;
  const CliResult r = run_cli("latency --json --per-op --runs 3 --sleep-ms 0 --model " + model.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["per_op"].is_array());
  ASSERT_GE(j["per_op"].size(), 3u);
  double sum = 0.0;
  for (const auto& o : j["per_op"]) {
    EXPECT_FALSE(o["op"].get<std::string>().empty());
    EXPECT_GE(o["mean_ms"].get<double>(), 0.0);
    sum += o["mean_ms"].get<double>();
  }
  // The operators run inside the invoke stage, so their times cannot add up to more than it.
  EXPECT_LE(sum, j["stages_ms"]["invoke"].get<double>() * 1.0001);
  EXPECT_GT(sum, 0.5 * j["stages_ms"]["invoke"].get<double>());
  // Without the flag, no per-operator key.
  const CliResult plain = run_cli("latency --json --runs 1 --sleep-ms 0 --model " + model.string());
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_FALSE(nlohmann::json::parse(plain.out).contains("per_op"));
}

TEST(LatencyCli, FeaturesThatDoNotFitTheModelAreOneClearError) {
  const fs::path model = peer_model("g7_kws_b.tflite.zlib");
  if (!fs::exists(model)) GTEST_SKIP() << "peer model absent: " << model;
  const CliResult r = run_cli("latency --runs 2 --sleep-ms 0 --resize 32 --model " + model.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("490"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("feature flags"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(LatencyCli, LabelsMustMatchTheOutputs) {
  const fs::path model = peer_model("g3_22_kws_c.tflite");
  if (!fs::exists(model)) GTEST_SKIP() << "peer model absent: " << model;
  const CliResult r = run_cli("latency --runs 1 --sleep-ms 0 --labels stop,up,yes --model " + model.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("8 outputs"), std::string::npos) << r.err;
}

}  // namespace tinyfit::test
