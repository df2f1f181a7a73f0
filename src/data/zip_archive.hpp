// Zip archives in memory through libarchive: take one member out (fetched data sets come zipped),
// and write small archives (test fixtures, so the reader is exercised on real zip bytes).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tinyfit::data {

// The content of the member called `member`: an entry with exactly that path, else one whose last
// path component is `member` (macOS "__MACOSX/" resource forks are skipped). `source` names the
// archive in messages. Throws Error for an unreadable/truncated/corrupt archive, a missing member
// (listing the members found), or a member larger than `max_bytes` (guards memory against a wrong file).
std::vector<uint8_t> extract_zip_member(std::span<const uint8_t> zip, std::string_view member,
                                        const std::string& source, uint64_t max_bytes);

struct ZipMember {
  std::string path;
  std::string content;
};

// A deflate-compressed zip holding `members` in order.
std::vector<uint8_t> write_zip(std::span<const ZipMember> members);

}  // namespace tinyfit::data
