// `tinyfit eval --task kws`: accuracy and confusion matrix of a keyword-spotting model.
#include <algorithm>
#include <cstdio>

#include "cli/eval_tasks.hpp"
#include "core/error.hpp"
#include "data/data_dir.hpp"
#include "data/speech_commands.hpp"
#include "dsp/split_features.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/metadata.hpp"
#include "tflite/reader.hpp"

namespace tinyfit::cli {

namespace {

int keyword_index(const std::string& word) {
  const auto& k = data::kKeywords;
  const auto it = std::find(k.begin(), k.end(), word);
  if (it == k.end()) throw Error("unknown keyword in --labels: '" + word + "'");
  return static_cast<int>(it - k.begin());
}

// Model output k -> index into data::kKeywords.
std::vector<int> output_order(const std::string& flag, const std::optional<tflite::ModelMetadata>& meta) {
  std::vector<std::string> words;
  if (!flag.empty()) {
    std::string w;
    for (char c : flag + ",") {
      if (c == ',') {
        if (!w.empty()) words.push_back(w);
        w.clear();
      } else if (c != ' ') {
        w += c;
      }
    }
  } else if (meta && !meta->labels.empty()) {
    words = meta->labels;
  } else {
    words.assign(data::kKeywords.begin(), data::kKeywords.end());
  }
  std::vector<int> order;
  for (const auto& w : words) order.push_back(keyword_index(w));
  return order;
}

}  // namespace

void run_kws_eval(const EvalArgs& args, const GlobalOptions& global) {
  const tflite::ModelDef model = tflite::read_model_file(args.model);
  const auto meta = tflite::find_metadata(model, args.model);
  const dsp::FeatureOptions features = meta && meta->features ? *meta->features : args.features;
  features.validate();
  const std::vector<int> order = output_order(args.labels, meta);
  if (order.size() != tflite::model_output_size(model))
    throw Error(args.model + ": model has " + std::to_string(tflite::model_output_size(model)) + " outputs but " +
                std::to_string(order.size()) + " labels are given");

  dsp::FeatureCacheOptions cache;
  cache.dir = args.cache_dir.empty() ? dsp::default_cache_dir() : std::filesystem::path(args.cache_dir);
  cache.threads = args.threads;
  cache.quiet = global.quiet || global.json;
  const auto split = data::parse_split(args.split);
  const auto result = dsp::split_features(data::resolve_data_dir(args.data_dir), split, features, cache);
  const dsp::SplitFeatures& f = result.features;
  const size_t per_clip = static_cast<size_t>(f.rows) * f.cols;
  if (tflite::model_input_size(model) != per_clip)
    throw Error(args.model + ": model input takes " + std::to_string(tflite::model_input_size(model)) +
                " values but the features (" + features.describe() + ") give " + std::to_string(f.rows) + "x" +
                std::to_string(f.cols) + "; pass the feature flags the model was trained with");

  const std::vector<float> scores =
      tflite::run_batch(model, f.values, f.size(), tflite::InterpreterOptions{
          .reference_only = args.reference,
          .int8_numerics = args.int8_numerics == "tflite" ? tflite::Int8Numerics::TfliteReference
                                                          : tflite::Int8Numerics::Xnnpack},
                        args.threads);
  const size_t classes = order.size();
  const size_t k = data::kKeywords.size();
  std::vector<std::vector<int>> confusion(k, std::vector<int>(k, 0));
  size_t correct = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    const float* s = scores.data() + i * classes;
    const int predicted = order[static_cast<size_t>(std::max_element(s, s + classes) - s)];
    confusion[static_cast<size_t>(f.labels[i])][static_cast<size_t>(predicted)] += 1;
    correct += predicted == f.labels[i];
  }
  const double accuracy = 100.0 * static_cast<double>(correct) / static_cast<double>(f.size());

  nlohmann::json j = {{"task", "kws"},
                      {"model", args.model},
                      {"split", args.split},
                      {"features", features.describe()},
                      {"accuracy_percent", accuracy},
                      {"correct", correct},
                      {"total", f.size()},
                      {"labels", data::kKeywords},
                      {"confusion", confusion}};
  emit(global, j, [&] {
    std::printf("model     %s\nfeatures  %s\n", args.model.c_str(), features.describe().c_str());
    std::printf("accuracy  %.3f %% (%zu / %zu, %s split)\n\nconfusion (rows: true, columns: predicted)\n",
                accuracy, correct, f.size(), args.split.c_str());
    std::printf("%6s", "");
    for (const auto& w : data::kKeywords) std::printf("%6.5s", std::string(w).c_str());
    std::printf("\n");
    for (size_t r = 0; r < k; ++r) {
      std::printf("%6.5s", std::string(data::kKeywords[r]).c_str());
      for (size_t c = 0; c < k; ++c) std::printf("%6d", confusion[r][c]);
      std::printf("\n");
    }
  });
}

}  // namespace tinyfit::cli
