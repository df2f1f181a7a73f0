// Reading run JSON: what the fixtures hold, what is reported missing, and that bad files give one
// clear error naming the file (and the key).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"
#include "report/runs.hpp"
#include "report/report_test_support.hpp"

namespace tinyfit::test {

using report::load_runs;

std::string error_of(const fs::path& dir) {
  try {
    load_runs(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ReportRuns, ReadsEveryVersionPresentAndListsTheMissingOnes) {
  const report::RunSet runs = load_runs(fixture_runs());
  ASSERT_EQ(runs.kws.size(), 1u);
  ASSERT_TRUE(runs.kws.count("b"));
  EXPECT_EQ(runs.forecast.size(), 2u);
  EXPECT_EQ(runs.missing_files, (std::vector<std::string>{"kws_a.json", "kws_c.json"}));

  const report::KwsRun& b = runs.kws.at("b");
  EXPECT_DOUBLE_EQ(b.accuracy, 92.0);
  EXPECT_EQ(b.labels.size(), 8u);
  EXPECT_EQ(b.confusion.size(), 8u);
  EXPECT_EQ(b.training.best_epoch, 23);
  EXPECT_EQ(b.training.history.size(), 30u);
  ASSERT_NE(b.constraint("course"), nullptr);
  EXPECT_TRUE(b.constraint("course")->passed);
  EXPECT_FALSE(b.constraint("ours")->find("accuracy")->ok);
  ASSERT_TRUE(b.latency.has_value());  // latency_b.json sits beside it
  EXPECT_EQ(b.latency->stages.size(), 5u);
}

TEST(ReportRuns, FindsTheModelInTheRunsFolderWhenItsPathIsGone) {
  // kws_b.json names /tmp/kws_me/kws_b.tflite.zlib (the machine that trained it).
  const report::RunSet runs = load_runs(fixture_runs());
  const report::KwsRun& b = runs.kws.at("b");
  ASSERT_TRUE(b.model_file.has_value());
  EXPECT_EQ(b.model_file->filename(), "kws_b.tflite.zlib");
  ASSERT_TRUE(b.model.has_value());
  EXPECT_TRUE(b.notes.empty());
}

TEST(ReportRuns, PrefersTheModelWhoseSizeTheRunRecorded) {
  // The path in the JSON exists but holds another model (a later run): the runs folder's copy,
  // whose size matches "bytes", is the one described.
  const fs::path dir = scratch("stale_model");
  copy_fixtures(dir);
  const fs::path other = scratch("stale_model_elsewhere") / "th_a.tflite";
  fs::copy_file(dir / "th_b.tflite", other);
  nlohmann::json j = read_json(dir / "th_a.json");
  j["model"] = other.string();
  write_text(dir / "th_a.json", j.dump());
  const report::ForecastRun a = report::load_forecast_run(dir / "th_a.json", dir);
  ASSERT_TRUE(a.model_file.has_value());
  EXPECT_EQ(*a.model_file, dir / "th_a.tflite");
  EXPECT_TRUE(a.notes.empty());
  // Only the mismatching file: it is used, with a note saying so.
  fs::remove(dir / "th_a.tflite");
  const report::ForecastRun stale = report::load_forecast_run(dir / "th_a.json", dir);
  EXPECT_EQ(*stale.model_file, other);
  ASSERT_EQ(stale.notes.size(), 1u);
  EXPECT_NE(stale.notes[0].find("1144 bytes"), std::string::npos) << stale.notes[0];
}

TEST(ReportRuns, OptionalKeysThatAreAbsentAreListed) {
  const report::RunSet runs = load_runs(fixture_runs());
  const auto& th_b = runs.forecast.at("b").missing_keys;
  EXPECT_NE(std::find(th_b.begin(), th_b.end(), "test.mae_per_step"), th_b.end());
  EXPECT_NE(std::find(th_b.begin(), th_b.end(), "test.sample"), th_b.end());
  const auto& th_a = runs.forecast.at("a");
  EXPECT_TRUE(th_a.mae_per_step.has_value());
  EXPECT_TRUE(th_a.sample.has_value());
  const auto& kws_b = runs.kws.at("b").missing_keys;
  EXPECT_NE(std::find(kws_b.begin(), kws_b.end(), "compression"), kws_b.end());
}

TEST(ReportRuns, CompressionStepsAreReadInOrder) {
  const fs::path dir = scratch("compression");
  copy_fixtures(dir);
  nlohmann::json j = read_json(dir / "kws_b.json");
  j["compression"] = {{{"step", "float32"}, {"bytes", 83748}},
                      {{"step", "pruned"}, {"bytes", 83748}, {"sparsity", 0.5}},
                      {{"step", "zlib"}, {"bytes", 27324}}};
  write_text(dir / "kws_b.json", j.dump());
  const report::KwsRun b = report::load_kws_run(dir / "kws_b.json", dir);
  ASSERT_EQ(b.compression.size(), 3u);
  EXPECT_EQ(b.compression[1].step, "pruned");
  EXPECT_DOUBLE_EQ(*b.compression[1].sparsity, 0.5);
  EXPECT_FALSE(b.compression[0].sparsity.has_value());
  EXPECT_EQ(std::find(b.missing_keys.begin(), b.missing_keys.end(), "compression"), b.missing_keys.end());
}

TEST(ReportRuns, DistillationIsDescribedWhenTheRunHadATeacher) {
  const fs::path dir = scratch("distillation");
  copy_fixtures(dir);
  nlohmann::json j = read_json(dir / "kws_b.json");
  j["distillation"] = nullptr;  // what kws writes without --teacher
  write_text(dir / "kws_b.json", j.dump());
  EXPECT_FALSE(report::load_kws_run(dir / "kws_b.json", dir).distilled.has_value());
  j["distillation"] = {{"teacher", "/runs/c/kws_c.tflite.zlib"}, {"alpha", 0.5}, {"temperature", 4.0},
                       {"teacher_val_accuracy", 97.625}};
  write_text(dir / "kws_b.json", j.dump());
  const report::KwsRun b = report::load_kws_run(dir / "kws_b.json", dir);
  ASSERT_TRUE(b.distilled.has_value());
  EXPECT_EQ(*b.distilled, "distilled from kws_c.tflite.zlib (alpha 0.5, T 4)");
}

TEST(ReportRuns, MalformedJsonNamesTheFile) {
  const fs::path dir = scratch("malformed");
  copy_fixtures(dir);
  write_text(dir / "th_b.json", "{\"version\": \"b\", ");
  const std::string e = error_of(dir);
  EXPECT_NE(e.find("th_b.json"), std::string::npos) << e;
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
}

TEST(ReportRuns, MissingRequiredKeyNamesFileAndKey) {
  const fs::path dir = scratch("missing_key");
  copy_fixtures(dir);
  nlohmann::json j = read_json(dir / "kws_b.json");
  j["test"].erase("accuracy");
  write_text(dir / "kws_b.json", j.dump());
  const std::string e = error_of(dir);
  EXPECT_NE(e.find("kws_b.json"), std::string::npos) << e;
  EXPECT_NE(e.find("\"test.accuracy\" is missing"), std::string::npos) << e;
}

TEST(ReportRuns, WrongTypeNamesTheKeyInsideAnArray) {
  const fs::path dir = scratch("wrong_type");
  copy_fixtures(dir);
  nlohmann::json j = read_json(dir / "th_a.json");
  j["training"]["history"][3]["loss"] = "low";
  write_text(dir / "th_a.json", j.dump());
  const std::string e = error_of(dir);
  EXPECT_NE(e.find("th_a.json"), std::string::npos) << e;
  EXPECT_NE(e.find("training.history[3].loss"), std::string::npos) << e;
}

TEST(ReportRuns, EmptyOrAbsentFolderIsAClearError) {
  const fs::path dir = scratch("empty");
  EXPECT_NE(error_of(dir).find("no run results"), std::string::npos);
  EXPECT_NE(error_of(dir / "nope").find("runs folder not found"), std::string::npos);
}

TEST(ReportRuns, UnreadableModelFileIsANoteNotAFailure) {
  const fs::path dir = scratch("bad_model");
  copy_fixtures(dir);
  write_text(dir / "th_b.tflite", "not a model");
  const report::RunSet runs = load_runs(dir);
  const report::ForecastRun& b = runs.forecast.at("b");
  EXPECT_FALSE(b.model.has_value());
  // Two notes: its size is not the one recorded, and it cannot be read (naming the file).
  ASSERT_EQ(b.notes.size(), 2u);
  EXPECT_NE(b.notes[1].find("unreadable"), std::string::npos) << b.notes[1];
  EXPECT_NE(b.notes[1].find("th_b.tflite"), std::string::npos) << b.notes[1];
}

}  // namespace tinyfit::test
