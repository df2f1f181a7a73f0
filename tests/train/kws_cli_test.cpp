// `tinyfit kws` end to end on the real clips with a tiny net and one epoch (seconds): the files it
// writes and the kws_<v>.json keys the report command reads; bad model flags give one error line.
// Skips without the speech-commands data.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "cli/run_cli.hpp"
#include "tflite/metadata.hpp"
#include "tflite/reader.hpp"
#include "tflite/writer.hpp"

namespace {

namespace fs = std::filesystem;
using tinyfit::test::run_cli;

fs::path data_root() {
  const char* env = std::getenv("TINYFIT_DATA");
  return env && *env ? fs::path(env) : fs::path(TINYFIT_DEFAULT_DATA);
}

std::string data_flag() { return " --data-dir " + data_root().string(); }

TEST(KwsCli, WritesModelsAndTheReportJson) {
  if (!fs::exists(data_root() / "kws_splits")) GTEST_SKIP() << "no speech-commands data at " << data_root();
  const fs::path out = fs::temp_directory_path() / ("tinyfit_kws_cli_" + std::to_string(::getpid()));
  const auto r = run_cli("-q kws --version c --epochs 1 --qat-epochs 1 --family residual --channels 4 --blocks 1 "
                         "--expansion 2 --coeff 10 --stem-kernel 3x3 --stem-stride 2x2 --out " + out.string() + data_flag());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(std::ifstream(out / "kws_c.json"));

  EXPECT_EQ(j["family"], "residual");
  EXPECT_EQ(j["channels"], 4);
  EXPECT_EQ(j["blocks"], 1);
  EXPECT_EQ(j["expansion"], 2);
  EXPECT_EQ(j["stem"]["stride"], nlohmann::json({2, 2}));
  EXPECT_EQ(j["bytes"].get<size_t>(), fs::file_size(j["model"].get<std::string>()));
  EXPECT_EQ(j["float_bytes"].get<size_t>(), fs::file_size(j["float_model"].get<std::string>()));
  EXPECT_GT(j["parameters"].get<int>(), 0);

  // float32 -> int8 -> zlib, each with its bytes; the delivered file is one of the last two.
  const auto& steps = j["compression"];
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0]["step"], "float32");
  EXPECT_EQ(steps[0]["bytes"], j["float_bytes"]);
  const std::string int8_step = steps[1]["step"];
  EXPECT_TRUE(int8_step == "int8 (PTQ)" || int8_step == "int8 (QAT)") << int8_step;
  EXPECT_EQ(int8_step == "int8 (QAT)", j["quantization"] == "QAT");
  EXPECT_EQ(steps[2]["step"].get<std::string>().rfind("zlib", 0), 0u);
  EXPECT_EQ(j["bytes"], steps[2]["delivered"].get<bool>() ? steps[2]["bytes"] : steps[1]["bytes"]);

  // Keys the report command reads.
  const auto& history = j["training"]["history"];
  ASSERT_EQ(history.size(), 1u);
  for (const char* k : {"epoch", "loss", "val_accuracy", "best", "seconds"}) EXPECT_TRUE(history[0].contains(k)) << k;
  EXPECT_EQ(j["training"]["qat_history"].size(), 1u);
  for (const char* k : {"rate", "length", "stride", "bins", "coeff", "lower", "upper", "resize"})
    EXPECT_TRUE(j["features"].contains(k)) << k;
  EXPECT_EQ(j["features"]["coeff"], 10);
  EXPECT_EQ(j["test"]["labels"].size(), 8u);
  int clips = 0;
  for (const auto& row : j["test"]["confusion"])
    for (const auto& n : row) clips += n.get<int>();
  EXPECT_EQ(clips, 800);
  EXPECT_EQ(j["constraints"].size(), 2u);
  EXPECT_FALSE(j["description"].get<std::string>().empty());

  // The report command takes what kws really writes (not only its own fixtures).
  const auto rep = run_cli("-q report --pdf no --runs " + out.string() + " --out " + (out / "report").string());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  std::stringstream html;
  html << std::ifstream(out / "report" / "report.html").rdbuf();
  EXPECT_NE(html.str().find("kws_c"), std::string::npos);
  fs::remove_all(out);
}

TEST(KwsCli, PruningReachesTheFileAndTheJson) {
  if (!fs::exists(data_root() / "kws_splits")) GTEST_SKIP() << "no speech-commands data at " << data_root();
  const fs::path out = fs::temp_directory_path() / ("tinyfit_kws_prune_" + std::to_string(::getpid()));
  const auto r = run_cli("-q kws --version a --epochs 2 --family residual --channels 4 --blocks 1 --expansion 2 "
                         "--coeff 10 --stem-kernel 3x3 --stem-stride 2x2 --sparsity 0.6 --prune-begin 0 --prune-end 0.5 "
                         "--out " + out.string() + data_flag());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(std::ifstream(out / "kws_a.json"));
  EXPECT_EQ(j["pruning"]["sparsity"], 0.6);
  EXPECT_EQ(j["pruning"]["layers"], "all");
  EXPECT_NEAR(j["pruning"]["zero_fraction"].get<double>(), 0.6, 0.01);
  EXPECT_EQ(j["compression"][2]["step"], "zlib (pruned)");
  EXPECT_EQ(j["compression"][2]["sparsity"], j["pruning"]["zero_fraction"]);  // the report shows it
  EXPECT_GE(j["training"]["best_epoch"].get<int>(), 1);
  fs::remove_all(out);
}

TEST(KwsCli, DistillsFromATeacherFileOnTheSameFeatures) {
  if (!fs::exists(data_root() / "kws_splits")) GTEST_SKIP() << "no speech-commands data at " << data_root();
  const fs::path out = fs::temp_directory_path() / ("tinyfit_kws_distill_" + std::to_string(::getpid()));
  const std::string tiny = "-q kws --version a --epochs 1 --family residual --channels 4 --blocks 1 --expansion 2 "
                           "--coeff 10 --stem-kernel 3x3 --stem-stride 2x2 ";
  const auto t = run_cli(tiny + "--out " + (out / "teacher").string() + data_flag());
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const fs::path teacher = out / "teacher" / "kws_a.tflite";
  const auto r = run_cli(tiny + "--teacher " + teacher.string() + " --distill-alpha 0.7 --distill-temperature 3 --out " +
                         (out / "student").string() + data_flag());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(std::ifstream(out / "student" / "kws_a.json"));
  EXPECT_EQ(j["distillation"]["teacher"], teacher.string());
  EXPECT_EQ(j["distillation"]["alpha"], 0.7);
  EXPECT_EQ(j["distillation"]["temperature"], 3.0);
  const auto tj = nlohmann::json::parse(std::ifstream(out / "teacher" / "kws_a.json"));
  EXPECT_EQ(j["distillation"]["teacher_val_accuracy"], tj["val"]["accuracy_int8"]);  // the same file on the same clips
  EXPECT_TRUE(tj["distillation"].is_null());
  // A teacher on other features (log-mel, the default) is refused before any training, naming both.
  const auto bad = run_cli("-q kws --version a --epochs 1 --teacher " + teacher.string() + " --out " +
                           (out / "bad").string() + data_flag());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("MFCC"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("log-mel"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(out / "bad" / "kws_a.json"));
  // So is a teacher whose outputs are in another keyword order.
  tinyfit::tflite::ModelDef shuffled = tinyfit::tflite::read_model_file(teacher);
  auto meta = *tinyfit::tflite::find_metadata(shuffled, teacher.string());
  std::swap(meta.labels[0], meta.labels[1]);
  tinyfit::tflite::set_metadata(shuffled, meta);
  const fs::path shuffled_file = out / "shuffled.tflite";
  tinyfit::tflite::write_model_file(shuffled, shuffled_file);
  const auto order = run_cli(tiny + "--teacher " + shuffled_file.string() + " --out " + (out / "bad").string() + data_flag());
  EXPECT_NE(order.exit_code, 0);
  EXPECT_NE(order.err.find("orders its outputs differently"), std::string::npos) << order.err;
  fs::remove_all(out);
}

TEST(KwsCli, NoiseAugmentationReachesTheJson) {
  if (!fs::exists(data_root() / "kws_splits")) GTEST_SKIP() << "no speech-commands data at " << data_root();
  const fs::path out = fs::temp_directory_path() / ("tinyfit_kws_noise_" + std::to_string(::getpid()));
  const auto r = run_cli("-q kws --version a --epochs 1 --family residual --channels 4 --blocks 1 --expansion 2 "
                         "--coeff 10 --stem-kernel 3x3 --stem-stride 2x2 --noise-prob 0.5 --noise-snr 5:20 --out " +
                         out.string() + data_flag());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(std::ifstream(out / "kws_a.json"));
  EXPECT_EQ(j["training"]["noise_prob"], 0.5);
  EXPECT_EQ(j["training"]["noise_snr_db"], nlohmann::json::array({5.0, 20.0}));
  fs::remove_all(out);
  for (const std::string flags : {"--noise-snr 20:5", "--noise-snr loud", "--noise-prob 2"}) {
    const auto bad = run_cli("-q kws --version a --epochs 1 --out /tmp/tinyfit_kws_cli_bad " + flags + data_flag());
    EXPECT_NE(bad.exit_code, 0) << flags;
    EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << flags << ": " << bad.err;
    EXPECT_NE(bad.err.find("--noise"), std::string::npos) << flags << ": " << bad.err;
  }
}

TEST(KwsCli, BadDistillationFlagsGiveOneErrorLine) {
  const fs::path junk = fs::temp_directory_path() / ("tinyfit_kws_junk_" + std::to_string(::getpid()) + ".tflite");
  std::ofstream(junk) << "not a model";
  const std::pair<std::string, std::string> cases[] = {{"--distill-alpha 0.5", "--teacher"},
                                                       {"--teacher /nonexistent.tflite", "--teacher"},
                                                       {"--teacher " + junk.string(), junk.filename().string()},
                                                       {"--teacher " + junk.string() + " --distill-alpha 2", "--distill-alpha"}};
  for (const auto& [flags, named] : cases) {
    const auto r = run_cli("-q kws --version a --epochs 1 --out /tmp/tinyfit_kws_cli_bad " + flags + data_flag());
    EXPECT_NE(r.exit_code, 0) << flags;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << flags << ": " << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << flags << ": " << r.err;
  }
  fs::remove(junk);
}

TEST(KwsCli, BadPruningFlagsGiveOneErrorLine) {
  const std::pair<std::string, std::string> cases[] = {
      {"--sparsity 1.5", "--sparsity"}, {"--prune-begin 0.8 --prune-end 0.5", "--prune-begin"}, {"--prune-layers some", "--prune-layers"}};
  for (const auto& [flags, named] : cases) {
    const auto r = run_cli("-q kws --version a --epochs 1 --out /tmp/tinyfit_kws_cli_bad " + flags + data_flag());
    EXPECT_NE(r.exit_code, 0) << flags;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << flags << ": " << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << flags << ": " << r.err;
  }
}

TEST(KwsCli, BadModelFlagsGiveOneErrorLine) {
  if (!fs::exists(data_root() / "kws_splits")) GTEST_SKIP() << "no speech-commands data at " << data_root();
  for (const std::string flags : {"--stem-kernel 3y3", "--stem-stride 0x2", "--stem-kernel 60x3 --coeff 10"}) {
    const auto r = run_cli("-q kws --version a --epochs 1 --out /tmp/tinyfit_kws_cli_bad " + flags + data_flag());
    EXPECT_NE(r.exit_code, 0) << flags;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << flags << ": " << r.err;
    EXPECT_NE(r.err.find("stem"), std::string::npos) << flags << ": " << r.err;
  }
}

}  // namespace
