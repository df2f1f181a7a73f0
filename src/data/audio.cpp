#include "data/audio.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace tinyfit::data {
namespace fs = std::filesystem;

namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

// libsndfile reports a failed sf_open through a process-wide error slot; opening under a lock keeps
// the message of one failing file from being replaced by another thread's.
std::mutex open_mutex;

SndfilePtr open_for_reading(const fs::path& path, SF_INFO& info) {
  std::lock_guard<std::mutex> lock(open_mutex);
  info = SF_INFO{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr)
    throw Error("cannot read audio file " + path.string() + ": " + sf_strerror(nullptr) +
                " (corrupt, or not a WAV/FLAC file)");
  return SndfilePtr(f);
}

std::string subtype_name(int format) {
  SF_FORMAT_INFO fi{};
  fi.format = format & SF_FORMAT_SUBMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.name != nullptr) return fi.name;
  return "sample format 0x" + std::to_string(fi.format);
}

// libsndfile silently shortens a WAV whose header promises more data than the file holds, so a cut-off
// download would read as a short clip. Compare the RIFF size field with the real file size instead.
void check_riff_complete(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char head[8] = {};
  if (!in.read(reinterpret_cast<char*>(head), sizeof(head)) || std::memcmp(head, "RIFF", 4) != 0) return;
  const uint64_t declared = uint64_t{head[4]} | uint64_t{head[5]} << 8 | uint64_t{head[6]} << 16 |
                            uint64_t{head[7]} << 24;
  // 0 and 0xFFFFFFFF are what streaming writers leave when they cannot seek back: size unknown.
  if (declared == 0 || declared == 0xFFFFFFFFu) return;
  std::error_code ec;
  const uint64_t actual = fs::file_size(path, ec);
  if (!ec && declared + 8 > actual)
    throw Error("truncated audio file " + path.string() + ": its header declares " + std::to_string(declared + 8) +
                " bytes but the file has " + std::to_string(actual));
}

// In-memory file for libsndfile's virtual I/O, so that encoded bytes can be written atomically.
struct MemoryFile {
  std::vector<uint8_t> bytes;
  sf_count_t pos = 0;
};

SF_VIRTUAL_IO memory_io() {
  SF_VIRTUAL_IO io{};
  io.get_filelen = [](void* user) -> sf_count_t {
    return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size());
  };
  io.seek = [](sf_count_t offset, int whence, void* user) -> sf_count_t {
    auto* m = static_cast<MemoryFile*>(user);
    const sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : static_cast<sf_count_t>(m->bytes.size());
    m->pos = std::max<sf_count_t>(0, base + offset);
    return m->pos;
  };
  io.read = [](void* ptr, sf_count_t count, void* user) -> sf_count_t {
    auto* m = static_cast<MemoryFile*>(user);
    const sf_count_t size = static_cast<sf_count_t>(m->bytes.size());
    const sf_count_t n = std::clamp<sf_count_t>(size - m->pos, 0, count);
    if (n > 0) std::memcpy(ptr, m->bytes.data() + m->pos, static_cast<size_t>(n));
    m->pos += n;
    return n;
  };
  io.write = [](const void* ptr, sf_count_t count, void* user) -> sf_count_t {
    auto* m = static_cast<MemoryFile*>(user);
    const size_t end = static_cast<size_t>(m->pos + count);
    if (m->bytes.size() < end) m->bytes.resize(end);
    std::memcpy(m->bytes.data() + m->pos, ptr, static_cast<size_t>(count));
    m->pos += count;
    return count;
  };
  io.tell = [](void* user) -> sf_count_t { return static_cast<MemoryFile*>(user)->pos; };
  return io;
}

void write_pcm16(const fs::path& path, std::span<const int16_t> samples, int sample_rate, int major_format) {
  if (sample_rate <= 0) throw Error("cannot write " + path.string() + ": invalid sample rate " + std::to_string(sample_rate));
  MemoryFile memory;
  SF_VIRTUAL_IO io = memory_io();
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = major_format | SF_FORMAT_PCM_16;
  {
    SNDFILE* raw = sf_open_virtual(&io, SFM_WRITE, &info, &memory);
    if (raw == nullptr) throw Error("cannot encode " + path.string() + ": " + sf_strerror(nullptr));
    SndfilePtr file(raw);
    const auto n = static_cast<sf_count_t>(samples.size());
    if (sf_write_short(file.get(), samples.data(), n) != n)
      throw Error("cannot encode " + path.string() + ": " + sf_strerror(file.get()));
  }  // sf_close finalises the header (sizes, FLAC STREAMINFO) before the bytes are written out
  write_file_atomic(path, std::span<const uint8_t>(memory.bytes));
}

}  // namespace

std::vector<int16_t> read_pcm16(const fs::path& path, int* sample_rate) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error("audio file not found: " + path.string());
  SF_INFO info;
  SndfilePtr file = open_for_reading(path, info);
  if (info.channels != 1)
    throw Error("unsupported audio file " + path.string() + ": expected mono, found " +
                std::to_string(info.channels) + " channels");
  if ((info.format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_16)
    throw Error("unsupported audio file " + path.string() + ": expected 16-bit PCM samples, found " +
                subtype_name(info.format));
  if (info.frames < 0 || info.frames > std::numeric_limits<int32_t>::max())
    throw Error("unsupported audio file " + path.string() + ": unknown or implausible length (" +
                std::to_string(info.frames) + " samples)");
  if ((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV) check_riff_complete(path);

  std::vector<int16_t> samples(static_cast<size_t>(info.frames));
  const sf_count_t got = sf_read_short(file.get(), samples.data(), info.frames);
  if (got != info.frames || sf_error(file.get()) != SF_ERR_NO_ERROR)
    throw Error("corrupt or truncated audio file " + path.string() + ": decoded " + std::to_string(got) + " of " +
                std::to_string(info.frames) + " samples (" + sf_strerror(file.get()) + ")");
  if (sample_rate != nullptr) *sample_rate = info.samplerate;
  return samples;
}

void write_pcm16_wav(const fs::path& path, std::span<const int16_t> samples, int sample_rate) {
  write_pcm16(path, samples, sample_rate, SF_FORMAT_WAV);
}

void write_pcm16_flac(const fs::path& path, std::span<const int16_t> samples, int sample_rate) {
  write_pcm16(path, samples, sample_rate, SF_FORMAT_FLAC);
}

}  // namespace tinyfit::data
