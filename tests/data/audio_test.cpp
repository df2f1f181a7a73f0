#include "data/audio.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include "data/data_test_support.hpp"

namespace tinyfit::data {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::TempDir;
namespace fs = std::filesystem;

// A minimal RIFF/WAVE file written byte by byte, for formats write_pcm16_wav refuses to produce.
std::string wav_bytes(uint16_t format_tag, uint16_t channels, uint32_t rate, uint16_t bits, size_t data_bytes) {
  std::string out;
  auto u32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) out += static_cast<char>(v >> (8 * i)); };
  auto u16 = [&](uint16_t v) { for (int i = 0; i < 2; ++i) out += static_cast<char>(v >> (8 * i)); };
  const uint16_t block = static_cast<uint16_t>(channels * bits / 8);
  out += "RIFF";
  u32(static_cast<uint32_t>(36 + data_bytes));
  out += "WAVEfmt ";
  u32(16);
  u16(format_tag);
  u16(channels);
  u32(rate);
  u32(rate * block);
  u16(block);
  u16(bits);
  out += "data";
  u32(static_cast<uint32_t>(data_bytes));
  out.append(data_bytes, '\x01');
  return out;
}

std::vector<int16_t> noise(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-32768, 32767);
  std::vector<int16_t> v(n);
  for (auto& s : v) s = static_cast<int16_t>(dist(rng));
  return v;
}

void truncate_to(const fs::path& path, uintmax_t size) { fs::resize_file(path, size); }

TEST(Audio, WavRoundTripIsCanonicalAndExact) {
  TempDir dir;
  const std::vector<int16_t> samples = {-32768, -1, 0, 1, 32767, 1234};
  write_pcm16_wav(dir / "a.wav", samples, 16000);
  EXPECT_EQ(fs::file_size(dir / "a.wav"), 44u + 2 * samples.size());
  int rate = 0;
  EXPECT_EQ(read_pcm16(dir / "a.wav", &rate), samples);
  EXPECT_EQ(rate, 16000);
  EXPECT_EQ(read_pcm16(dir / "a.wav", nullptr), samples);
}

TEST(Audio, FlacRoundTripIsExact) {
  TempDir dir;
  const std::vector<int16_t> samples = noise(5000, 1);
  write_pcm16_flac(dir / "a.flac", samples, 8000);
  int rate = 0;
  EXPECT_EQ(read_pcm16(dir / "a.flac", &rate), samples);
  EXPECT_EQ(rate, 8000);
}

TEST(Audio, EmptyClipReadsAsNoSamples) {
  TempDir dir;
  write_pcm16_wav(dir / "empty.wav", {}, 16000);
  EXPECT_TRUE(read_pcm16(dir / "empty.wav", nullptr).empty());
}

TEST(Audio, MissingFileIsNamed) {
  TempDir dir;
  const std::string msg = error_of([&] { read_pcm16(dir / "nope.wav", nullptr); });
  expect_contains(msg, {"not found", "nope.wav"});
}

TEST(Audio, GarbageFileIsNamed) {
  TempDir dir;
  testing::write_text(dir / "junk.wav", "this is not a RIFF file at all, just text");
  const std::string msg = error_of([&] { read_pcm16(dir / "junk.wav", nullptr); });
  expect_contains(msg, {"junk.wav", "corrupt"});
}

TEST(Audio, TruncatedWavIsRejected) {
  TempDir dir;
  write_pcm16_wav(dir / "cut.wav", noise(1000, 2), 16000);
  truncate_to(dir / "cut.wav", 44 + 500);
  const std::string msg = error_of([&] { read_pcm16(dir / "cut.wav", nullptr); });
  expect_contains(msg, {"truncated", "cut.wav"});
}

TEST(Audio, TruncatedFlacIsRejected) {
  TempDir dir;
  write_pcm16_flac(dir / "cut.flac", noise(16000, 3), 16000);
  truncate_to(dir / "cut.flac", fs::file_size(dir / "cut.flac") / 2);
  const std::string msg = error_of([&] { read_pcm16(dir / "cut.flac", nullptr); });
  expect_contains(msg, {"cut.flac"});
}

// Bytes flipped inside the audio frames: FLAC's frame checksums catch it instead of returning noise.
TEST(Audio, CorruptFlacFramesAreRejected) {
  TempDir dir;
  const fs::path path = dir / "bad.flac";
  write_pcm16_flac(path, noise(16000, 4), 16000);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  testing::write_text(path, bytes);
  expect_contains(error_of([&] { read_pcm16(path, nullptr); }), {"bad.flac", "corrupt"});
}

TEST(Audio, StereoIsRejectedWithChannelCount) {
  TempDir dir;
  testing::write_text(dir / "stereo.wav", wav_bytes(1, 2, 16000, 16, 400));
  const std::string msg = error_of([&] { read_pcm16(dir / "stereo.wav", nullptr); });
  expect_contains(msg, {"stereo.wav", "mono", "2 channels"});
}

TEST(Audio, OtherSampleFormatsAreRejectedByName) {
  TempDir dir;
  testing::write_text(dir / "u8.wav", wav_bytes(1, 1, 16000, 8, 100));
  testing::write_text(dir / "f32.wav", wav_bytes(3, 1, 16000, 32, 400));
  testing::write_text(dir / "s24.wav", wav_bytes(1, 1, 16000, 24, 300));
  for (const char* name : {"u8.wav", "f32.wav", "s24.wav"}) {
    const std::string msg = error_of([&] { read_pcm16(dir / name, nullptr); });
    expect_contains(msg, {name, "expected 16-bit PCM"});
  }
  expect_contains(error_of([&] { read_pcm16(dir / "f32.wav", nullptr); }), {"float"});
}

TEST(Audio, WriteRejectsBadRateAndLeavesNoFile) {
  TempDir dir;
  const std::vector<int16_t> samples = {1, 2, 3};
  expect_contains(error_of([&] { write_pcm16_wav(dir / "bad.wav", samples, 0); }), {"bad.wav", "sample rate"});
  EXPECT_FALSE(fs::exists(dir / "bad.wav"));
}

}  // namespace
}  // namespace tinyfit::data
