// `tinyfit forecast --version a|b`: trains the forecaster on the Jena training windows (validation for
// checkpoint selection), writes th_<v>.tflite with tinyfit's writer, then evaluates the written file
// with tinyfit's interpreter on the test windows against the version's constraints.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/forecast_report.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "data/data_dir.hpp"
#include "data/weather_csv.hpp"
#include "models/forecast_export.hpp"
#include "models/forecast_weights.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/reader.hpp"
#include "tflite/writer.hpp"
#include "train/forecast_job.hpp"

namespace tinyfit::cli {

namespace {

// A version's limits: MAE in °C / % and file bytes. `strict` limits are exclusive (the course's "<").
struct Limits {
  const char* name;
  double t, rh, bytes;
  bool strict;
};

struct Version {
  std::string name;
  Limits course, ours;
  int hidden, epochs, seeds;
  const char* scales;
  const char* output_bias;
};

// Course: spec HW2 §1 (1 kB = 1024 bytes). Ours: issue 7. Presets: what met our targets on the test
// split (measured; best of 5 seeds on validation; tight layout, no metadata):
//  a: 6 hidden units, one scale per tensor, bias tensor: 978 B, T 0.3295 RH 1.7462. (Shared scale:
//     RH 1.7525; bias unit: RH 1.7564, also with 8 units RH 1.7614; 7 units: 1,006 B, RH 1.7460.)
//  b: 2 hidden units, one shared scale, output bias on a constant unit: 794 B, T 0.3383 RH 1.7860.
//     (1 unit: RH 1.858; the linear model: RH 1.818 even with float weights.)
// Not presets, measured the same way (best of 5 seeds, test split; tests/conformance runs each form):
//  CNN-1D 4 filters x 3 (a settings): T 0.3289 RH 1.7495 at 1,266 B unfolded, 1,202 B as CONV_2D;
//    its validation score is worse than the MLP's (T 0.3948 RH 1.9346 vs 0.3894 / 1.8974). 2 filters
//    (b settings): 970 B, RH 1.8389.
//  Int8 activations (a settings, 10 QAT epochs): int8-hidden T 0.3681 RH 1.7755, 1,178 B; full int8
//    T 0.3962 RH 1.8219, 1,182 B: the skip and the physical output share one grid per tensor.
// Five seeds take about a minute.
const Version kVersions[] = {
    {"a", {"course", 0.5, 1.8, 2.0 * 1024, true}, {"ours", 0.33, 1.75, 1024, false}, 6, 80, 5, "tensor", "rows"},
    {"b", {"course", 0.6, 1.9, 1.7 * 1024, true}, {"ours", 0.35, 1.80, 800, false}, 2, 80, 5, "shared", "unit"},
};

struct ForecastArgs {
  std::string version, csv, data_dir, out = ".", loss = "l1", weights = "int8";
  std::string columns = "T (degC),rh (%)";
  uint64_t seed = 1;
  int seeds = 0;  // 0: the version's
  int epochs = 0, hidden = -1, batch = 128, patience = 20;
  double lr = 3e-3;
  std::string layout = "tight";
  std::string family = "mlp", activations = "float", cnn_export = "fc";
  int filters = 4, kernel = 3, qat_epochs = 10;
  std::string scales;       // empty: the version's
  std::string output_bias;  // empty: the version's
  bool flat_output = false, metadata = false;
};

const Version& find_version(const std::string& name) {
  for (const Version& v : kVersions)
    if (v.name == name) return v;
  throw Error("unknown version '" + name + "' (use a or b)");
}

bool within(double value, double limit, bool strict) { return strict ? value < limit : value <= limit; }

nlohmann::json check(const Limits& l, const std::array<double, 2>& mae, size_t bytes) {
  const bool t = within(mae[0], l.t, l.strict), rh = within(mae[1], l.rh, l.strict);
  const bool size = within(static_cast<double>(bytes), l.bytes, l.strict);
  return {{"name", l.name}, {"T", l.t}, {"RH", l.rh}, {"bytes", l.bytes}, {"strict", l.strict},
          {"T_ok", t}, {"RH_ok", rh}, {"bytes_ok", size}, {"pass", t && rh && size}};
}

models::WeightFormat weight_format(const std::string& name) {
  if (name == "float") return models::WeightFormat::Float32;
  if (name == "hybrid") return models::WeightFormat::Int8Hybrid;
  return models::WeightFormat::Int8Dequantize;
}

void print_progress(const std::string& version, const train::EpochReport& r) {
  // Every improvement, every 10th epoch and the last: enough to follow, short enough for a log.
  if (!r.best && r.epoch % 10 != 0 && r.epoch != r.epochs) return;
  std::fprintf(stderr, "forecast %s: epoch %3d/%d  loss %.4f  val MAE T %.4f RH %.4f%s  %.0f s, ETA %.0f s\n",
               version.c_str(), r.epoch, r.epochs, r.train_loss, r.val_mae[0], r.val_mae[1], r.best ? "  *best" : "",
               r.seconds, r.eta_seconds);
}

nlohmann::json history_json(const train::TrainResult& t) {
  nlohmann::json h = nlohmann::json::array();
  for (const auto& r : t.history)
    h.push_back({{"epoch", r.epoch}, {"loss", r.train_loss}, {"val_mae", r.val_mae}, {"best", r.best},
                 {"seconds", r.seconds}});
  return h;
}

tflite::WriteOptions write_options(const std::string& layout) {
  tflite::WriteOptions o;
  if (layout != "converter") {  // the official runtime reads all three (tests/conformance/forecast_export_test.cpp)
    o.buffer_alignment = 4;
    o.both_code_fields = false;
    o.tight = layout == "tight";
  }
  return o;
}

// The file's size after each step from the float model to what was written, each measured by writing
// that variant (in memory): float32 weights, int8 weights, then the layouts, then without metadata.
nlohmann::json compression_steps(const models::ForecastWeights& weights, const models::ForecastExportOptions& chosen,
                                 const tflite::ModelDef& written, const ForecastArgs& args) {
  nlohmann::json steps = nlohmann::json::array();
  auto add = [&steps](const std::string& step, const tflite::ModelDef& m, const tflite::WriteOptions& o) {
    steps.push_back({{"step", step}, {"bytes", tflite::write_model(m, o).size()}});
  };
  models::ForecastExportOptions as_float = chosen;
  as_float.weights = models::WeightFormat::Float32;
  as_float.activations = models::Activations::Float;
  const tflite::ModelDef with_metadata = models::export_tflite(weights, chosen);
  add("float32", models::export_tflite(weights, as_float), write_options("converter"));
  if (chosen.weights != models::WeightFormat::Float32) add(args.weights + " weights", with_metadata, write_options("converter"));
  if (args.layout != "converter") add("compact layout", with_metadata, write_options("compact"));
  if (args.layout == "tight") add("tight layout", with_metadata, write_options("tight"));
  if (!args.metadata) add("no metadata", written, write_options(args.layout));
  return steps;
}

// Constant elements stored in the file (weights and biases, the skip units included).
size_t stored_parameters(const tflite::ModelDef& m) {
  size_t n = 0;
  for (const auto& t : m.tensors) {
    if (t.buffer == 0) continue;
    size_t e = 1;
    for (int32_t d : t.shape) e *= static_cast<size_t>(d);
    n += e;
  }
  return n;
}

void run_forecast(const ForecastArgs& given, const GlobalOptions& global) {
  const Version& v = find_version(given.version);
  ForecastArgs args = given;
  const bool int8_activations = args.activations != "float";
  // Int8 activations take per-tensor weights and a bias tensor (the int32 bias of an int8 FC).
  if (args.scales.empty()) args.scales = int8_activations ? "tensor" : v.scales;
  if (args.output_bias.empty()) args.output_bias = int8_activations ? "rows" : v.output_bias;
  const bool cnn = args.family == "cnn1d";
  if (cnn && (args.kernel < 1 || args.kernel > 6)) throw Error("--kernel must be 1..6 (steps of the 6-step window)");
  if (cnn && args.hidden >= 0) throw Error("--hidden is the MLP's width; the CNN's is --filters");
  if (args.cnn_export == "conv2d" && (!cnn || int8_activations || args.weights == "hybrid" || args.scales != "tensor" ||
                                      args.output_bias != "rows"))
    throw Error("--cnn-export conv2d needs --family cnn1d with float activations, --weights int8 or float, --scales "
                "tensor and --output-bias rows");
  if (int8_activations && (args.weights != "int8" || args.scales != "tensor" || args.output_bias != "rows" || args.hidden == 0))
    throw Error("--activations " + args.activations + " needs an MLP or CNN with --weights int8 --scales tensor "
                "--output-bias rows");
  if (args.output_bias == "unit" && (args.weights == "hybrid" || args.scales == "row" || (!cnn && args.hidden == 0)))
    throw Error("--output-bias unit needs an MLP (--hidden > 0) with --weights int8 or float and --scales shared or tensor");
  if (args.weights == "hybrid" && args.scales != "tensor")
    throw Error("--weights hybrid needs --scales tensor: a hybrid FULLY_CONNECTED with per-row scales (version 12) "
                "does not load in the official runtime tinyfit is checked against, and hybrid layers quantize their "
                "inputs, so no shared weight grid keeps the skip exact");
  const data::WeatherColumns columns = data::parse_weather_columns(args.columns);
  const std::filesystem::path csv =
      args.csv.empty() ? data::course_weather_csv(args.data_dir) : std::filesystem::path(args.csv);
  const data::WeatherSeries series = data::read_weather_csv(csv, columns);
  // Trained on normalised windows (statistics of the training rows); the exported file takes raw
  // values, so it is evaluated on raw windows of the same rows.
  const data::ForecastData fd = data::make_forecast_data(series);
  const data::ForecastData raw = data::make_forecast_data(series, models::kRawInputs);
  if (fd.train.count == 0 || fd.val.count == 0 || fd.test.count == 0)
    throw Error(csv.string() + ": too few rows for training, validation and test windows");

  train::ForecastJobOptions job;
  job.hidden = args.hidden >= 0 ? args.hidden : v.hidden;
  job.filters = cnn ? args.filters : 0;
  job.kernel = args.kernel;
  job.qat_epochs = args.qat_epochs;
  job.export_options.conv2d = cnn && args.cnn_export == "conv2d";
  job.export_options.activations = args.activations == "int8"          ? models::Activations::Int8
                                   : args.activations == "int8-hidden" ? models::Activations::Int8Hidden
                                                                       : models::Activations::Float;
  job.trainer.epochs = args.epochs > 0 ? args.epochs : v.epochs;
  job.trainer.batch_size = args.batch;
  job.trainer.lr = args.lr;
  job.trainer.patience = args.patience;
  job.trainer.seed = args.seed;
  job.trainer.loss = train::parse_loss(args.loss);
  // Weigh each feature's error by the inverse of its target, so both constraints pull equally.
  job.trainer.feature_weights = {static_cast<float>(1.0 / v.ours.t), static_cast<float>(1.0 / v.ours.rh)};
  job.export_options.weights = weight_format(args.weights);
  job.export_options.per_channel = args.scales == "row";
  job.export_options.shared_scale = args.scales == "shared";
  job.step_bias = args.output_bias == "rows";
  job.export_options.bias_unit = args.output_bias == "unit";
  job.export_options.reshape_output = !args.flat_output;
  const bool quiet = global.quiet || global.json;

  // Best of N seeds, chosen on the validation windows with what ships: the exported model in
  // tinyfit's interpreter, scored like the trainer (each MAE over its target).
  train::ForecastJobResult result;
  uint64_t best_seed = args.seed;
  double best_score = INFINITY;
  nlohmann::json seeds = nlohmann::json::array();
  const int n_seeds = args.seeds > 0 ? args.seeds : v.seeds;
  for (int i = 0; i < n_seeds; ++i) {
    job.trainer.seed = args.seed + static_cast<uint64_t>(i);
    train::ForecastJobResult run = train::train_forecaster(
        fd, job, [&](const train::EpochReport& r) { if (!quiet) print_progress(v.name, r); });
    const auto val = data::mae(tflite::run_batch(run.model, raw.val.inputs, raw.val.count, {}), raw.val.labels);
    const double score = val[0] / v.ours.t + val[1] / v.ours.rh;
    const auto test = data::mae(tflite::run_batch(run.model, raw.test.inputs, raw.test.count, {}), raw.test.labels);
    seeds.push_back({{"seed", job.trainer.seed}, {"val_mae", val}, {"test_mae", test}});
    if (!quiet && n_seeds > 1)
      std::fprintf(stderr, "forecast %s: seed %llu  val MAE T %.4f RH %.4f  (test T %.4f RH %.4f)\n", v.name.c_str(),
                   static_cast<unsigned long long>(job.trainer.seed), val[0], val[1], test[0], test[1]);
    if (score < best_score) {
      best_score = score;
      best_seed = job.trainer.seed;
      result = std::move(run);
    }
  }

  std::filesystem::create_directories(args.out);
  const std::filesystem::path model_path = std::filesystem::path(args.out) / ("th_" + v.name + ".tflite");
  tflite::ModelDef model = result.model;
  // The tinyfit metadata ({"task":"forecast"}, ~70 bytes) is opt-in: it does not fit the byte targets.
  if (!args.metadata) model.metadata.clear();
  tflite::write_model_file(model, model_path, write_options(args.layout));
  const size_t bytes = std::filesystem::file_size(model_path);

  // Evaluate what was written, not what was trained.
  const tflite::ModelDef written = tflite::read_model_file(model_path);
  const std::vector<float> pred = tflite::run_batch(written, raw.test.inputs, raw.test.count, {});
  const auto mae = data::mae(pred, raw.test.labels);
  const auto mae_course = data::mae_course(pred, raw.test.labels, raw.test.out_steps);
  const std::vector<float> persistence_pred = data::persistence_forecast(raw.test, models::kRawInputs);
  const auto persistence = data::mae(persistence_pred, raw.test.labels);
  const nlohmann::json checks = {check(v.course, mae, bytes), check(v.ours, mae, bytes)};

  nlohmann::json j = {
      {"version", v.name}, {"model", model_path.string()}, {"bytes", bytes}, {"csv", csv.string()},
      {"columns", nlohmann::json::array({columns.temperature, columns.humidity})}, {"description", result.weights.describe()},
      {"weights", args.weights}, {"scales", args.scales}, {"output_bias", args.output_bias},
      {"output_reshape", !args.flat_output},
      {"layout", args.layout}, {"metadata", args.metadata},
      {"family", args.family}, {"hidden", result.weights.hidden}, {"parameters", stored_parameters(written)},
      {"filters", cnn ? args.filters : 0}, {"kernel", cnn ? args.kernel : 0}, {"activations", args.activations},
      {"cnn_export", cnn ? args.cnn_export : ""},
      {"compression", compression_steps(result.weights, job.export_options, model, args)},
      {"normalisation", {{"mean", fd.norm.mean}, {"std", fd.norm.std}, {"folded", true}}},
      {"windows", {{"train", fd.train.count}, {"val", fd.val.count}, {"test", fd.test.count}}},
      {"training", {{"seed", best_seed}, {"seeds", seeds}, {"epochs", job.trainer.epochs}, {"loss", args.loss},
                    {"batch", args.batch}, {"lr", args.lr}, {"best_epoch", result.training.best_epoch},
                    {"stopped_early", result.training.stopped_early}, {"seconds", result.training.seconds},
                    {"val_mae_float", result.val_mae_float}, {"val_mae_model", result.val_mae},
                    {"qat_epochs", int8_activations ? args.qat_epochs : 0}, {"history", history_json(result.training)}}},
      {"test", {{"mae", {{"T", mae[0]}, {"RH", mae[1]}}},
                {"mae_course_batches", {{"T", mae_course[0]}, {"RH", mae_course[1]}}},
                {"persistence_mae", {{"T", persistence[0]}, {"RH", persistence[1]}}},
                {"mae_per_step", mae_per_step(pred, raw.test.labels, raw.test.out_steps)},
                {"persistence_per_step", mae_per_step(persistence_pred, raw.test.labels, raw.test.out_steps)},
                {"sample", forecast_sample(series, raw, pred)}}},
      {"constraints", checks}};
  const std::filesystem::path json_path = std::filesystem::path(args.out) / ("th_" + v.name + ".json");
  write_file_atomic(json_path, j.dump(2) + "\n");

  emit(global, j, [&] {
    std::printf("model        %s (%zu bytes), %s\n", model_path.c_str(), bytes, result.weights.describe().c_str());
    std::printf("trained      %d epochs (best %d) in %.1f s; val MAE (float) T %.4f RH %.4f\n",
                static_cast<int>(result.training.history.size()), result.training.best_epoch,
                result.training.seconds, result.val_mae_float[0], result.val_mae_float[1]);
    if (int8_activations)
      std::printf("QAT          %d epochs; val MAE (fake-quantized) T %.4f RH %.4f\n", args.qat_epochs,
                  result.val_mae[0], result.val_mae[1]);
    std::printf("test         %zu windows of %s\n", fd.test.count, csv.c_str());
    std::printf("MAE          T %.4f degC   RH %.4f %%\n", mae[0], mae[1]);
    std::printf("MAE (course) T %.4f degC   RH %.4f %%   (mean of per-batch means, batches of 32)\n", mae_course[0],
                mae_course[1]);
    std::printf("persistence  T %.4f degC   RH %.4f %%\n", persistence[0], persistence[1]);
    for (const auto& c : checks) {
      const char* op = c["strict"].get<bool>() ? "<" : "<=";
      std::printf("%-6s %s   T %s %.2f: %s   RH %s %.2f: %s   size %zu %s %g: %s\n",
                  c["name"].get<std::string>().c_str(), c["pass"].get<bool>() ? "PASS" : "FAIL", op,
                  c["T"].get<double>(), c["T_ok"].get<bool>() ? "ok" : "no", op, c["RH"].get<double>(),
                  c["RH_ok"].get<bool>() ? "ok" : "no", bytes, op, c["bytes"].get<double>(),
                  c["bytes_ok"].get<bool>() ? "ok" : "no");
    }
    std::printf("wrote        %s\n", json_path.c_str());
  });
}

}  // namespace

void add_forecast_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<ForecastArgs>();
  CLI::App* cmd = app.add_subcommand(
      "forecast",
      "Train the Jena T/RH forecaster (version a or b), write th_<v>.tflite and th_<v>.json, and evaluate the "
      "written file on the test split");
  cmd->add_option("--version", args->version, "a (T<0.5, RH<1.8, <2 kB) | b (T<0.6, RH<1.9, <1.7 kB)")
      ->required()
      ->check(CLI::IsMember({"a", "b"}));
  cmd->add_option("--csv", args->csv,
                  "Weather CSV in the course layout (default: <data>/jena_climate_2009_2016.csv[.gz], the course's "
                  "file from `tinyfit data fetch jena`; real 2021/2024 records of the same station are in "
                  "<data>/jena/jena_climate_10min_2021_2024.csv)");
  cmd->add_option("--columns", args->columns, "The two feature columns of the CSV, by header name")
      ->capture_default_str();
  add_data_dir_flag(*cmd, args->data_dir);
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the initial weights and batch order")->capture_default_str();
  cmd->add_option("--seeds", args->seeds,
                  "Train with seeds seed .. seed+N-1 and keep the export best on the validation windows "
                  "(default: 5)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--epochs", args->epochs, "Epochs (default: the version's)")->check(CLI::PositiveNumber);
  cmd->add_option("--hidden", args->hidden, "Hidden units, 0: linear (default: a 6, b 2)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--family", args->family,
                  "mlp (--hidden units) | cnn1d (Conv1D over the steps, --filters wide, --kernel steps, ReLU, dense "
                  "output; written as the unfolded convolution in a FULLY_CONNECTED)")
      ->check(CLI::IsMember({"mlp", "cnn1d"}))
      ->capture_default_str();
  cmd->add_option("--filters", args->filters, "CNN-1D filters (the width multiplier)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--kernel", args->kernel, "CNN-1D kernel, steps")->capture_default_str();
  cmd->add_option("--cnn-export", args->cnn_export,
                  "fc (the convolution unfolded into the first FULLY_CONNECTED) | conv2d (RESHAPE -> CONV_2D -> "
                  "FULLY_CONNECTED; --scales tensor --output-bias rows)")
      ->check(CLI::IsMember({"fc", "conv2d"}))
      ->capture_default_str();
  cmd->add_option("--activations", args->activations,
                  "float (int8 weights, float math) | int8 (QUANTIZE -> int8 FC -> int8 FC -> DEQUANTIZE) | "
                  "int8-hidden (first FC float, then QUANTIZE -> int8 FC -> DEQUANTIZE); int8 variants are "
                  "fine-tuned with fake quantization (--qat-epochs) and need --scales tensor --output-bias rows")
      ->check(CLI::IsMember({"float", "int8", "int8-hidden"}))
      ->capture_default_str();
  cmd->add_option("--qat-epochs", args->qat_epochs, "Quantization-aware fine-tuning epochs (int8 activations)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--loss", args->loss, "l1 | mse")->check(CLI::IsMember({"l1", "mse"}))->capture_default_str();
  cmd->add_option("--batch", args->batch, "Mini-batch size")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--lr", args->lr, "Adam learning rate (cosine decay to 5 %)")->capture_default_str();
  cmd->add_option("--patience", args->patience, "Stop after N epochs without a better validation score (0: never)")
      ->capture_default_str();
  cmd->add_option("--weights", args->weights,
                  "int8 (int8 constants -> DEQUANTIZE, float math) | hybrid (int8-weight FC, per-tensor scales only) | float")
      ->check(CLI::IsMember({"int8", "hybrid", "float"}))
      ->capture_default_str();
  cmd->add_option("--scales", args->scales,
                  "int8 weight scales: shared (one scale for both weight tensors, hidden units equalised, skip "
                  "kept exact) | tensor (one per tensor) | row (one per output row: 12 bytes more per row); "
                  "default: a tensor, b shared")
      ->check(CLI::IsMember({"shared", "tensor", "row"}));
  cmd->add_option("--output-bias", args->output_bias,
                  "rows (a bias tensor of 12, one per output) | unit (one bias per feature, trained so, carried by a "
                  "constant hidden unit: about 56 bytes smaller; the file then assumes RH >= 0 %); default: a rows, "
                  "b unit")
      ->check(CLI::IsMember({"rows", "unit"}));
  cmd->add_flag("--flat-output", args->flat_output, "Output [1, 12] (no RESHAPE to [1, 6, 2])");
  cmd->add_option("--layout", args->layout,
                  "tight (hand-laid flatbuffer, shared and overlapping subobjects; see tflite/writer_tight.hpp) | "
                  "compact (flatbuffers builder, buffer data 4-byte aligned, operator codes in one field) | converter "
                  "(16-byte aligned, both code fields)")
      ->check(CLI::IsMember({"tight", "compact", "converter"}))
      ->capture_default_str();
  cmd->add_flag("--metadata", args->metadata,
                "Also write the tinyfit metadata {\"task\":\"forecast\"} (about 70 bytes; without it, eval needs "
                "--norm raw)");
  cmd->callback([args, &global] { run_forecast(*args, global); });
}

}  // namespace tinyfit::cli
