#include "tflite/model_bytes.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.hpp"

namespace tinyfit::tflite {

bool has_tflite_identifier(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data() + 4, "TFL3", 4) == 0;
}

bool has_zlib_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < 2) return false;
  const unsigned cmf = bytes[0], flg = bytes[1];
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0;
}

namespace {

// Owns a z_stream so every exit path releases zlib's state.
class Inflater {
 public:
  Inflater() {
    if (inflateInit(&stream_) != Z_OK) throw Error("zlib: inflateInit failed");
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* operator->() { return &stream_; }
  z_stream* get() { return &stream_; }

 private:
  z_stream stream_{};
};

}  // namespace

std::vector<uint8_t> zlib_inflate(std::span<const uint8_t> bytes, const std::string& source_name,
                                  size_t max_bytes) {
  // zlib counts in uInt; refuse inputs it cannot take in one go rather than looping over chunks.
  if (bytes.size() > std::numeric_limits<uInt>::max()) throw Error(source_name + ": zlib stream too large");
  Inflater z;
  z->next_in = const_cast<Bytef*>(bytes.data());  // zlib's API is not const-correct; it only reads
  z->avail_in = static_cast<uInt>(bytes.size());
  std::vector<uint8_t> out;
  constexpr size_t kChunk = 64 * 1024;
  for (;;) {
    const size_t have = out.size();
    if (have >= max_bytes) {
      throw Error(source_name + ": zlib stream inflates to more than " + std::to_string(max_bytes) +
                  " bytes (refused)");
    }
    // Grow by at most one chunk, and never past one byte beyond the cap (to detect overflow).
    const size_t room = std::min(kChunk, max_bytes + 1 - have);
    out.resize(have + room);
    z->next_out = out.data() + have;
    z->avail_out = static_cast<uInt>(room);
    const int rc = inflate(z.get(), Z_NO_FLUSH);
    out.resize(have + (room - z->avail_out));
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && z->avail_in == 0) throw Error(source_name + ": zlib stream is truncated");
    const char* why = z->msg ? z->msg : "corrupt data";
    throw Error(source_name + ": zlib stream is corrupt (" + why + ")");
  }
  if (out.size() > max_bytes) {
    throw Error(source_name + ": zlib stream inflates to more than " + std::to_string(max_bytes) +
                " bytes (refused)");
  }
  if (z->avail_in != 0) throw Error(source_name + ": trailing bytes after the zlib stream");
  return out;
}

std::vector<uint8_t> zlib_deflate(std::span<const uint8_t> bytes, int level) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::vector<uint8_t> out(size);
  if (compress2(out.data(), &size, bytes.data(), static_cast<uLong>(bytes.size()), level) != Z_OK) {
    throw Error("zlib: compression failed");
  }
  out.resize(size);
  return out;
}

ModelBytes unpack_model_bytes(std::span<const uint8_t> bytes, const std::string& source_name) {
  ModelBytes result;
  result.stored_size = bytes.size();
  if (has_tflite_identifier(bytes)) {
    result.flatbuffer.assign(bytes.begin(), bytes.end());
    return result;
  }
  if (!has_zlib_header(bytes)) {
    throw Error(source_name + ": not a TFLite model (no \"TFL3\" identifier at bytes 4..7) and not a "
                              "zlib stream (" + std::to_string(bytes.size()) + " bytes)");
  }
  result.flatbuffer = zlib_inflate(bytes, source_name);
  result.compressed = true;
  if (!has_tflite_identifier(result.flatbuffer)) {
    throw Error(source_name + ": the zlib stream does not hold a TFLite model (no \"TFL3\" identifier "
                              "in the " + std::to_string(result.flatbuffer.size()) + " inflated bytes)");
  }
  return result;
}

}  // namespace tinyfit::tflite
