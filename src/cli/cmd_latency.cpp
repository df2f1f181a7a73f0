// `tinyfit latency`: the course's latency protocol (spec §2) run by tinyfit's own front end and
// interpreter. Per run: a random second of 48 kHz audio, then under the total clock resample ->
// |STFT| -> MFCC (or resize) -> copy into the input tensor -> under the inference clock invoke and
// read the output. Reports mean, median and p90 of both clocks and the per-stage split of the total.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "core/error.hpp"
#include "data/speech_commands.hpp"
#include "dsp/latency_stages.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/builtin_op.hpp"
#include "tflite/interpreter.hpp"
#include "tflite/metadata.hpp"
#include "tflite/reader.hpp"

namespace tinyfit::cli {

namespace {

// The protocol's input: one second at the rate the course's microphone recorded at.
constexpr int kInputRate = 48000;
constexpr size_t kInputSamples = 48000;

struct LatencyArgs {
  std::string model;
  int runs = 100;
  int sleep_ms = 100;
  unsigned seed = 0;
  bool reference = false;
  bool per_op = false;
  dsp::FeatureOptions features;
  std::vector<std::string> labels;
};

using Clock = std::chrono::steady_clock;

// Per-run clock readings in integer nanoseconds, so that the stages add up to the total exactly.
enum Stage { kResample, kStft, kFinish, kCopyIn, kInvoke, kNumStages };
struct Run {
  int64_t stage_ns[kNumStages];
  int64_t total_ns;
  int64_t inference_ns() const { return stage_ns[kInvoke]; }
};

struct Summary {
  double mean, median, p90;  // ms
};

double ms(int64_t ns) { return static_cast<double>(ns) * 1e-6; }

// numpy.percentile's default (linear interpolation between the two nearest ranks), as the course's
// script would have computed median and p90.
double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double pos = p / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

Summary summarize(const std::vector<Run>& runs, int64_t (*pick)(const Run&)) {
  std::vector<double> values;
  int64_t sum = 0;
  for (const Run& r : runs) {
    values.push_back(ms(pick(r)));
    sum += pick(r);
  }
  return {ms(sum) / static_cast<double>(runs.size()), percentile(values, 50), percentile(values, 90)};
}

nlohmann::json to_json(const Summary& s) { return {{"mean", s.mean}, {"median", s.median}, {"p90", s.p90}}; }

// --labels does not change what is timed; it is accepted so that an `eval` command line works here
// unchanged, and checked the same way (known keywords, one per model output).
void check_labels(const std::vector<std::string>& labels, size_t outputs, const std::string& model) {
  if (labels.empty()) return;
  for (const auto& w : labels) {
    if (std::find(data::kKeywords.begin(), data::kKeywords.end(), w) == data::kKeywords.end())
      throw Error("unknown keyword in --labels: '" + w + "'");
  }
  if (labels.size() != outputs)
    throw Error(model + ": model has " + std::to_string(outputs) + " outputs but " + std::to_string(labels.size()) +
                " labels are given");
}

void run_latency(const LatencyArgs& args, const GlobalOptions& global) {
  tflite::ModelDef model = tflite::read_model_file(args.model);
  const auto meta = tflite::find_metadata(model, args.model);
  const bool from_metadata = meta && meta->features;
  const dsp::FeatureOptions options = from_metadata ? *meta->features : args.features;
  dsp::FeatureStages stages(options, kInputRate, kInputSamples);
  const auto [rows, cols] = stages.output_shape();
  if (tflite::model_input_size(model) != stages.output_size())
    throw Error(args.model + ": model input takes " + std::to_string(tflite::model_input_size(model)) +
                " values but the features (" + options.describe() + ") give " + std::to_string(rows) + "x" +
                std::to_string(cols) + "; pass the feature flags the model was trained with");
  const size_t outputs = tflite::model_output_size(model);
  check_labels(args.labels, outputs, args.model);
  tflite::Interpreter interpreter(std::move(model), tflite::InterpreterOptions{.reference_only = args.reference});

  std::mt19937 rng(args.seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> audio(kInputSamples), features(stages.output_size()), scores(outputs);
  std::vector<Run> runs(static_cast<size_t>(args.runs));
  std::vector<int64_t> node_ns;  // --per-op: summed over the runs
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(args.sleep_ms));
    std::generate(audio.begin(), audio.end(), [&] { return uniform(rng); });
    Clock::time_point t[kNumStages + 1];
    t[0] = Clock::now();
    stages.resample(audio);
    t[1] = Clock::now();
    stages.stft();
    t[2] = Clock::now();
    stages.finish(features);
    t[3] = Clock::now();
    tflite::set_input_float(interpreter.input(0), features);
    t[4] = Clock::now();  // the inference clock starts here
    if (args.per_op) {
      interpreter.invoke(node_ns);
    } else {
      interpreter.invoke();
    }
    tflite::get_output_float(interpreter.output(0), scores);
    t[5] = Clock::now();
    for (int s = 0; s < kNumStages; ++s)
      runs[i].stage_ns[s] = std::chrono::duration_cast<std::chrono::nanoseconds>(t[s + 1] - t[s]).count();
    runs[i].total_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t[kNumStages] - t[0]).count();
  }
  // After the timed runs (not before: the course's first run was cold): the staged front end must
  // compute what the product's one-pass FeatureExtractor does, or the figures time something else.
  std::vector<float> expected(features.size());
  stages.extractor().compute(audio, expected);
  if (expected != features) throw Error("internal: staged features differ from FeatureExtractor's");

  const Summary inference = summarize(runs, [](const Run& r) { return r.inference_ns(); });
  const Summary total = summarize(runs, [](const Run& r) { return r.total_ns; });
  const char* finish_name = options.resize > 0 ? "resize" : "mel_log_dct";
  const char* names[kNumStages] = {"resample", "stft", finish_name, "copy_in", "invoke"};
  double stage_ms[kNumStages] = {};
  for (const Run& r : runs)
    for (int s = 0; s < kNumStages; ++s) stage_ms[s] += ms(r.stage_ns[s]) / static_cast<double>(runs.size());

  // --per-op: mean time of each operator (the nodes folded at load time cost nothing per run).
  nlohmann::json per_op = nlohmann::json::array();
  if (args.per_op) {
    const tflite::ModelDef& m = interpreter.model();
    for (size_t i = 0; i < node_ns.size(); ++i) {
      if (interpreter.node_folded(i)) continue;
      const auto& op = m.operators[i];
      std::string shape;
      if (!op.outputs.empty() && op.outputs[0] >= 0)
        for (int32_t d : m.tensors[static_cast<size_t>(op.outputs[0])].shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
      per_op.push_back({{"node", i}, {"op", tflite::builtin_op_name(op.opcode)}, {"output", shape},
                        {"mean_ms", ms(node_ns[i]) / static_cast<double>(runs.size())}});
    }
  }
  nlohmann::json stages_json = nlohmann::json::object();
  for (int s = 0; s < kNumStages; ++s) stages_json[names[s]] = stage_ms[s];
  nlohmann::json j = {
      {"model", args.model},
      {"features", options.describe()},
      {"features_from", from_metadata ? "metadata" : "flags"},
      {"input_shape", {rows, cols}},
      {"kernels", args.reference ? "reference" : "fast"},
      {"runs", args.runs},
      {"sleep_ms", args.sleep_ms},
      {"seed", args.seed},
      {"audio", {{"rate", kInputRate}, {"samples", kInputSamples}}},
      {"inference_ms", to_json(inference)},
      {"total_ms", to_json(total)},
      {"first_run_ms", {{"inference", ms(runs[0].inference_ns())}, {"total", ms(runs[0].total_ns)}}},
      {"stages_ms", stages_json}};
  if (args.per_op) j["per_op"] = per_op;
  emit(global, j, [&] {
    std::printf("model      %s (%s kernels)\nfeatures   %s -> %dx%d (from the %s)\n", args.model.c_str(),
                args.reference ? "reference" : "fast", options.describe().c_str(), rows, cols,
                from_metadata ? "model's metadata" : "feature flags");
    std::printf("protocol   %d runs of 1 s random audio at %d Hz, first included, %d ms sleep between runs\n\n",
                args.runs, kInputRate, args.sleep_ms);
    std::printf("%-10s %10s %10s %10s %10s\n", "ms", "mean", "median", "p90", "first run");
    std::printf("%-10s %10.4f %10.4f %10.4f %10.4f\n", "inference", inference.mean, inference.median, inference.p90,
                ms(runs[0].inference_ns()));
    std::printf("%-10s %10.4f %10.4f %10.4f %10.4f\n\n", "total", total.mean, total.median, total.p90,
                ms(runs[0].total_ns));
    std::printf("split of the total (means)\n");
    const char* labels[kNumStages] = {"resample", "stft", options.resize > 0 ? "resize" : "mel+log+dct",
                                      "copy in", "invoke"};
    for (int s = 0; s < kNumStages; ++s)
      std::printf("  %-12s %9.4f ms %6.1f %%\n", labels[s], stage_ms[s], 100.0 * stage_ms[s] / total.mean);
    if (args.per_op) {
      std::printf("\nper operator (means; share of invoke)\n");
      for (const auto& o : per_op)
        std::printf("  %3zu %-20s %-12s %9.4f ms %6.1f %%\n", o["node"].get<size_t>(), o["op"].get<std::string>().c_str(),
                    o["output"].get<std::string>().c_str(), o["mean_ms"].get<double>(),
                    100.0 * o["mean_ms"].get<double>() / stage_ms[kNumStages - 1]);
    }
  });
}

}  // namespace

void add_latency_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<LatencyArgs>();
  CLI::App* cmd = app.add_subcommand("latency", "Time a KWS model by the course's latency protocol (spec §2)");
  cmd->add_option("--model", args->model, "Model file (.tflite or zlib-compressed)")->required();
  cmd->add_option("--runs", args->runs, "Timed runs (the first is included, as the course did)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--sleep-ms", args->sleep_ms, "Pause between runs (ms; the course slept 100)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the random audio")->capture_default_str();
  cmd->add_flag("--reference", args->reference, "Time the reference kernels instead of the fast ones");
  cmd->add_flag("--per-op", args->per_op, "Also time every operator of the invoke (mean per run; JSON key per_op)");
  // Feature flags apply only when the model does not carry its own parameters (as in eval).
  add_feature_flags(*cmd, args->features);
  cmd->add_option("--labels", args->labels, "Comma-separated keywords in the model's output order (checked only)")
      ->delimiter(',');
  cmd->callback([args, &global] { run_latency(*args, global); });
}

}  // namespace tinyfit::cli
