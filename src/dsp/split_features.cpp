#include "dsp/split_features.hpp"

#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"

namespace tinyfit::dsp {
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'T', 'F', 'F', 'E', 'A', 'T', '1', '\0'};
constexpr size_t kBatch = 512;  // clips decoded at a time: bounds memory to ~32 MB of audio

uint64_t fnv1a(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

uint64_t cache_key(const FeatureOptions& o, data::Split split, uint64_t data_fingerprint) {
  // describe() names every parameter; the version tag changes whenever the feature code's output does.
  const std::string text = std::string("tinyfit-features-v1|") + data::split_name(split) + "|" + o.describe() +
                           "|" + std::to_string(o.sample_rate) + "," + std::to_string(o.frame_length) + "," +
                           std::to_string(o.frame_step) + "," + std::to_string(o.num_mel_bins) + "," +
                           std::to_string(o.lower_hz) + "," + std::to_string(o.upper_hz) + "," +
                           std::to_string(o.num_coefficients) + "," + std::to_string(o.resize);
  uint64_t h = fnv1a(1469598103934665603ULL, text.data(), text.size());
  return fnv1a(h, &data_fingerprint, sizeof data_fingerprint);
}

template <class T>
void put(std::ostream& out, const T& v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
bool get(std::istream& in, T& v) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&v), sizeof v));
}

void write_cache(const fs::path& file, const SplitFeatures& f) {
  write_file_atomic(file, [&](std::ostream& out) {
    out.write(kMagic, sizeof kMagic);
    put(out, static_cast<uint32_t>(f.rows));
    put(out, static_cast<uint32_t>(f.cols));
    put(out, static_cast<uint64_t>(f.size()));
    out.write(reinterpret_cast<const char*>(f.labels.data()), static_cast<std::streamsize>(f.labels.size() * 4));
    out.write(reinterpret_cast<const char*>(f.values.data()), static_cast<std::streamsize>(f.values.size() * 4));
  });
}

// A cache file that is unreadable or inconsistent is treated as absent (and rewritten).
bool read_cache(const fs::path& file, size_t expected_count, const std::array<int, 2>& shape, SplitFeatures& f) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  char magic[8];
  uint32_t rows = 0, cols = 0;
  uint64_t count = 0;
  if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0) return false;
  if (!get(in, rows) || !get(in, cols) || !get(in, count)) return false;
  if (count != expected_count || static_cast<int>(rows) != shape[0] || static_cast<int>(cols) != shape[1]) return false;
  f.rows = static_cast<int>(rows);
  f.cols = static_cast<int>(cols);
  f.labels.resize(count);
  f.values.resize(count * rows * cols);
  if (!in.read(reinterpret_cast<char*>(f.labels.data()), static_cast<std::streamsize>(count * 4))) return false;
  if (!in.read(reinterpret_cast<char*>(f.values.data()), static_cast<std::streamsize>(f.values.size() * 4)))
    return false;
  return in.peek() == std::char_traits<char>::eof();
}

SplitFeatures compute(const std::vector<data::ClipRef>& refs, const FeatureExtractor& extractor, int threads,
                      bool quiet, data::Split split) {
  const auto shape = extractor.output_shape();
  SplitFeatures f;
  f.rows = shape[0];
  f.cols = shape[1];
  const size_t per_clip = extractor.output_size();
  f.values.resize(refs.size() * per_clip);
  f.labels.reserve(refs.size());
  Progress progress(std::string("features ") + data::split_name(split), refs.size(), quiet);
  for (size_t start = 0; start < refs.size(); start += kBatch) {
    const size_t end = std::min(refs.size(), start + kBatch);
    const std::vector<data::ClipRef> batch(refs.begin() + static_cast<std::ptrdiff_t>(start),
                                           refs.begin() + static_cast<std::ptrdiff_t>(end));
    const data::ClipSet clips = data::load_clips(batch, threads);
    parallel_for(
        clips.size(),
        [&](size_t i) {
          extractor.compute(clips.clip(i), std::span<float>(f.values.data() + (start + i) * per_clip, per_clip));
        },
        threads);
    f.labels.insert(f.labels.end(), clips.labels.begin(), clips.labels.end());
    progress.update(end);
  }
  progress.finish();
  return f;
}

}  // namespace

fs::path default_cache_dir() {
  if (const char* env = std::getenv("TINYFIT_CACHE"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "tinyfit";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "tinyfit";
  return fs::temp_directory_path() / "tinyfit-cache";
}

SplitFeaturesResult split_features(const fs::path& data_root, data::Split split, const FeatureOptions& options,
                                   const FeatureCacheOptions& cache) {
  options.validate();
  const auto start = std::chrono::steady_clock::now();
  const int threads = cache.threads > 0 ? cache.threads : default_threads();
  const std::vector<data::ClipRef> refs = data::read_split(data_root, split);

  SplitFeaturesResult result;
  const FeatureExtractor extractor(options, 16000, data::kClipSamples);
  if (!cache.dir.empty()) {
    const uint64_t key = cache_key(options, split, data::split_fingerprint(data_root, split, refs));
    char name[64];
    std::snprintf(name, sizeof name, "%s-%016llx.feat", data::split_name(split), static_cast<unsigned long long>(key));
    result.cache_file = cache.dir / name;
    result.cache_hit = read_cache(result.cache_file, refs.size(), extractor.output_shape(), result.features);
  }
  if (!result.cache_hit) {
    result.features = compute(refs, extractor, threads, cache.quiet, split);
    if (!result.cache_file.empty()) write_cache(result.cache_file, result.features);
  }
  result.features.split = split;
  result.features.keys.clear();
  for (const auto& r : refs) result.features.keys.push_back(r.key);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void export_features(const SplitFeatures& f, const fs::path& path) {
  static_assert(std::endian::native == std::endian::little, "export writes the host's float32 bytes");
  write_file_atomic(path, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(f.values.data()),
                                                   f.values.size() * sizeof(float)));
  std::string labels;
  for (int l : f.labels) labels += std::to_string(l) + "\n";
  write_file_atomic(fs::path(path.string() + ".labels"), labels);
}

}  // namespace tinyfit::dsp
