// Fetching a data set that is published as a zip: download, take the one member out, check it
// against a known size and git blob id, and only then write it (atomically) into the data directory.
// Nothing is written when any step fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "data/download.hpp"

namespace tinyfit::data {

struct ZippedFile {
  std::string url;      // the zip
  std::string member;   // the file inside it, also the name it gets in the data directory
  uint64_t size = 0;    // expected bytes of the member
  std::string blob_id;  // expected git blob id of the member (see git_blob.hpp)
};

// The course's Jena climate CSV as Keras hosts it (../shared/data/README.md §3).
ZippedFile jena_climate_2009_2016();

struct FetchResult {
  std::filesystem::path path;  // <data_dir>/<member>
  uint64_t size = 0;
  std::string blob_id;
  uint64_t downloaded_bytes = 0;  // 0 when the file was already there and verified
  bool already_present = false;
};

// Fetches `file` into `data_dir` (created when the file is written). A file already there with the
// expected size and blob id is kept and nothing is downloaded. The directory is checked for writing
// before the download starts. Throws Error naming the URL or path; for a read-only directory the
// message suggests --data-dir.
FetchResult fetch_zipped_file(const ZippedFile& file, const std::filesystem::path& data_dir,
                              const DownloadOptions& options = {}, const DownloadProgress& progress = {});

}  // namespace tinyfit::data
