#include "data/fetch.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "data/git_blob.hpp"
#include "data/zip_archive.hpp"

namespace tinyfit::data {
namespace fs = std::filesystem;

ZippedFile jena_climate_2009_2016() {
  return {"https://storage.googleapis.com/tensorflow/tf-keras-datasets/jena_climate_2009_2016.csv.zip",
          "jena_climate_2009_2016.csv", 43'164'220, "3dc17139ed8afe4f693b3b88cbdd6e3a69e2de0c"};
}

namespace {

constexpr const char* kWritableHint = "; pass --data-dir DIR (or set $TINYFIT_DATA) to a writable folder";

// Fails before a long download rather than after it, and creates nothing (the write does that). A
// folder without any write bit counts as read-only even for root (who could write there): the shared
// data folder is laid out that way on purpose and must stay untouched.
void require_writable_dir(const fs::path& dir) {
  std::error_code ec;
  fs::path existing = fs::absolute(dir, ec);  // dir itself, or the nearest folder it will be created in
  while (!ec && !fs::exists(existing, ec) && existing.has_relative_path()) existing = existing.parent_path();
  if (ec || !fs::is_directory(existing, ec))
    throw Error("cannot create data directory " + dir.string() + ": " + existing.string() + " is not a folder" +
                kWritableHint);
  struct stat st {};
  const bool no_write_bits = ::stat(existing.c_str(), &st) == 0 && (st.st_mode & 0222) == 0;
  if (no_write_bits || ::access(existing.c_str(), W_OK) != 0)
    throw Error("data directory " + dir.string() + " is read-only" +
                (existing == fs::absolute(dir) ? "" : " (" + existing.string() + ")") + kWritableHint);
}

// The problem with `content` as the expected file, or "" when it is the expected file.
std::string mismatch(const ZippedFile& file, std::span<const uint8_t> content, std::string& blob_id) {
  if (content.size() != file.size)
    return file.member + " is " + std::to_string(content.size()) + " bytes, expected " + std::to_string(file.size);
  blob_id = git_blob_id(content);
  if (blob_id != file.blob_id) return file.member + " has git blob id " + blob_id + ", expected " + file.blob_id;
  return "";
}

bool already_verified(const ZippedFile& file, const fs::path& path, std::string& blob_id) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) != file.size) return false;
  return mismatch(file, read_file_bytes(path), blob_id).empty();
}

}  // namespace

FetchResult fetch_zipped_file(const ZippedFile& file, const fs::path& data_dir, const DownloadOptions& options,
                              const DownloadProgress& progress) {
  FetchResult result;
  result.path = data_dir / file.member;
  result.size = file.size;
  if (already_verified(file, result.path, result.blob_id)) {
    result.already_present = true;
    return result;
  }
  require_writable_dir(data_dir);

  const std::vector<uint8_t> zip = download(file.url, options, progress);
  result.downloaded_bytes = zip.size();
  // A member over the expected size is a wrong file: stop unpacking it there.
  const std::vector<uint8_t> content = extract_zip_member(zip, file.member, file.url, file.size);
  if (const std::string problem = mismatch(file, content, result.blob_id); !problem.empty())
    throw Error(file.url + ": " + problem + " (corrupt or not the expected file; nothing written)");

  try {
    write_file_atomic(result.path, content);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + kWritableHint);
  }
  return result;
}

}  // namespace tinyfit::data
