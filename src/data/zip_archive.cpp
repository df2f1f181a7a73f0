#include "data/zip_archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "core/error.hpp"

namespace tinyfit::data {

namespace {

struct ReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

std::string archive_message(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

bool is_member(std::string_view path, std::string_view member) {
  if (path == member) return true;
  if (path.starts_with("__MACOSX/")) return false;  // AppleDouble "._name" resource forks
  return path.size() > member.size() && path.ends_with(member) && path[path.size() - member.size() - 1] == '/';
}

std::vector<uint8_t> read_entry_data(archive* a, std::string_view member, const std::string& source,
                                     uint64_t max_bytes) {
  std::vector<uint8_t> content;
  uint8_t chunk[1 << 16];
  for (;;) {
    const la_ssize_t got = archive_read_data(a, chunk, sizeof chunk);
    if (got < 0)
      throw Error(source + ": cannot unpack " + std::string(member) +
                  " (truncated or corrupt zip): " + archive_message(a));
    if (got == 0) return content;
    if (content.size() + static_cast<uint64_t>(got) > max_bytes)
      throw Error(source + ": " + std::string(member) + " is larger than the expected " + std::to_string(max_bytes) +
                  " bytes: not the expected file");
    content.insert(content.end(), chunk, chunk + got);
  }
}

}  // namespace

std::vector<uint8_t> extract_zip_member(std::span<const uint8_t> zip, std::string_view member,
                                        const std::string& source, uint64_t max_bytes) {
  std::unique_ptr<archive, ReadFree> a(archive_read_new());
  if (!a) throw Error("libarchive: out of memory");
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), zip.data(), zip.size()) != ARCHIVE_OK)
    throw Error(source + ": not a readable zip archive: " + archive_message(a.get()));
  std::string found;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
    const char* raw = archive_entry_pathname(entry);
    const std::string_view path = raw != nullptr ? raw : "";
    if (is_member(path, member)) return read_entry_data(a.get(), member, source, max_bytes);
    found += (found.empty() ? "" : ", ") + std::string(path);
    if (archive_read_data_skip(a.get()) != ARCHIVE_OK)
      throw Error(source + ": truncated or corrupt zip archive: " + archive_message(a.get()));
  }
  if (status != ARCHIVE_EOF)
    throw Error(source + ": not a readable zip archive (truncated or corrupt): " + archive_message(a.get()));
  throw Error(source + ": the archive has no member " + std::string(member) +
              " (members: " + (found.empty() ? "none" : found) + ")");
}

std::vector<uint8_t> write_zip(std::span<const ZipMember> members) {
  std::vector<uint8_t> bytes;
  std::unique_ptr<archive, WriteFree> a(archive_write_new());
  if (!a) throw Error("libarchive: out of memory");
  auto append = [](archive*, void* out, const void* buffer, size_t size) -> la_ssize_t {
    auto* v = static_cast<std::vector<uint8_t>*>(out);
    v->insert(v->end(), static_cast<const uint8_t*>(buffer), static_cast<const uint8_t*>(buffer) + size);
    return static_cast<la_ssize_t>(size);
  };
  // No block padding: the archive ends where the zip ends.
  if (archive_write_set_format_zip(a.get()) != ARCHIVE_OK ||
      archive_write_zip_set_compression_deflate(a.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
      archive_write_open2(a.get(), &bytes, nullptr, append, nullptr, nullptr) != ARCHIVE_OK)
    throw Error("cannot start a zip archive: " + archive_message(a.get()));
  for (const ZipMember& m : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), &archive_entry_free);
    archive_entry_set_pathname(entry.get(), m.path.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(m.content.size()));
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), m.content.data(), m.content.size()) != static_cast<la_ssize_t>(m.content.size()))
      throw Error("cannot write zip member " + m.path + ": " + archive_message(a.get()));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    throw Error("cannot finish a zip archive: " + archive_message(a.get()));
  return bytes;
}

}  // namespace tinyfit::data
