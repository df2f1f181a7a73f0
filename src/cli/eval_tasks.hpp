// The two halves of `tinyfit eval`, one per task; they share the model loading and the batch runner.
#pragma once

#include <string>

#include "cli/output.hpp"
#include "dsp/features.hpp"

namespace tinyfit::cli {

struct EvalArgs {
  std::string task, model, data_dir, split = "test";
  bool reference = false;
  std::string int8_numerics = "xnnpack";  // full-int8 requantization: xnnpack | tflite
  int threads = 0;
  dsp::FeatureOptions features;
  std::string labels, cache_dir;
  std::string csv, norm = "model", columns = "T (degC),rh (%)";
};

void run_kws_eval(const EvalArgs& args, const GlobalOptions& global);
void run_forecast_eval(const EvalArgs& args, const GlobalOptions& global);

}  // namespace tinyfit::cli
