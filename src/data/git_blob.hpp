// Git blob ids: how a data file is identified independently of where it came from (the id that
// `git hash-object FILE` prints, and that public repositories record for the same file).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tinyfit::data {

// SHA-1 of "blob <size>\0" followed by the content, as 40 lower-case hex digits.
std::string git_blob_id(std::span<const uint8_t> content);

}  // namespace tinyfit::data
