// The results a report is made of, read from the JSON files that `tinyfit kws`, `tinyfit forecast`
// and `tinyfit latency --json` write. Keys the tools have always written are required (a file
// without them is malformed and rejected, naming file and key); keys added later are optional and
// their absence is listed in `missing_keys`, so the report can say what to re-run.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/model_summary.hpp"

namespace tinyfit::report {

// One limit of one constraint set ("course" or "ours"): e.g. accuracy > 90 %.
struct Check {
  std::string metric;  // "accuracy", "T", "RH", "bytes"
  double limit = 0;
  bool ok = false;
};

struct ConstraintSet {
  std::string name;  // "course" (the exercise's limits) or "ours" (tinyfit's own targets)
  bool passed = false;
  std::vector<Check> checks;
  const Check* find(const std::string& metric) const;
};

struct CompressionStep {
  std::string step;
  double bytes = 0;
  std::optional<double> sparsity;  // fraction 0..1 or percent, as the tool wrote it
  bool delivered = false;          // this step's file is the one the command delivered
};

struct EpochRecord {
  int epoch = 0;
  double loss = 0;
  std::vector<double> metric;  // kws: {val accuracy %}; forecast: {val MAE T, val MAE RH}
  bool best = false;           // the running best when this epoch finished
};

struct TrainingLog {
  std::vector<EpochRecord> history;
  int best_epoch = 0;
  std::optional<double> seconds;
  std::optional<int> epochs, seed, seeds_tried;
  std::optional<std::string> loss_name;
};

struct LatencyRun {
  std::string file;
  double inference_mean = 0, inference_median = 0, inference_p90 = 0;
  double total_mean = 0, total_median = 0, total_p90 = 0;
  std::vector<std::pair<std::string, double>> stages;  // in pipeline order, ms
  std::optional<int> runs;
};

// What is common to both tasks.
struct RunCommon {
  std::string file;     // the JSON file read
  std::string version;  // "a", "b", "c"
  std::string description;
  double bytes = 0;     // size of the written model file
  std::string model_path;                // as written in the JSON
  std::optional<std::filesystem::path> model_file;  // resolved, when it exists
  std::optional<ModelSummary> model;     // from the .tflite, when it could be read
  std::vector<ConstraintSet> constraints;
  TrainingLog training;
  std::vector<CompressionStep> compression;
  std::optional<std::string> family;
  std::optional<std::string> parameters;  // shown only; the layer table counts them from the file
  std::vector<std::string> missing_keys;  // optional keys absent from the file
  std::vector<std::string> notes;         // e.g. "model file not found"
  const ConstraintSet* constraint(const std::string& name) const;
};

struct KwsFeatures {
  double rate = 0, length = 0, stride = 0, bins = 0, coeff = 0, lower = 0, upper = 0, resize = 0;
};

struct KwsRun : RunCommon {
  std::optional<std::string> features_description;
  KwsFeatures features;
  double accuracy = 0;
  std::optional<double> accuracy_float, val_accuracy_int8;
  std::optional<double> float_bytes;
  std::vector<std::vector<double>> confusion;  // [true][predicted]
  std::vector<std::string> labels;
  std::optional<std::string> channels, blocks, expansion, quantization;  // shown as written
  std::optional<std::string> distilled;  // "distilled from kws_c.tflite.zlib (alpha 0.5, T 4)"
  std::optional<LatencyRun> latency;
};

struct SeriesPair {  // forecast: one value per horizon step, T and RH
  std::vector<double> T, RH;
};

struct ForecastSample {  // a stretch of test windows, one horizon step
  std::string first_window_start;  // "dd.mm.yyyy HH:MM:SS" as `forecast` writes it; may be empty
  double step_minutes = 10, horizon_steps = 6;
  std::vector<double> T_true, T_pred, RH_true, RH_pred;
};

struct ForecastRun : RunCommon {
  double mae_T = 0, mae_RH = 0;
  std::optional<double> mae_course_T, mae_course_RH, persistence_T, persistence_RH;
  std::optional<SeriesPair> mae_per_step, persistence_per_step;
  std::optional<ForecastSample> sample;
  std::optional<std::string> hidden;
  std::optional<double> windows_train, windows_val, windows_test;
};

struct RunSet {
  std::filesystem::path dir;
  std::map<std::string, KwsRun> kws;            // by version
  std::map<std::string, ForecastRun> forecast;  // by version
  std::vector<std::string> missing_files;       // expected run files not found, e.g. "kws_a.json"
};

inline const std::vector<std::string> kKwsVersions{"a", "b", "c"};
inline const std::vector<std::string> kForecastVersions{"a", "b"};

// Parses one file (throws Error naming the file and key when malformed). `runs_dir` is where model
// files are looked for when the path in the JSON does not exist.
KwsRun load_kws_run(const std::filesystem::path& json_file, const std::filesystem::path& runs_dir);
ForecastRun load_forecast_run(const std::filesystem::path& json_file, const std::filesystem::path& runs_dir);
LatencyRun load_latency_run(const std::filesystem::path& json_file);

// Every kws_<v>.json, th_<v>.json and latency_<v>.json in `dir`. Throws Error when `dir` is missing
// or holds none of them, or when any file present is malformed.
RunSet load_runs(const std::filesystem::path& dir);

}  // namespace tinyfit::report
