// `tinyfit eval --task forecast`: per-feature MAE of a forecasting model on the Jena windows.
#include <cstdio>
#include <sstream>

#include "cli/eval_tasks.hpp"
#include "core/error.hpp"
#include "data/data_dir.hpp"
#include "data/forecast_windows.hpp"
#include "data/weather_csv.hpp"
#include "models/forecast_weights.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/metadata.hpp"
#include "tflite/reader.hpp"

namespace tinyfit::cli {

namespace {

data::Normalizer pick_normalizer(const std::string& norm, const std::optional<tflite::ModelMetadata>& meta,
                                 const data::ForecastData& train_fit, const std::string& model) {
  if (norm == "model") {
    // tinyfit forecasters fold the normalisation into the model: metadata without mean / std.
    if (meta && meta->task == "forecast" && !meta->mean && !meta->std) return models::kRawInputs;
    if (!meta || !meta->mean || !meta->std)
      throw Error(model + ": the model carries no input normalisation; pass --norm raw (tinyfit forecasters written "
                          "without --metadata), --norm course (published models), --norm train, or --norm "
                          "meanT,meanRH,stdT,stdRH");
    return data::Normalizer{*meta->mean, *meta->std};
  }
  if (norm == "raw") return models::kRawInputs;
  if (norm == "train") return train_fit.norm;
  if (norm == "course") return data::kCourseNormalizer;
  std::array<float, 4> v{};
  std::istringstream in(norm);
  char comma = 0;
  if (!(in >> v[0] >> comma >> v[1] >> comma >> v[2] >> comma >> v[3]) || !(in >> std::ws).eof())
    throw Error("--norm must be model, raw, train, course or 'meanT,meanRH,stdT,stdRH', got '" + norm + "'");
  return data::Normalizer{{v[0], v[1]}, {v[2], v[3]}};
}

}  // namespace

void run_forecast_eval(const EvalArgs& args, const GlobalOptions& global) {
  const tflite::ModelDef model = tflite::read_model_file(args.model);
  const auto meta = tflite::find_metadata(model, args.model);
  const data::WeatherColumns columns = data::parse_weather_columns(args.columns);
  const std::filesystem::path csv =
      args.csv.empty() ? data::course_weather_csv(args.data_dir) : std::filesystem::path(args.csv);
  const data::WeatherSeries series = data::read_weather_csv(csv, columns);
  const data::ForecastData fitted = data::make_forecast_data(series);
  const data::Normalizer norm = pick_normalizer(args.norm, meta, fitted, args.model);
  const bool raw = norm.mean == models::kRawInputs.mean && norm.std == models::kRawInputs.std;
  const data::ForecastData fd = data::make_forecast_data(series, norm);
  const data::WindowSet& windows =
      args.split == "train" ? fd.train : args.split == "val" ? fd.val : fd.test;
  const size_t label_size = static_cast<size_t>(windows.out_steps) * data::kWeatherFeatures;
  if (tflite::model_output_size(model) != label_size || tflite::model_input_size(model) != windows.inputs.size() / windows.count)
    throw Error(args.model + ": expected a model from 6x2 inputs to 6x2 outputs");

  const std::vector<float> predictions = tflite::run_batch(
      model, windows.inputs, windows.count, tflite::InterpreterOptions{
          .reference_only = args.reference,
          .int8_numerics = args.int8_numerics == "tflite" ? tflite::Int8Numerics::TfliteReference
                                                          : tflite::Int8Numerics::Xnnpack}, args.threads);
  const auto mae = data::mae(predictions, windows.labels);
  const auto mae_course = data::mae_course(predictions, windows.labels, windows.out_steps);
  const auto baseline = data::mae(data::persistence_forecast(windows, norm), windows.labels);

  nlohmann::json j = {{"task", "forecast"},
                      {"model", args.model},
                      {"csv", csv.string()},
                      {"split", args.split},
                      {"windows", windows.count},
                      {"normalisation", raw ? nlohmann::json("raw") : nlohmann::json{{"mean", norm.mean}, {"std", norm.std}}},
                      {"mae", {{"T", mae[0]}, {"RH", mae[1]}}},
                      {"mae_course_batches", {{"T", mae_course[0]}, {"RH", mae_course[1]}}},
                      {"persistence_mae", {{"T", baseline[0]}, {"RH", baseline[1]}}}};
  emit(global, j, [&] {
    std::printf("model        %s\ndata         %s (%s split, %zu windows)\n", args.model.c_str(), csv.c_str(),
                args.split.c_str(), windows.count);
    if (raw)
      std::printf("inputs       raw degC / %% (normalisation folded into the model)\n");
    else
      std::printf("normalised   mean T %.4f RH %.4f, std T %.4f RH %.4f\n", norm.mean[0], norm.mean[1], norm.std[0],
                  norm.std[1]);
    std::printf("MAE          T %.4f degC   RH %.4f %%\n", mae[0], mae[1]);
    std::printf("MAE (course) T %.4f degC   RH %.4f %%   (mean of per-batch means, batches of 32)\n", mae_course[0],
                mae_course[1]);
    std::printf("persistence  T %.4f degC   RH %.4f %%\n", baseline[0], baseline[1]);
  });
}

}  // namespace tinyfit::cli
