// Features of a whole speech-commands split, computed in parallel and cached on disk.
// The cache key hashes the feature options and a fingerprint of the split's data, so a changed
// parameter or a changed clip never reads a stale cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/speech_commands.hpp"
#include "dsp/features.hpp"

namespace tinyfit {
class Progress;
}

namespace tinyfit::dsp {

struct SplitFeatures {
  data::Split split = data::Split::Train;
  int rows = 0, cols = 0;              // one clip's feature map
  std::vector<float> values;           // [count][rows][cols]
  std::vector<int> labels;             // [count], index into data::kKeywords
  std::vector<std::string> keys;       // [count], "down/xxx_nohash_0", split-file order
  size_t size() const { return labels.size(); }
  const float* clip(size_t i) const { return values.data() + i * static_cast<size_t>(rows) * cols; }
};

struct FeatureCacheOptions {
  std::filesystem::path dir;  // empty: no caching
  int threads = 0;            // 0: all cores
  bool quiet = false;         // no progress on stderr
};

struct SplitFeaturesResult {
  SplitFeatures features;
  std::filesystem::path cache_file;  // empty when not cached
  bool cache_hit = false;
  double seconds = 0.0;
};

// The default cache folder: $TINYFIT_CACHE, else $XDG_CACHE_HOME/tinyfit, else ~/.cache/tinyfit.
std::filesystem::path default_cache_dir();

// Loads the split's clips and computes features, or reads them from the cache.
SplitFeaturesResult split_features(const std::filesystem::path& data_root, data::Split split,
                                   const FeatureOptions& options, const FeatureCacheOptions& cache);

// Writes the features as little-endian float32 rows (one clip per row, split-file order) to `path`
// and the label indices, one per line, to `path` + ".labels". Both files are written atomically.
void export_features(const SplitFeatures& features, const std::filesystem::path& path);

}  // namespace tinyfit::dsp
