#include "data/speech_commands.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "data/audio.hpp"
#include "data/data_test_support.hpp"
#include "data/sha256.hpp"

namespace tinyfit::data {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::TempDir;
namespace fs = std::filesystem;

// A data root in a temp dir: writes the test split file and the clips it needs.
class SyntheticRoot {
 public:
  fs::path clip(std::string_view rel) const { return dir_ / "mini_speech_commands" / std::string(rel); }
  void split(std::string_view text) const { testing::write_text(dir_ / "kws_splits/kws_test_split.txt", text); }
  void wav(std::string_view rel, const std::vector<int16_t>& s, int rate = 16000) const {
    fs::create_directories(clip(rel).parent_path());
    write_pcm16_wav(clip(rel), s, rate);
  }
  void flac(std::string_view rel, const std::vector<int16_t>& s) const {
    fs::create_directories(clip(rel).parent_path());
    write_pcm16_flac(clip(rel), s, 16000);
  }
  const fs::path& root() const { return dir_.path(); }

 private:
  TempDir dir_;
};

TEST(SpeechCommands, SplitNamesRoundTrip) {
  for (Split s : {Split::Train, Split::Val, Split::Test}) EXPECT_EQ(parse_split(split_name(s)), s);
  expect_contains(error_of([] { parse_split("validation"); }), {"validation", "train, val or test"});
}

TEST(SpeechCommands, ResolvesWavOrFlacAndLabels) {
  SyntheticRoot r;
  r.flac("down/aaa_nohash_0.flac", {1});
  r.wav("yes/bbb_nohash_1.wav", {2});
  r.wav("go/ccc_nohash_0.wav", {3});
  r.flac("go/ccc_nohash_0.flac", {3});
  r.split("./data/mini_speech_commands/down/aaa_nohash_0.wav\r\n\n"
          "  yes/bbb_nohash_1.wav\n"
          "/elsewhere/go/ccc_nohash_0.flac\n");
  const std::vector<ClipRef> refs = read_split(r.root(), Split::Test);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].file, r.clip("down/aaa_nohash_0.flac"));  // listed .wav absent: .flac taken
  EXPECT_EQ(refs[0].label, 0);
  EXPECT_EQ(refs[0].key, "down/aaa_nohash_0");
  EXPECT_EQ(refs[1].file, r.clip("yes/bbb_nohash_1.wav"));
  EXPECT_EQ(refs[1].label, 7);
  EXPECT_EQ(refs[2].file, r.clip("go/ccc_nohash_0.flac"));  // both exist: the listed extension wins
  EXPECT_EQ(refs[2].label, 1);
}

TEST(SpeechCommands, MissingClipNamesLineAndBothCandidates) {
  SyntheticRoot r;
  r.wav("up/x_nohash_0.wav", {1});
  r.split("./data/mini_speech_commands/up/x_nohash_0.wav\n./data/mini_speech_commands/up/gone_nohash_0.wav\n");
  const std::string msg = error_of([&] { read_split(r.root(), Split::Test); });
  expect_contains(msg, {"kws_test_split.txt:2", r.clip("up/gone_nohash_0.wav").string(),
                        r.clip("up/gone_nohash_0.flac").string()});
}

TEST(SpeechCommands, BadLinesAreReportedWithLineNumbers) {
  SyntheticRoot r;
  r.wav("up/x_nohash_0.wav", {1});
  r.split("up/x_nohash_0.wav\nmaybe/x_nohash_0.wav\n");
  expect_contains(error_of([&] { read_split(r.root(), Split::Test); }), {"kws_test_split.txt:2", "'maybe'"});
  r.split("up/x_nohash_0.wav\n\nup/x_nohash_0.wav\n");
  expect_contains(error_of([&] { read_split(r.root(), Split::Test); }), {"kws_test_split.txt:3", "twice"});
  r.split("\n\n");
  expect_contains(error_of([&] { read_split(r.root(), Split::Test); }), {"no clips"});
  expect_contains(error_of([&] { read_split(r.root(), Split::Train); }), {"kws_train_split.txt"});
}

TEST(SpeechCommands, LoadScalesPadsAndKeepsOrder) {
  SyntheticRoot r;
  std::vector<int16_t> full(kClipSamples);
  for (size_t i = 0; i < full.size(); ++i) full[i] = static_cast<int16_t>(i % 2000 - 1000);
  r.wav("no/short_nohash_0.wav", {-32768, 16384, 32767, -1});
  r.flac("left/full_nohash_0.flac", full);
  r.split("no/short_nohash_0.wav\nleft/full_nohash_0.wav\n");
  const std::vector<ClipRef> refs = read_split(r.root(), Split::Test);
  Progress quiet("clips", refs.size(), /*quiet=*/true);
  for (int threads : {1, 2}) {
    const ClipSet set = load_clips(refs, threads, &quiet);
    ASSERT_EQ(set.size(), 2u);
    ASSERT_EQ(set.samples.size(), 2 * kClipSamples);
    EXPECT_EQ(set.labels, (std::vector<int>{3, 2}));
    EXPECT_EQ(set.keys, (std::vector<std::string>{"no/short_nohash_0", "left/full_nohash_0"}));
    const auto a = set.clip(0);
    EXPECT_EQ(a[0], -1.0f);
    EXPECT_EQ(a[1], 0.5f);
    EXPECT_EQ(a[2], 32767.0f / 32768.0f);
    EXPECT_EQ(a[3], -1.0f / 32768.0f);
    for (size_t i = 4; i < kClipSamples; ++i) ASSERT_EQ(a[i], 0.0f) << "padding at " << i;
    const auto b = set.clip(1);
    for (size_t i = 0; i < kClipSamples; ++i) ASSERT_EQ(b[i], full[i] / 32768.0f) << i;
  }
}

TEST(SpeechCommands, LoadRejectsWrongRateLengthAndCorruptFiles) {
  SyntheticRoot r;
  r.wav("stop/ok_nohash_0.wav", {1, 2});
  r.wav("stop/slow_nohash_0.wav", {1, 2}, 8000);
  r.wav("stop/long_nohash_0.wav", std::vector<int16_t>(kClipSamples + 1));
  testing::write_text(r.clip("stop/bad_nohash_0.wav"), "RIFF garbage");
  r.split("stop/ok_nohash_0.wav\nstop/slow_nohash_0.wav\nstop/long_nohash_0.wav\nstop/bad_nohash_0.wav\n");
  const std::vector<ClipRef> refs = read_split(r.root(), Split::Test);
  expect_contains(error_of([&] { load_clips({refs[1]}, 2); }), {"slow_nohash_0.wav", "8000 Hz"});
  expect_contains(error_of([&] { load_clips({refs[2]}, 2); }), {"long_nohash_0.wav", "16001 samples"});
  expect_contains(error_of([&] { load_clips({refs[0], refs[3]}, 2); }), {"bad_nohash_0.wav"});
  fs::remove(refs[0].file);
  expect_contains(error_of([&] { load_clips({refs[0]}, 1); }), {"ok_nohash_0.wav", "not found"});
}

TEST(SpeechCommands, FingerprintFollowsFilesAndSplit) {
  SyntheticRoot r;
  r.wav("up/a_nohash_0.wav", {1, 2, 3});
  r.wav("up/b_nohash_0.wav", {4});
  r.split("up/a_nohash_0.wav\nup/b_nohash_0.wav\n");
  const auto refs = read_split(r.root(), Split::Test);
  const uint64_t base = split_fingerprint(r.root(), Split::Test, refs);
  EXPECT_EQ(split_fingerprint(r.root(), Split::Test, refs), base);
  r.wav("up/b_nohash_0.wav", {4, 5});  // a changed clip
  const uint64_t changed = split_fingerprint(r.root(), Split::Test, refs);
  EXPECT_NE(changed, base);
  r.split("up/b_nohash_0.wav\nup/a_nohash_0.wav\n");  // same clips, other order
  EXPECT_NE(split_fingerprint(r.root(), Split::Test, read_split(r.root(), Split::Test)), changed);
}

// ---- the real data set ----

TEST(SpeechCommandsRealData, SplitSizesAndLabelCounts) {
  TINYFIT_REQUIRE_DATA(root);
  const std::map<Split, std::vector<size_t>> expected = {
      {Split::Train, {805, 785, 807, 771, 805, 810, 816, 801}},
      {Split::Val, {99, 100, 88, 108, 99, 97, 99, 110}},
      {Split::Test, {96, 115, 105, 121, 96, 93, 85, 89}}};
  std::set<std::string> all_keys;
  for (const auto& [split, counts] : expected) {
    const std::vector<ClipRef> refs = read_split(root, split);
    std::vector<size_t> got(kKeywords.size(), 0);
    for (const ClipRef& r : refs) {
      ++got[static_cast<size_t>(r.label)];
      all_keys.insert(r.key);
    }
    EXPECT_EQ(got, counts) << split_name(split);
  }
  EXPECT_EQ(all_keys.size(), 8000u);  // disjoint splits, together every clip once
}

// Every test clip decodes to exactly the PCM of the manifest (sample count and sha256).
TEST(SpeechCommandsRealData, TestClipsMatchManifest) {
  TINYFIT_REQUIRE_DATA(root);
  std::map<std::string, std::pair<size_t, std::string>> manifest;  // key -> (samples, pcm sha256)
  std::ifstream in(root / "mini_speech_commands.manifest.tsv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string path, samples, pcm_sha;
    fields >> path >> samples >> pcm_sha;
    const std::string rel = path.substr(path.find('/') + 1);
    manifest[rel.substr(0, rel.rfind('.'))] = {std::stoul(samples), pcm_sha};
  }
  ASSERT_EQ(manifest.size(), 8000u);

  const std::vector<ClipRef> refs = read_split(root, Split::Test);
  const ClipSet set = load_clips(refs);
  ASSERT_EQ(set.size(), 800u);
  for (size_t i = 0; i < set.size(); ++i) {
    const auto& [samples, sha] = manifest.at(set.keys[i]);
    std::vector<uint8_t> pcm;
    const auto clip = set.clip(i);
    for (size_t j = 0; j < samples; ++j) {
      const auto v = static_cast<uint16_t>(static_cast<int16_t>(clip[j] * 32768.0f));
      pcm.push_back(static_cast<uint8_t>(v & 0xFF));
      pcm.push_back(static_cast<uint8_t>(v >> 8));
    }
    ASSERT_EQ(testing::sha256_hex(pcm), sha) << set.keys[i];
    for (size_t j = samples; j < kClipSamples; ++j) ASSERT_EQ(clip[j], 0.0f) << set.keys[i];
  }
}

}  // namespace
}  // namespace tinyfit::data
