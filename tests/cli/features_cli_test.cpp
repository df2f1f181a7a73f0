// `tinyfit features` end to end on a tiny synthetic data set: export format, cache reuse, and
// the error path for a corrupt clip (clear message naming the file, no partial export).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "cli/run_cli.hpp"
#include "data/audio.hpp"

namespace tinyfit::test {
namespace fs = std::filesystem;

namespace {

// Two clips per split; each split file line uses the course's ./data/... .wav form.
fs::path make_data_set(const std::string& name) {
  const fs::path root = fs::temp_directory_path() / name;
  fs::remove_all(root);
  fs::create_directories(root / "kws_splits");
  const char* words[] = {"down", "yes"};
  for (const char* split : {"train", "val", "test"}) {
    std::ofstream list(root / "kws_splits" / (std::string("kws_") + split + "_split.txt"));
    for (int w = 0; w < 2; ++w) {
      const std::string file = std::string(split) + "_" + std::to_string(w) + "_nohash_0";
      fs::create_directories(root / "mini_speech_commands" / words[w]);
      std::vector<int16_t> pcm(12000 + 1000 * w);
      for (size_t i = 0; i < pcm.size(); ++i)
        pcm[i] = static_cast<int16_t>(8000 * std::sin(0.05 * (w + 1) * static_cast<double>(i)));
      data::write_pcm16_wav(root / "mini_speech_commands" / words[w] / (file + ".wav"), pcm, 16000);
      list << "./data/mini_speech_commands/" << words[w] << "/" << file << ".wav\n";
    }
  }
  return root;
}

}  // namespace

TEST(FeaturesCli, ExportsFloatRowsAndLabelsThenHitsCache) {
  const fs::path root = make_data_set("tinyfit_features_cli");
  const fs::path cache = root / "cache";
  const fs::path out = root / "test.f32";
  const std::string args = "features --data-dir " + root.string() + " --cache-dir " + cache.string() +
                           " --export " + out.string() + " --split test";
  const CliResult first = run_cli(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(fs::file_size(out), 2u * 49 * 10 * sizeof(float));
  EXPECT_EQ(slurp(fs::path(out.string() + ".labels")), "0\n7\n");
  EXPECT_EQ(first.out.find("(cached)"), std::string::npos) << first.out;

  const CliResult second = run_cli("--json " + args);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("\"cache_hit\": true"), std::string::npos) << second.out;

  // A different parameter must not reuse the cache.
  const CliResult other = run_cli("--json " + args + " --coeff 12");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.out.find("\"cache_hit\": false"), std::string::npos) << other.out;
  EXPECT_EQ(fs::file_size(out), 2u * 49 * 12 * sizeof(float));
  fs::remove_all(root);
}

TEST(FeaturesCli, CorruptClipIsNamedAndNoExportIsLeft) {
  const fs::path root = make_data_set("tinyfit_features_corrupt");
  const fs::path bad = root / "mini_speech_commands" / "yes" / "test_1_nohash_0.wav";
  { std::ofstream(bad, std::ios::trunc) << "RIFF garbage"; }
  const fs::path out = root / "test.f32";
  const CliResult r = run_cli("features --no-cache --data-dir " + root.string() + " --export " + out.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("test_1_nohash_0.wav"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(fs::path(out.string() + ".labels")));
  fs::remove_all(root);
}

TEST(FeaturesCli, InvalidFeatureParametersAreRejected) {
  const CliResult r = run_cli("features --no-cache --length 0");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
}

}  // namespace tinyfit::test
