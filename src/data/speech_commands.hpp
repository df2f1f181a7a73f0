// Mini speech commands (spec HW2 §2): the course's fixed train/val/test split files and the clips they
// name, loaded as float samples in [-1, 1) padded to one second.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/parallel.hpp"
#include "core/progress.hpp"

namespace tinyfit::data {

// Label index = position in this (alphabetical) list = the clip's folder name.
inline constexpr std::array<std::string_view, 8> kKeywords = {"down", "go", "left", "no", "right", "stop", "up", "yes"};

enum class Split { Train, Val, Test };

// "train" | "val" | "test"; anything else throws Error listing the accepted names.
Split parse_split(std::string_view name);
const char* split_name(Split split);

struct ClipRef {
  std::filesystem::path file;  // the .wav or .flac that exists
  int label;                   // index into kKeywords
  std::string key;             // "<label>/<name>", e.g. "down/baeac2ba_nohash_0": stable across .wav/.flac
};

// <root>/kws_splits/kws_<split>_split.txt
std::filesystem::path split_file_path(const std::filesystem::path& root, Split split);

// Reads the split file; each line's last two path components name <label>/<name>.<ext>, mapped to
// <root>/mini_speech_commands/<label>/<name>.wav or .flac (the extension on the line is tried first).
// Blank lines are skipped. Throws Error naming the split file and line for an unknown label folder or a
// line too short to name a clip, and also both candidate paths when neither exists.
std::vector<ClipRef> read_split(const std::filesystem::path& root, Split split);

inline constexpr size_t kClipSamples = 16000;
inline constexpr int kClipSampleRate = 16000;

// Clips as rows of kClipSamples floats (row-major [size()][kClipSamples]).
struct ClipSet {
  std::vector<float> samples;
  std::vector<int> labels;
  std::vector<std::string> keys;

  size_t size() const { return labels.size(); }
  std::span<const float> clip(size_t i) const {
    return std::span<const float>(samples).subspan(i * kClipSamples, kClipSamples);
  }
};

// Decodes the clips on `threads` threads: int16 / 32768, zero-padded at the end to kClipSamples, in the
// order of `refs`. A clip that is not 16 kHz or longer than kClipSamples throws Error naming it, as do
// the errors of read_pcm16. `progress` (optional, total = refs.size()) is updated as clips finish; the
// caller owns it and calls finish().
ClipSet load_clips(const std::vector<ClipRef>& refs, int threads = default_threads(), Progress* progress = nullptr);

// A fingerprint of a split's data for cache keys: a 64-bit hash over the split file's bytes and each
// clip's key, file name, size and modification time. Cheap: nothing is decoded. Independent of `root`
// itself, so a cache survives moving the data directory.
uint64_t split_fingerprint(const std::filesystem::path& root, Split split, const std::vector<ClipRef>& refs);

}  // namespace tinyfit::data
