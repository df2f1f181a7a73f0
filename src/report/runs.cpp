#include "report/runs.hpp"

#include <system_error>

#include "core/error.hpp"
#include "report/json_fields.hpp"

namespace tinyfit::report {

namespace fs = std::filesystem;
using nlohmann::json;

const Check* ConstraintSet::find(const std::string& metric) const {
  for (const Check& c : checks) {
    if (c.metric == metric) return &c;
  }
  return nullptr;
}

const ConstraintSet* RunCommon::constraint(const std::string& name) const {
  for (const ConstraintSet& c : constraints) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {

// Each constraint object holds, per metric, the limit ("accuracy": 90) and the verdict
// ("accuracy_ok": true); "pass" (older files: "passed") is the verdict of the whole set.
std::vector<ConstraintSet> read_constraints(const JsonFields& f, const std::vector<std::string>& metrics) {
  const json& list = f.at("constraints");
  if (!list.is_array()) f.fail("constraints", "is not an array");
  std::vector<ConstraintSet> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const JsonFields c = f.child(list[i], "constraints[" + std::to_string(i) + "]");
    ConstraintSet set;
    set.name = c.text("name");
    set.passed = c.has("pass") ? c.flag("pass") : c.flag("passed");
    for (const std::string& m : metrics) {
      if (!c.has(m)) continue;
      set.checks.push_back({m, c.number(m), c.flag(m + "_ok")});
    }
    out.push_back(std::move(set));
  }
  return out;
}

std::vector<CompressionStep> read_compression(const JsonFields& f, RunCommon& run) {
  std::vector<CompressionStep> out;
  if (!f.has("compression")) {
    run.missing_keys.push_back("compression");
    return out;
  }
  const json& list = f.at("compression");
  if (!list.is_array()) f.fail("compression", "is not an array");
  for (size_t i = 0; i < list.size(); ++i) {
    const JsonFields s = f.child(list[i], "compression[" + std::to_string(i) + "]");
    CompressionStep step{s.text("step"), s.number("bytes"), s.opt_number("sparsity")};
    step.delivered = s.has("delivered") && s.at("delivered").is_boolean() && s.flag("delivered");
    out.push_back(std::move(step));
  }
  return out;
}

// `metric_key` is "val_accuracy" (kws: one number) or "val_mae" (forecast: [T, RH]).
TrainingLog read_training(const JsonFields& f, const std::string& metric_key) {
  TrainingLog log;
  const json& history = f.at("training.history");
  if (!history.is_array() || history.empty()) f.fail("training.history", "is not a non-empty array");
  for (size_t i = 0; i < history.size(); ++i) {
    const JsonFields e = f.child(history[i], "training.history[" + std::to_string(i) + "]");
    EpochRecord r;
    r.epoch = static_cast<int>(e.number("epoch"));
    r.loss = e.number("loss");
    r.metric = e.at(metric_key).is_array() ? e.numbers(metric_key) : std::vector<double>{e.number(metric_key)};
    r.best = e.has("best") && e.flag("best");
    log.history.push_back(std::move(r));
  }
  log.best_epoch = static_cast<int>(f.number("training.best_epoch"));
  log.seconds = f.opt_number("training.seconds");
  if (auto v = f.opt_number("training.epochs")) log.epochs = static_cast<int>(*v);
  if (auto v = f.opt_number("training.seed")) log.seed = static_cast<int>(*v);
  if (f.has("training.seeds") && f.at("training.seeds").is_array()) {
    log.seeds_tried = static_cast<int>(f.at("training.seeds").size());
  }
  log.loss_name = f.opt_text("training.loss");
  return log;
}

// The model file: the path in the JSON (relative paths against the JSON's folder), else the same
// file name inside the runs folder (runs copied from another machine). When both exist, the one
// whose size is the "bytes" the JSON recorded wins: the other may be from a later run.
std::optional<fs::path> resolve_model(const std::string& path, double bytes, const fs::path& json_file,
                                      const fs::path& runs_dir, std::vector<std::string>& notes) {
  fs::path named(path);
  if (named.is_relative()) named = json_file.parent_path() / named;
  std::vector<fs::path> found;
  std::error_code ec;
  for (const fs::path& p : {named, runs_dir / fs::path(path).filename()}) {
    if (fs::is_regular_file(p, ec)) found.push_back(p);
  }
  for (const fs::path& p : found) {
    if (static_cast<double>(fs::file_size(p, ec)) == bytes) return p;
  }
  if (found.empty()) return std::nullopt;
  notes.push_back("model file " + found[0].string() + " has " + std::to_string(fs::file_size(found[0], ec)) +
                  " bytes, the run recorded " + std::to_string(static_cast<long long>(bytes)) +
                  " (a later run?): its tables may not match");
  return found[0];
}

void read_common(const JsonFields& f, const fs::path& json_file, const fs::path& runs_dir, RunCommon& run,
                 const std::vector<std::string>& metrics) {
  run.file = json_file.string();
  run.version = f.text("version");
  run.description = f.opt_text("description").value_or("");
  run.bytes = f.number("bytes");
  run.model_path = f.text("model");
  run.constraints = read_constraints(f, metrics);
  run.compression = read_compression(f, run);
  run.family = f.opt_display("family");
  run.parameters = f.opt_display("parameters");
  run.model_file = resolve_model(run.model_path, run.bytes, json_file, runs_dir, run.notes);
  if (!run.model_file) {
    run.notes.push_back("model file " + run.model_path + " not found (nor " +
                        (runs_dir / fs::path(run.model_path).filename()).string() + "): no layer table");
    return;
  }
  // A model file that cannot be read spoils only its own tables; the report says why.
  try {
    run.model = summarize_model_file(*run.model_file);
  } catch (const Error& e) {
    run.notes.push_back(std::string("model file unreadable: ") + e.what());
  }
}

std::optional<SeriesPair> read_pair(const JsonFields& f, const std::string& key, RunCommon& run) {
  if (!f.has(key)) {
    run.missing_keys.push_back(key);
    return std::nullopt;
  }
  return SeriesPair{f.numbers(key + ".T"), f.numbers(key + ".RH")};
}

}  // namespace

KwsRun load_kws_run(const fs::path& json_file, const fs::path& runs_dir) {
  const JsonFields f = JsonFields::load(json_file);
  KwsRun run;
  read_common(f, json_file, runs_dir, run, {"accuracy", "bytes"});
  run.features_description = f.opt_text("features_description");
  KwsFeatures& ft = run.features;
  ft.rate = f.number("features.rate");
  ft.length = f.number("features.length");
  ft.stride = f.number("features.stride");
  ft.bins = f.opt_number("features.bins").value_or(0);
  ft.coeff = f.opt_number("features.coeff").value_or(0);
  ft.lower = f.opt_number("features.lower").value_or(0);
  ft.upper = f.opt_number("features.upper").value_or(0);
  ft.resize = f.opt_number("features.resize").value_or(0);
  run.accuracy = f.number("test.accuracy");
  run.accuracy_float = f.opt_number("test.accuracy_float");
  run.val_accuracy_int8 = f.opt_number("val.accuracy_int8");
  run.float_bytes = f.opt_number("float_bytes");
  const json& labels = f.at("test.labels");
  const json& confusion = f.at("test.confusion");
  if (!labels.is_array()) f.fail("test.labels", "is not an array");
  for (const json& l : labels) {
    if (!l.is_string()) f.fail("test.labels", "holds a value that is not a string");
    run.labels.push_back(l.get<std::string>());
  }
  if (!confusion.is_array() || confusion.size() != run.labels.size()) {
    f.fail("test.confusion", "is not a " + std::to_string(run.labels.size()) + "-row matrix (one row per label)");
  }
  for (size_t i = 0; i < confusion.size(); ++i) {
    const std::string key = "test.confusion[" + std::to_string(i) + "]";
    if (!confusion[i].is_array() || confusion[i].size() != run.labels.size()) f.fail(key, "has the wrong length");
    std::vector<double> row;
    for (const json& x : confusion[i]) {
      if (!x.is_number()) f.fail(key, "holds a value that is not a number");
      row.push_back(x.get<double>());
    }
    run.confusion.push_back(row);
  }
  run.training = read_training(f, "val_accuracy");
  for (const char* key : {"family", "channels", "blocks", "expansion"}) {
    if (!f.has(key)) run.missing_keys.push_back(key);
  }
  run.channels = f.opt_display("channels");
  run.blocks = f.opt_display("blocks");
  run.expansion = f.opt_display("expansion");
  run.quantization = f.opt_display("quantization");
  if (const auto teacher = f.opt_text("distillation.teacher")) {
    const auto alpha = f.opt_display("distillation.alpha"), temperature = f.opt_display("distillation.temperature");
    run.distilled = "distilled from " + fs::path(*teacher).filename().string() + " (alpha " + alpha.value_or("?") +
                    ", T " + temperature.value_or("?") + ")";
  }
  return run;
}

ForecastRun load_forecast_run(const fs::path& json_file, const fs::path& runs_dir) {
  const JsonFields f = JsonFields::load(json_file);
  ForecastRun run;
  read_common(f, json_file, runs_dir, run, {"T", "RH", "bytes"});
  run.mae_T = f.number("test.mae.T");
  run.mae_RH = f.number("test.mae.RH");
  run.mae_course_T = f.opt_number("test.mae_course_batches.T");
  run.mae_course_RH = f.opt_number("test.mae_course_batches.RH");
  run.persistence_T = f.opt_number("test.persistence_mae.T");
  run.persistence_RH = f.opt_number("test.persistence_mae.RH");
  run.mae_per_step = read_pair(f, "test.mae_per_step", run);
  run.persistence_per_step = read_pair(f, "test.persistence_per_step", run);
  if (f.has("test.sample")) {
    ForecastSample s;
    s.first_window_start = f.opt_text("test.sample.first_window_start").value_or("");
    s.step_minutes = f.opt_number("test.sample.step_minutes").value_or(10);
    s.horizon_steps = f.opt_number("test.sample.horizon_steps").value_or(6);
    s.T_true = f.numbers("test.sample.T_true");
    s.T_pred = f.numbers("test.sample.T_pred");
    s.RH_true = f.numbers("test.sample.RH_true");
    s.RH_pred = f.numbers("test.sample.RH_pred");
    if (s.T_true.size() != s.T_pred.size() || s.RH_true.size() != s.RH_pred.size()) {
      f.fail("test.sample", "has true and predicted series of different lengths");
    }
    run.sample = std::move(s);
  } else {
    run.missing_keys.push_back("test.sample");
  }
  run.training = read_training(f, "val_mae");
  for (const EpochRecord& e : run.training.history) {
    if (e.metric.size() != 2) f.fail("training.history", "has a val_mae that is not [T, RH]");
  }
  for (const char* key : {"family", "hidden", "parameters"}) {
    if (!f.has(key)) run.missing_keys.push_back(key);
  }
  run.hidden = f.opt_display("hidden");
  run.windows_train = f.opt_number("windows.train");
  run.windows_val = f.opt_number("windows.val");
  run.windows_test = f.opt_number("windows.test");
  return run;
}

LatencyRun load_latency_run(const fs::path& json_file) {
  const JsonFields f = JsonFields::load(json_file);
  LatencyRun r;
  r.file = json_file.string();
  r.inference_mean = f.number("inference_ms.mean");
  r.inference_median = f.opt_number("inference_ms.median").value_or(r.inference_mean);
  r.inference_p90 = f.opt_number("inference_ms.p90").value_or(r.inference_mean);
  r.total_mean = f.number("total_ms.mean");
  r.total_median = f.opt_number("total_ms.median").value_or(r.total_mean);
  r.total_p90 = f.opt_number("total_ms.p90").value_or(r.total_mean);
  if (auto v = f.opt_number("runs")) r.runs = static_cast<int>(*v);
  // Stages in pipeline order; the feature stage is "mel_log_dct" (MFCC) or "resize" (STFT image).
  for (const char* stage : {"resample", "stft", "mel_log_dct", "resize", "copy_in", "invoke"}) {
    if (auto v = f.opt_number(std::string("stages_ms.") + stage)) r.stages.emplace_back(stage, *v);
  }
  return r;
}

RunSet load_runs(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": runs folder not found");
  RunSet set;
  set.dir = dir;
  for (const std::string& v : kKwsVersions) {
    const fs::path file = dir / ("kws_" + v + ".json");
    if (!fs::exists(file, ec)) {
      set.missing_files.push_back(file.filename().string());
      continue;
    }
    KwsRun run = load_kws_run(file, dir);
    const fs::path latency = dir / ("latency_" + v + ".json");
    if (fs::exists(latency, ec)) run.latency = load_latency_run(latency);
    set.kws.emplace(v, std::move(run));
  }
  for (const std::string& v : kForecastVersions) {
    const fs::path file = dir / ("th_" + v + ".json");
    if (!fs::exists(file, ec)) {
      set.missing_files.push_back(file.filename().string());
      continue;
    }
    set.forecast.emplace(v, load_forecast_run(file, dir));
  }
  if (set.kws.empty() && set.forecast.empty()) {
    throw Error(dir.string() + ": no run results (expected kws_a.json .. kws_c.json from `tinyfit kws`, "
                               "th_a.json / th_b.json from `tinyfit forecast`)");
  }
  return set;
}

}  // namespace tinyfit::report
