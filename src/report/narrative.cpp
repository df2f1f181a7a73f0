#include "report/narrative.hpp"

#include <algorithm>
#include <cmath>

#include "report/html.hpp"
#include "report/published.hpp"

namespace tinyfit::report {

namespace {

const EpochRecord* best_epoch(const TrainingLog& log) {
  for (const EpochRecord& e : log.history) {
    if (e.epoch == log.best_epoch) return &e;
  }
  return nullptr;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return s;
}

}  // namespace

namespace {

// "with 2.00 points and 8,516 B to spare" or "by 0.25 points (89.75 % against > 90 %)": the margin
// of each limit of the course's constraint set, in the words of that metric.
struct MetricWords {
  std::string metric, unit;
  int decimals;
  bool higher_is_better;
  double value;
};

std::string margins(const ConstraintSet& course, const std::vector<MetricWords>& metrics) {
  std::vector<std::string> spare, missed;
  for (const MetricWords& m : metrics) {
    const Check* c = course.find(m.metric);
    if (!c) continue;
    const double margin = m.higher_is_better ? m.value - c->limit : c->limit - m.value;
    const std::string amount = m.metric == "bytes" ? bytes_text(std::fabs(margin)) : fixed(std::fabs(margin), m.decimals) + m.unit;
    if (c->ok) {
      spare.push_back(amount);
    } else {
      const std::string name = m.metric == "bytes" ? "size" : m.metric;
      missed.push_back(name + " by " + amount);
    }
  }
  if (missed.empty()) return "passes the course's limits with " + join_names(spare) + " to spare";
  return "misses the course's " + join_names(missed);
}

}  // namespace

std::vector<std::string> kws_summary(const RunSet& runs) {
  std::vector<std::string> out;
  for (const auto& [v, run] : runs.kws) {
    const std::string name = "kws_" + v;
    std::string s = name + " (" + fixed(run.accuracy, 2) + " %, " + bytes_text(run.bytes) + ")";
    if (const ConstraintSet* course = run.constraint("course")) {
      s += ' ';  // (appended apart: GCC 12 warns falsely on `" " + std::string&&`)
      s += margins(*course, {{"accuracy", " points", 2, true, run.accuracy}, {"bytes", "", 0, false, run.bytes}});
    }
    // The best published result of the same version, as the spec lists it.
    const PublishedKws* best = nullptr;
    for (const PublishedKws& p : published_kws()) {
      if (p.version == v && (!best || p.accuracy > best->accuracy || (p.accuracy == best->accuracy && p.kbytes < best->kbytes))) best = &p;
    }
    if (best) {
      const double delta = run.accuracy - best->accuracy;
      const double dbytes = best->kbytes * 1024 - run.bytes;
      s += "; against the best published " + v + " (" + fixed(best->accuracy, 2) + " % at " + fixed(best->kbytes, 1) +
           " kB) it is " + fixed(std::fabs(delta), 2) + " points " + (delta >= 0 ? "more" : "less") + " accurate and " +
           kbytes_text(std::fabs(dbytes)) + " " + (dbytes >= 0 ? "smaller" : "larger");
    }
    out.push_back(s + ".");
  }
  if (runs.kws.empty()) out.push_back("No keyword-spotting results in " + runs.dir.string() + ".");
  return out;
}

std::vector<std::string> kws_design_notes(const RunSet& runs) {
  // One sentence across versions: what full-int8 export cost against float, and how much of each
  // file is weights (the rest is what a smaller writer or zlib can still win).
  std::vector<std::string> quant, weights;
  for (const auto& [v, run] : runs.kws) {
    if (run.accuracy_float) quant.push_back(fixed(run.accuracy - *run.accuracy_float, 2) + " points (kws_" + v + ")");
    if (run.model) {
      const SizeBreakdown& b = run.model->size;
      weights.push_back(percent_of(static_cast<double>(b.weights + b.biases), static_cast<double>(b.flatbuffer)) +
                        " (kws_" + v + ")");
    }
  }
  std::vector<std::string> out;
  if (!quant.empty()) out.push_back("Full-int8 export changes test accuracy against the float model by " + join_names(quant) + ".");
  if (!weights.empty()) {
    out.push_back("Weights and biases make up " + join_names(weights) + " of the flatbuffer; the rest is quantization "
                  "parameters and graph (breakdown in the appendix).");
  }
  return out;
}

std::string stage_name(const std::string& stage) {
  if (stage == "stft") return "STFT";
  if (stage == "mel_log_dct") return "mel + log + DCT";
  if (stage == "copy_in") return "copy in";
  return stage;
}

std::string kws_latency_caption(const RunSet& runs) {
  std::string s = "Latency per stage on this machine, 1 s of 48 kHz audio to scores (means):";
  bool first = true;
  for (const auto& [v, run] : runs.kws) {
    if (!run.latency) continue;
    const LatencyRun& l = *run.latency;
    std::string largest;
    double largest_ms = -1;
    for (const auto& [stage, ms] : l.stages) {
      if (ms > largest_ms) largest = stage, largest_ms = ms;
    }
    s += std::string(first ? " " : "; ") + "kws_" + v + " " + fixed(l.inference_mean, 3) + " ms inference, " +
         fixed(l.total_mean, 3) + " ms total, largest stage " + stage_name(largest) + " (" +
         percent_of(largest_ms, l.total_mean) + ")";
    first = false;
  }
  return s + ".";
}

std::vector<std::string> forecast_summary(const RunSet& runs) {
  std::vector<std::string> out;
  for (const auto& [v, run] : runs.forecast) {
    const std::string name = "th_" + v;
    std::string s = name + " (" + fixed(run.mae_T, 3) + " °C, " + fixed(run.mae_RH, 3) + " %, " + bytes_text(run.bytes) + ")";
    if (const ConstraintSet* course = run.constraint("course")) {
      s += ' ';
      s += margins(*course, {{"T", " °C", 3, false, run.mae_T}, {"RH", " %", 3, false, run.mae_RH},
                             {"bytes", "", 0, false, run.bytes}});
    }
    if (run.persistence_T && run.persistence_RH) {
      s += "; its errors are " + percent_of(*run.persistence_T - run.mae_T, *run.persistence_T) + " (T) and " +
           percent_of(*run.persistence_RH - run.mae_RH, *run.persistence_RH) + " (RH) below persistence";
    }
    // The published files of this version re-run on the same test windows (spec §1): the fair comparison.
    const PublishedForecast* best = nullptr;
    for (const PublishedForecast& p : published_forecast()) {
      if (p.on_our_test_windows && p.version == v && (!best || p.T + p.RH < best->T + best->RH)) best = &p;
    }
    if (best) {
      const double dbytes = best->kbytes * 1024 - run.bytes;
      s += "; " + best->who + "'s th_" + v + " on the same windows: " + fixed(best->T, 3) + " °C, " + fixed(best->RH, 3) +
           " % at " + bytes_text(best->kbytes * 1024) + " (" + name + " " + fixed(run.mae_T - best->T, 3) + " °C, " +
           fixed(run.mae_RH - best->RH, 3) + " %, " + bytes_text(std::fabs(dbytes)) + (dbytes >= 0 ? " smaller)" : " larger)");
    }
    out.push_back(s + ".");
  }
  if (runs.forecast.empty()) out.push_back("No forecasting results in " + runs.dir.string() + ".");
  return out;
}

std::vector<std::string> forecast_design_notes(const RunSet& runs) {
  std::vector<std::string> out;
  for (const auto& [v, run] : runs.forecast) {
    const std::string name = "th_" + v;
    std::vector<std::string> parts;
    if (run.mae_per_step && run.mae_per_step->T.size() >= 2 && run.mae_per_step->RH.size() >= 2) {
      const SeriesPair& m = *run.mae_per_step;
      parts.push_back("the error grows with the horizon, T " + fixed(m.T.front(), 3) + " → " + fixed(m.T.back(), 3) +
                      " °C and RH " + fixed(m.RH.front(), 3) + " → " + fixed(m.RH.back(), 3) + " % from 10 to " +
                      std::to_string(10 * m.T.size()) + " minutes ahead");
    }
    if (run.model) {
      const SizeBreakdown& b = run.model->size;
      const double fb = static_cast<double>(b.flatbuffer);
      parts.push_back("weights and biases are " + percent_of(static_cast<double>(b.weights + b.biases), fb) +
                      " of its " + bytes_text(fb));
    }
    if (parts.empty()) continue;
    std::string s = name + ": " + parts[0];
    for (size_t i = 1; i < parts.size(); ++i) s += "; " + parts[i];
    out.push_back(s + ".");
  }
  return out;
}

static std::string training_cell(const RunCommon& run, const std::string& metric_text) {
  const TrainingLog& t = run.training;
  std::string s = "epoch " + std::to_string(t.best_epoch) + (t.epochs ? " of " + std::to_string(*t.epochs) : "") + " kept";
  s += " · " + metric_text;
  if (t.seeds_tried && t.seed) s += " · seed " + std::to_string(*t.seed) + ", best of " + std::to_string(*t.seeds_tried);
  if (t.seconds) s += " · " + fixed(*t.seconds, 0) + " s";
  return s;
}

std::string kws_training_cell(const KwsRun& run) {
  const EpochRecord* best = best_epoch(run.training);
  std::string metric = best ? "val. " + fixed(best->metric[0], 2) + " %" : "best val.";
  if (run.val_accuracy_int8) metric += " (int8 " + fixed(*run.val_accuracy_int8, 2) + " %)";
  return training_cell(run, metric);
}

std::string forecast_training_cell(const ForecastRun& run) {
  const EpochRecord* best = best_epoch(run.training);
  return training_cell(run, best ? "val. " + fixed(best->metric[0], 3) + " °C, " + fixed(best->metric[1], 3) + " %" : "best val.");
}

}  // namespace tinyfit::report
