#include "tflite/metadata.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace tinyfit::tflite {
using nlohmann::json;

std::string metadata_to_json(const ModelMetadata& m) {
  json j = {{"task", m.task}};
  if (m.features) {
    const dsp::FeatureOptions& f = *m.features;
    j["features"] = {{"sample_rate", f.sample_rate}, {"frame_length", f.frame_length},
                     {"frame_step", f.frame_step},   {"num_mel_bins", f.num_mel_bins},
                     {"lower_hz", f.lower_hz},       {"upper_hz", f.upper_hz},
                     {"num_coefficients", f.num_coefficients}, {"resize", f.resize}};
  }
  if (!m.labels.empty()) j["labels"] = m.labels;
  if (m.mean) j["mean"] = *m.mean;
  if (m.std) j["std"] = *m.std;
  return j.dump();
}

ModelMetadata metadata_from_json(const std::string& text, const std::string& source) {
  try {
    const json j = json::parse(text);
    ModelMetadata m;
    m.task = j.value("task", "");
    if (j.contains("features")) {
      const json& f = j.at("features");
      dsp::FeatureOptions o;
      o.sample_rate = f.value("sample_rate", o.sample_rate);
      o.frame_length = f.value("frame_length", o.frame_length);
      o.frame_step = f.value("frame_step", o.frame_step);
      o.num_mel_bins = f.value("num_mel_bins", o.num_mel_bins);
      o.lower_hz = f.value("lower_hz", o.lower_hz);
      o.upper_hz = f.value("upper_hz", o.upper_hz);
      o.num_coefficients = f.value("num_coefficients", o.num_coefficients);
      o.resize = f.value("resize", o.resize);
      m.features = o;
    }
    if (j.contains("labels")) m.labels = j.at("labels").get<std::vector<std::string>>();
    if (j.contains("mean")) m.mean = j.at("mean").get<std::array<float, 2>>();
    if (j.contains("std")) m.std = j.at("std").get<std::array<float, 2>>();
    return m;
  } catch (const json::exception& e) {
    throw Error(source + ": malformed tinyfit metadata: " + e.what());
  }
}

std::optional<ModelMetadata> find_metadata(const ModelDef& model, const std::string& source) {
  for (const auto& [name, bytes] : model.metadata) {
    if (name == kMetadataName) return metadata_from_json(std::string(bytes.begin(), bytes.end()), source);
  }
  return std::nullopt;
}

void set_metadata(ModelDef& model, const ModelMetadata& m) {
  const std::string text = metadata_to_json(m);
  std::vector<uint8_t> bytes(text.begin(), text.end());
  for (auto& [name, value] : model.metadata) {
    if (name == kMetadataName) {
      value = std::move(bytes);
      return;
    }
  }
  model.metadata.emplace_back(kMetadataName, std::move(bytes));
}

}  // namespace tinyfit::tflite
