// `tinyfit eval`: runs an exported model on the test split with tinyfit's interpreter and prints
// its metrics (KWS: accuracy + confusion matrix; forecast: per-feature MAE + persistence baseline).
#include <algorithm>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/eval_tasks.hpp"
#include "core/error.hpp"

namespace tinyfit::cli {

namespace {

void run_eval(const EvalArgs& args, const GlobalOptions& global) {
  if (args.task == "kws") {
    run_kws_eval(args, global);
  } else {
    run_forecast_eval(args, global);
  }
}

}  // namespace

void add_eval_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a .tflite model on the test split with tinyfit's interpreter");
  cmd->add_option("--task", args->task, "kws | forecast")->required()->check(CLI::IsMember({"kws", "forecast"}));
  cmd->add_option("--model", args->model, "Model file (.tflite or zlib-compressed)")->required();
  add_data_dir_flag(*cmd, args->data_dir);
  cmd->add_option("--split", args->split, "Split to evaluate: train | val | test")
      ->check(CLI::IsMember({"train", "val", "test"}))
      ->capture_default_str();
  cmd->add_flag("--reference", args->reference, "Use the reference kernels only (slow, for checking)");
  cmd->add_option("--int8-numerics", args->int8_numerics,
                  "Full-int8 models: requantize as the official runtime's XNNPACK delegate does (xnnpack: float32 "
                  "scale, ties to even) or as TFLite's reference integer kernels (tflite: fixed-point multiplier)")
      ->check(CLI::IsMember({"xnnpack", "tflite"}))
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  // KWS: feature flags apply only when the model does not carry its own parameters.
  add_feature_flags(*cmd, args->features);
  cmd->add_option("--labels", args->labels,
                  "KWS: comma-separated keywords in the model's output order (default: the model's own, else "
                  "alphabetical)");
  cmd->add_option("--cache-dir", args->cache_dir, "KWS feature cache folder");
  // Forecast.
  cmd->add_option("--csv", args->csv,
                  "Forecast: weather CSV (default: <data>/jena_climate_2009_2016.csv[.gz], the course's file from "
                  "`tinyfit data fetch jena`; the real-data stand-in is <data>/jena/jena_climate_10min_2021_2024.csv)");
  cmd->add_option("--columns", args->columns, "Forecast: the two feature columns of the CSV, by header name")
      ->capture_default_str();
  cmd->add_option("--norm", args->norm,
                  "Forecast input normalisation: model (tinyfit models: raw inputs, or the statistics in their "
                  "metadata), raw (none), train (this CSV's training rows), course (the published models' "
                  "statistics, spec section 1), or 'meanT,meanRH,stdT,stdRH'")
      ->capture_default_str();
  cmd->callback([args, &global] { run_eval(*args, global); });
}

}  // namespace tinyfit::cli
