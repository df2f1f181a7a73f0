// The bytes around a TFLite flatbuffer: model files are stored either raw (identifier "TFL3" at
// bytes 4..7) or as a zlib stream of those bytes (what the exercise's `.tflite.zlib` files are).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tinyfit::tflite {

// Inflated models larger than this are refused: a zlib stream can expand ~1000x, so a tiny hostile
// file must not be able to demand gigabytes. Real tinyfit models are kilobytes.
inline constexpr size_t kMaxModelBytes = size_t{64} << 20;

bool has_tflite_identifier(std::span<const uint8_t> bytes);
// A zlib header (RFC 1950): deflate method and a valid header checksum.
bool has_zlib_header(std::span<const uint8_t> bytes);

// Inflates a whole zlib stream (with header). Throws Error naming `source_name` if the stream is
// corrupt, truncated, followed by trailing bytes, or would inflate past `max_bytes`.
std::vector<uint8_t> zlib_inflate(std::span<const uint8_t> bytes, const std::string& source_name,
                                  size_t max_bytes = kMaxModelBytes);
// A zlib stream (with header) at the given level (9 = best compression, as the exercise does).
std::vector<uint8_t> zlib_deflate(std::span<const uint8_t> bytes, int level = 9);

struct ModelBytes {
  std::vector<uint8_t> flatbuffer;  // the raw TFLite bytes
  bool compressed = false;          // the input was a zlib stream
  size_t stored_size = 0;           // size of the input (compressed size when compressed)
};

// Raw TFLite bytes from a file's content: as is when it carries "TFL3", else inflated from zlib.
// Throws Error naming `source_name` when it is neither, or the inflated bytes lack "TFL3".
ModelBytes unpack_model_bytes(std::span<const uint8_t> bytes, const std::string& source_name);

}  // namespace tinyfit::tflite
