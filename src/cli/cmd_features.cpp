// `tinyfit features`: audio features of the three speech-commands splits, cached on disk;
// optionally exports one split as raw float32 rows + labels.
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "core/error.hpp"
#include "data/data_dir.hpp"
#include "dsp/split_features.hpp"

namespace tinyfit::cli {

namespace {

struct FeaturesArgs {
  std::string data_dir;
  dsp::FeatureOptions features;
  std::string cache_dir;
  bool no_cache = false;
  int threads = 0;
  std::string export_path;
  std::string split = "test";
};

int run_features(const FeaturesArgs& args, const GlobalOptions& global) {
  args.features.validate();
  const auto root = data::resolve_data_dir(args.data_dir);
  dsp::FeatureCacheOptions cache;
  cache.dir = args.no_cache ? std::filesystem::path() : args.cache_dir.empty() ? dsp::default_cache_dir()
                                                                                 : std::filesystem::path(args.cache_dir);
  cache.threads = args.threads;
  cache.quiet = global.quiet || global.json;

  // With --export only the named split is needed; without it, all three are featurised (and cached).
  std::vector<data::Split> splits = {data::Split::Train, data::Split::Val, data::Split::Test};
  if (!args.export_path.empty()) splits = {data::parse_split(args.split)};

  nlohmann::json result = {{"features", args.features.describe()}, {"splits", nlohmann::json::array()}};
  std::vector<std::string> lines;
  for (data::Split split : splits) {
    const dsp::SplitFeaturesResult r = dsp::split_features(root, split, args.features, cache);
    const auto& f = r.features;
    nlohmann::json j = {{"split", data::split_name(split)},
                        {"shape", {f.size(), f.rows, f.cols}},
                        {"seconds", r.seconds},
                        {"cache", r.cache_file.empty() ? "" : r.cache_file.string()},
                        {"cache_hit", r.cache_hit}};
    char line[512];
    std::snprintf(line, sizeof line, "%-5s  %zu x %d x %d  %.2f s  %s%s", data::split_name(split), f.size(), f.rows,
                  f.cols, r.seconds, r.cache_file.empty() ? "(no cache)" : r.cache_file.c_str(),
                  r.cache_hit ? " (cached)" : "");
    lines.emplace_back(line);
    if (!args.export_path.empty()) {
      dsp::export_features(f, args.export_path);
      j["export"] = args.export_path;
      j["export_labels"] = args.export_path + ".labels";
      lines.push_back("wrote " + args.export_path + " (float32 rows) and " + args.export_path + ".labels");
    }
    result["splits"].push_back(j);
  }
  emit(global, result, [&] {
    std::printf("features: %s\n", args.features.describe().c_str());
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
  });
  return 0;
}

}  // namespace

void add_features_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<FeaturesArgs>();
  CLI::App* cmd = app.add_subcommand("features", "Compute (and cache) audio features of the speech-commands splits");
  add_data_dir_flag(*cmd, args->data_dir);
  add_feature_flags(*cmd, args->features);
  cmd->add_option("--cache-dir", args->cache_dir, "Feature cache folder (default: $TINYFIT_CACHE or ~/.cache/tinyfit)");
  cmd->add_flag("--no-cache", args->no_cache, "Neither read nor write the cache");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--export", args->export_path, "Write the split's features as float32 rows to PATH (+ PATH.labels)");
  cmd->add_option("--split", args->split, "Split to export: train | val | test")
      ->check(CLI::IsMember({"train", "val", "test"}))
      ->capture_default_str();
  cmd->callback([args, &global] { run_features(*args, global); });
}

}  // namespace tinyfit::cli
