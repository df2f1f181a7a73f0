// Where the data sets live: --data-dir, then $TINYFIT_DATA, then ../shared/data beside the repository.
#pragma once

#include <filesystem>
#include <string>

namespace tinyfit::data {

// Resolves the data root. `flag` is the --data-dir value (empty if not given). Throws Error naming
// every place that was tried when none exists.
std::filesystem::path resolve_data_dir(const std::string& flag);

// `root / relative`, or an Error naming the missing data set (`what`, e.g. "mini speech commands").
std::filesystem::path require_path(const std::filesystem::path& root, const std::filesystem::path& relative,
                                   const std::string& what);

}  // namespace tinyfit::data
