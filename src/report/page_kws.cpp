// The keyword-spotting page: constraints beside the published results, the design (features, model,
// compression, size), the figures, and what is missing.
#include <cmath>

#include "report/narrative.hpp"
#include "report/pages.hpp"
#include "report/published.hpp"

namespace tinyfit::report {

namespace {

std::string limit_cell(const Check* c, const std::string& op, const std::string& value_text) {
  if (!c) return "<td class=\"muted\">–</td>";
  return "<td>" + op + " " + value_text + " " + verdict(c->ok) + "</td>";
}

// Limits are round kB (25 kB = 25,600 B): "25 kB", not "25.0 kB".
std::string limit_kb(double bytes) {
  const double kb = bytes / 1024.0;
  return fixed(kb, kb == static_cast<double>(static_cast<long long>(kb)) ? 0 : 1) + " kB";
}

std::string limit_ms(double ms) { return fixed(ms, ms < 10 ? 1 : 0); }

std::string shape_text(const std::vector<int32_t>& shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "×" : "") + std::to_string(shape[i]);
  return s;
}

// "16 kHz · 640/320 frames (40/20 ms) · |STFT| · 40 mel 20–4000 Hz · log · DCT → 10 MFCC"
std::string pipeline_text(const KwsFeatures& f) {
  const auto ms = [&](double samples) { return fixed(1000.0 * samples / f.rate, 0); };
  std::string s = fixed(f.rate / 1000.0, 0) + " kHz";
  if (f.rate != 16000) s += " (resampled)";
  s += " · frames " + fixed(f.length, 0) + "/" + fixed(f.stride, 0) + " (" + ms(f.length) + "/" + ms(f.stride) +
       " ms) · |STFT|";
  if (f.resize > 0) return s + " · bilinear resize " + fixed(f.resize, 0) + "×" + fixed(f.resize, 0);
  s += " · " + fixed(f.bins, 0) + " mel " + fixed(f.lower, 0) + "–" + fixed(f.upper, 0) + " Hz · log";
  // coeff 0 is `tinyfit features --coeff 0`: the log-mel spectrogram itself, no DCT.
  return f.coeff > 0 ? s + " · DCT → " + fixed(f.coeff, 0) + " MFCC" : s + "-mel (no DCT)";
}

std::string input_text(const KwsRun& run) {
  if (run.model && !run.model->input_shape.empty()) {
    return shape_text(run.model->input_shape) + " " + run.model->input_type;
  }
  const KwsFeatures& f = run.features;
  if (f.resize > 0) return fixed(f.resize, 0) + "×" + fixed(f.resize, 0);
  const double frames = 1 + std::floor((f.rate - f.length) / f.stride);
  return fixed(frames, 0) + "×" + fixed(f.coeff, 0);
}

std::string published_cell(const std::string& version, int rows) {
  std::string s = "<td rowspan=\"" + std::to_string(rows) + "\" class=\"pub\">";
  bool first = true;
  for (const PublishedKws& p : published_kws()) {
    if (p.version != version) continue;
    s += std::string(first ? "" : "<br>") + fixed(p.accuracy, 2) + " % · " + fixed(p.kbytes, 1) + " kB";
    if (p.inference_ms) s += " · " + fixed(*p.inference_ms, 2) + " ms inf.";
    if (p.total_ms) s += " · " + fixed(*p.total_ms, 1) + " ms total";
    s += " <span class=\"muted\">" + escape(p.model) + "</span>";
    first = false;
  }
  return s + "</td>";
}

std::string constraints_table(const RunSet& runs) {
  std::string s =
      "<table class=\"constraints\">\n<colgroup><col style=\"width:19%\"><col style=\"width:9%\"><col style=\"width:16%\">"
      "<col style=\"width:14%\"><col style=\"width:13%\"><col style=\"width:29%\"></colgroup>\n"
      "<thead><tr><th>version</th><th>metric</th><th class=\"num\">ours</th><th>course limit</th>"
      "<th>tinyfit target</th><th>published (spec HW2 §2)</th></tr></thead>\n<tbody>\n";
  for (const std::string& v : kKwsVersions) {
    const auto it = runs.kws.find(v);
    const auto latency_limit = kws_latency_limit(v);
    if (it == runs.kws.end()) {
      s += "<tr class=\"group\"><td><span class=\"tag v" + v + "\">kws_" + v + "</span></td><td colspan=\"4\" class=\"muted\">"
           "not run (no kws_" + v + ".json)</td>" + published_cell(v, 1) + "</tr>\n";
      continue;
    }
    const KwsRun& run = it->second;
    const ConstraintSet* course = run.constraint("course");
    const ConstraintSet* ours = run.constraint("ours");
    const int rows = latency_limit ? 3 : 2;
    s += "<tr class=\"group\"><td rowspan=\"" + std::to_string(rows) + "\"><span class=\"tag v" + v + "\">kws_" + v +
         "</span> " + (course ? verdict(course->passed) : "") + "<div class=\"small\">" + model_cell_text(run) + "</div></td>";
    // accuracy
    const Check* ca = course ? course->find("accuracy") : nullptr;
    const Check* oa = ours ? ours->find("accuracy") : nullptr;
    s += "<td>accuracy</td><td class=\"num\"><b>" + fixed(run.accuracy, 2) + " %</b>" +
         (run.accuracy_float ? " <span class=\"small\">float " + fixed(*run.accuracy_float, 2) + "</span>" : "") + "</td>" +
         limit_cell(ca, "&gt;", ca ? fixed(ca->limit, 0) + " %" : "") +
         limit_cell(oa, "&gt;", oa ? fixed(oa->limit, 1) + " %" : "") + published_cell(v, rows) + "</tr>\n";
    // size
    const Check* cb = course ? course->find("bytes") : nullptr;
    const Check* ob = ours ? ours->find("bytes") : nullptr;
    s += "<tr><td>file size</td><td class=\"num\"><b>" + bytes_text(run.bytes) + "</b></td>" + limit_cell(cb, "&lt;", cb ? limit_kb(cb->limit) : "") +
         limit_cell(ob, "&lt;", ob ? limit_kb(ob->limit) : "") + "</tr>\n";
    if (latency_limit) {
      s += "<tr><td>" + latency_limit->what + "</td>";
      if (run.latency) {
        const double ms = latency_limit->what == "inference" ? run.latency->inference_mean : run.latency->total_mean;
        s += "<td class=\"num\"><b>" + fixed(ms, 3) + " ms</b> <span class=\"small\">p90 " +
             fixed(latency_limit->what == "inference" ? run.latency->inference_p90 : run.latency->total_p90, 3) +
             "</span></td><td>&lt; " + limit_ms(latency_limit->ms) + " ms* " + verdict(ms < latency_limit->ms) + "</td>";
      } else {
        s += "<td class=\"muted\">not measured</td><td>&lt; " + limit_ms(latency_limit->ms) + " ms*</td>";
      }
      s += "<td class=\"muted\">–</td></tr>\n";
    }
  }
  return s + "</tbody></table>\n<p class=\"footnote\">Limits are strict; 1 kB = 1024 B. * Latency measured on this "
             "machine (<code>tinyfit latency</code>); the course's limits and published latencies are for a Raspberry Pi 4.</p>\n";
}

std::string design_table(const RunSet& runs) {
  if (runs.kws.empty()) return "";
  std::string s =
      "<table class=\"design\">\n<colgroup><col style=\"width:7%\"><col style=\"width:39%\"><col style=\"width:24%\">"
      "<col style=\"width:30%\"></colgroup>\n"
      "<thead><tr><th>model</th><th>features → input</th><th>checkpoint kept (training)</th>"
      "<th>compression: size after each step</th></tr></thead>\n<tbody>\n";
  for (const auto& [v, run] : runs.kws) {
    std::vector<std::pair<std::string, double>> derived;
    if (run.float_bytes) derived.emplace_back("float32", *run.float_bytes);
    if (run.model) {
      derived.emplace_back("full int8", static_cast<double>(run.model->size.flatbuffer));
      if (run.model->size.compressed) derived.emplace_back("zlib", static_cast<double>(run.model->size.file));
    } else {
      derived.emplace_back("written", run.bytes);
    }
    std::string arch;
    if (run.channels) arch += *run.channels + " channels";
    if (run.blocks) arch += (arch.empty() ? "" : ", ") + *run.blocks + " blocks";
    if (run.expansion) arch += (arch.empty() ? "" : ", ") + std::string("expansion ") + *run.expansion;
    if (run.quantization) arch += (arch.empty() ? "" : ", ") + *run.quantization;
    if (run.distilled) arch += (arch.empty() ? "" : ", ") + *run.distilled;
    s += "<tr><td><span class=\"tag v" + v + "\">kws_" + v + "</span></td><td>" + escape(pipeline_text(run.features)) +
         " → <b>" + escape(input_text(run)) + "</b>" + (arch.empty() ? "" : "<div class=\"small\">" + escape(arch) + "</div>") +
         "</td><td>" + escape(kws_training_cell(run)) + "</td><td>" + compression_text(run, derived) + "</td></tr>\n";
  }
  return s + "</tbody></table>\n";
}

}  // namespace

std::string kws_page(const RunSet& runs, const Figures& figures) {
  std::string s = "<section class=\"page\" id=\"kws\">\n<header class=\"pagehead\"><div class=\"kicker\">tinyfit report · "
                  "spec HW2 §2</div><h1>Keyword spotting</h1><div class=\"subtitle\">8 keywords of mini speech "
                  "commands; every number is measured on the exported .tflite over the 800 test clips</div></header>\n";
  s += paragraph(kws_summary(runs), "lead");
  s += "<h2>Constraints</h2>\n" + constraints_table(runs);
  if (!runs.kws.empty()) {
    s += "<h2>Design</h2>\n" + design_table(runs) + paragraph(kws_design_notes(runs), "notes");
    s += "<h2>Figures</h2>\n";
    s += figure_row(figures, {{"kws_training", 50, ""}, {"kws_accuracy_size", 50, ""}});
  }
  std::string notes = missing_note(runs, "kws_", "tinyfit kws --version V --out DIR");
  // Latency is measured apart (tinyfit latency), for the versions the course limits.
  std::string no_latency;
  for (const auto& [v, run] : runs.kws) {
    if (kws_latency_limit(v) && !run.latency) no_latency += (no_latency.empty() ? "" : ", ") + std::string("latency_") + v + ".json";
  }
  if (!no_latency.empty()) {
    notes += "<ul class=\"missing\"><li>No latency results (" + escape(no_latency) + "): run <code>tinyfit latency --model "
             "MODEL --json &gt; DIR/latency_V.json</code>.</li></ul>\n";
  }
  if (!runs.kws.empty()) {
    // The confusion matrix is square: beside it, the (short) latency split and the notes.
    const std::string row = figure_row(figures, {{"kws_confusion", 33, ""}, {"kws_latency", 67, notes}});
    if (!row.empty() && figures.count("kws_latency")) return s + row + "</section>\n";
    s += row;
  }
  return s + notes + "</section>\n";
}

}  // namespace tinyfit::report
