// What a tinyfit model carries about itself, in the file's metadata under the name "tinyfit"
// (JSON bytes): the task, the feature front end a KWS model was trained with, the label order, and
// the input normalisation of a forecasting model. eval and latency read it so nothing is re-typed.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "dsp/features.hpp"
#include "tflite/model.hpp"

namespace tinyfit::tflite {

inline constexpr const char* kMetadataName = "tinyfit";

struct ModelMetadata {
  std::string task;                              // "kws" or "forecast"
  std::optional<dsp::FeatureOptions> features;   // kws
  std::vector<std::string> labels;               // kws: output index -> keyword
  // forecast: input = (x - mean) / (std + 1e-6). A "forecast" entry without them: the model takes
  // raw °C / % (tinyfit folds the normalisation into the first layer).
  std::optional<std::array<float, 2>> mean, std;
};

std::string metadata_to_json(const ModelMetadata& m);
// Throws Error naming `source` if the JSON is malformed or a field has the wrong type.
ModelMetadata metadata_from_json(const std::string& json, const std::string& source);

// The "tinyfit" entry of the model, if it has one.
std::optional<ModelMetadata> find_metadata(const ModelDef& model, const std::string& source);
// Adds or replaces the "tinyfit" entry.
void set_metadata(ModelDef& model, const ModelMetadata& m);

}  // namespace tinyfit::tflite
