// Reading and writing 16-bit mono PCM clips through libsndfile (WAV or FLAC containers).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace tinyfit::data {

// Reads every sample of a mono 16-bit PCM file (.wav, .flac or any container libsndfile reads).
// Stores the sample rate in *sample_rate when it is not null. Throws Error naming the file when it is
// missing, unreadable, corrupt or truncated, or not mono 16-bit PCM (saying what it is instead).
std::vector<int16_t> read_pcm16(const std::filesystem::path& path, int* sample_rate);

// Writes a canonical mono 16-bit PCM WAV file (44-byte header), atomically.
void write_pcm16_wav(const std::filesystem::path& path, std::span<const int16_t> samples, int sample_rate);

// Writes a mono 16-bit FLAC file, atomically (tests and tools that need the data set's own format).
void write_pcm16_flac(const std::filesystem::path& path, std::span<const int16_t> samples, int sample_rate);

}  // namespace tinyfit::data
