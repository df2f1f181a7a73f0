// Output files appear whole or not at all: write to a temporary file beside the target, then rename.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

namespace tinyfit {

// Writes `bytes` to `path` atomically. Throws Error (naming the path) on failure.
void write_file_atomic(const std::filesystem::path& path, std::span<const uint8_t> bytes);
void write_file_atomic(const std::filesystem::path& path, std::string_view text);

// Streams into a temporary file via `fill`; renames onto `path` only if `fill` returns normally.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& fill);

// Reads a whole file. Throws Error naming the path if it is missing or unreadable.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path);

}  // namespace tinyfit
