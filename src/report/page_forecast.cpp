// The forecasting page: constraints beside the published results (the published files re-run on
// the same test windows, and what the groups reported on the course data), the design, the figures.
#include <algorithm>

#include "report/narrative.hpp"
#include "report/pages.hpp"
#include "report/published.hpp"

namespace tinyfit::report {

namespace {

std::string limit_cell(const Check* c, const std::string& value_text) {
  if (!c) return "<td class=\"muted\">–</td>";
  return "<td>&lt; " + value_text + " " + verdict(c->ok) + "</td>";
}

std::string published_cell(const std::string& version, int rows) {
  std::string s = "<td rowspan=\"" + std::to_string(rows) + "\" class=\"pub\">";
  bool first = true;
  for (const PublishedForecast& p : published_forecast()) {
    if (p.version != version || !p.on_our_test_windows) continue;
    s += std::string(first ? "" : "<br>") + p.who + ": " + fixed(p.T, 3) + " °C · " + fixed(p.RH, 3) + " % · " +
         bytes_text(p.kbytes * 1024) + " <span class=\"muted\">" + escape(p.model) + "</span>";
    first = false;
  }
  return s + "</td>";
}

std::string constraints_table(const RunSet& runs) {
  std::string s =
      "<table class=\"constraints\">\n<colgroup><col style=\"width:18%\"><col style=\"width:8%\"><col style=\"width:16%\">"
      "<col style=\"width:15%\"><col style=\"width:15%\"><col style=\"width:28%\"></colgroup>\n"
      "<thead><tr><th>version</th><th>metric</th><th class=\"num\">ours</th><th>course limit</th>"
      "<th>tinyfit target</th><th>published files on the same test windows</th></tr></thead>\n<tbody>\n";
  for (const std::string& v : kForecastVersions) {
    const auto it = runs.forecast.find(v);
    if (it == runs.forecast.end()) {
      s += "<tr class=\"group\"><td><span class=\"tag v" + v + "\">th_" + v + "</span></td><td colspan=\"4\" class=\"muted\">"
           "not run (no th_" + v + ".json)</td>" + published_cell(v, 1) + "</tr>\n";
      continue;
    }
    const ForecastRun& run = it->second;
    const ConstraintSet* course = run.constraint("course");
    const ConstraintSet* ours = run.constraint("ours");
    const auto find = [](const ConstraintSet* c, const char* m) { return c ? c->find(m) : nullptr; };
    s += "<tr class=\"group\"><td rowspan=\"3\"><span class=\"tag v" + v + "\">th_" + v + "</span> " +
         (course ? verdict(course->passed) : "") + "<div class=\"small\">" + model_cell_text(run) + "</div></td>";
    const Check *ct = find(course, "T"), *ot = find(ours, "T");
    s += "<td>T MAE</td><td class=\"num\"><b>" + fixed(run.mae_T, 3) + " °C</b>" +
         (run.mae_course_T ? " <span class=\"small\">batch " + fixed(*run.mae_course_T, 3) + "</span>" : "") + "</td>" +
         limit_cell(ct, ct ? fixed(ct->limit, 2) + " °C" : "") + limit_cell(ot, ot ? fixed(ot->limit, 2) + " °C" : "") +
         published_cell(v, 3) + "</tr>\n";
    const Check *crh = find(course, "RH"), *orh = find(ours, "RH");
    s += "<tr><td>RH MAE</td><td class=\"num\"><b>" + fixed(run.mae_RH, 3) + " %</b>" +
         (run.mae_course_RH ? " <span class=\"small\">batch " + fixed(*run.mae_course_RH, 3) + "</span>" : "") + "</td>" +
         limit_cell(crh, crh ? fixed(crh->limit, 2) + " %" : "") + limit_cell(orh, orh ? fixed(orh->limit, 2) + " %" : "") +
         "</tr>\n";
    const Check *cb = find(course, "bytes"), *ob = find(ours, "bytes");
    s += "<tr><td>file size</td><td class=\"num\"><b>" + bytes_text(run.bytes) + "</b></td>" +
         limit_cell(cb, cb ? bytes_text(cb->limit) : "") + limit_cell(ob, ob ? bytes_text(ob->limit) : "") + "</tr>\n";
  }
  s += "<tr class=\"group\"><td>persistence</td><td>T / RH</td><td class=\"num\">" + fixed(kPersistenceT, 3) + " / " +
       fixed(kPersistenceRH, 3) + "</td><td colspan=\"3\" class=\"muted\">repeat the last input step for all 6 outputs "
       "(the baseline every model must beat)</td></tr>\n";
  s += "</tbody></table>\n";
  // What the groups reported on the course's own data: not the same windows, so listed apart,
  // one row per group with both versions.
  s += "<table class=\"published\">\n<caption>Published results on the course data (2009–2016 test split, spec HW2 §1; "
       "sizes after zlib) — a different test set, for reference.</caption>\n<colgroup><col style=\"width:8%\">"
       "<col style=\"width:27%\"><col style=\"width:19%\"><col style=\"width:27%\"><col style=\"width:19%\"></colgroup>\n"
       "<thead><tr><th>group</th><th>model a</th><th class=\"num\">a: T °C / RH % / size</th><th>model b</th>"
       "<th class=\"num\">b: T °C / RH % / size</th></tr></thead><tbody>\n";
  std::vector<std::string> groups;
  for (const PublishedForecast& p : published_forecast()) {
    if (!p.on_our_test_windows && std::find(groups.begin(), groups.end(), p.who) == groups.end()) groups.push_back(p.who);
  }
  for (const std::string& g : groups) {
    s += "<tr><td>" + g + "</td>";
    for (const char* version : {"a", "b"}) {
      const PublishedForecast* found = nullptr;
      for (const PublishedForecast& p : published_forecast()) {
        if (!p.on_our_test_windows && p.who == g && p.version == version) found = &p;
      }
      if (!found) {
        s += "<td></td><td></td>";
        continue;
      }
      s += "<td>" + escape(found->model) + "</td><td class=\"num\">" + fixed(found->T, 3) + " / " + fixed(found->RH, 3) +
           " / " + fixed(found->kbytes, 2) + " kB</td>";
    }
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n<p class=\"footnote\">MAE over all test windows and all 6 steps (exact per-window mean; "
             "\"batch\": the course's Keras variant over batches of 32). Limits are strict; 1 kB = 1024 B.</p>\n";
}

std::string design_table(const RunSet& runs) {
  std::string s =
      "<table class=\"design\">\n<colgroup><col style=\"width:7%\"><col style=\"width:33%\"><col style=\"width:30%\">"
      "<col style=\"width:30%\"></colgroup>\n<thead><tr><th>model</th><th>input → output</th>"
      "<th>checkpoint kept (training)</th><th>compression: size after each step</th></tr></thead>\n<tbody>\n";
  for (const auto& [v, run] : runs.forecast) {
    std::string input = "6 × (T, RH) at 10 min → 6 × (T, RH), the next hour";
    if (run.model && !run.model->input_shape.empty()) {
      std::string shape;
      for (size_t i = 0; i < run.model->input_shape.size(); ++i) shape += (i ? "×" : "") + std::to_string(run.model->input_shape[i]);
      input += "<div class=\"small\">input " + shape + " " + escape(run.model->input_type) +
               (run.hidden ? ", hidden " + escape(*run.hidden) : std::string()) + "</div>";
    }
    std::vector<std::pair<std::string, double>> derived;
    if (run.model) {
      derived.emplace_back("int8 .tflite", static_cast<double>(run.model->size.flatbuffer));
      if (run.model->size.compressed) derived.emplace_back("zlib", static_cast<double>(run.model->size.file));
    } else {
      derived.emplace_back("written", run.bytes);
    }
    s += "<tr><td><span class=\"tag v" + v + "\">th_" + v + "</span></td><td>" + input + "</td><td>" +
         escape(forecast_training_cell(run)) + "</td><td>" + compression_text(run, derived) + "</td></tr>\n";
  }
  return s + "</tbody></table>\n";
}

}  // namespace

std::string forecast_page(const RunSet& runs, const Figures& figures) {
  std::string s = "<section class=\"page\" id=\"forecast\">\n<header class=\"pagehead\"><div class=\"kicker\">tinyfit "
                  "report · spec HW2 §1</div><h1>Temperature and humidity forecasting</h1><div class=\"subtitle\">"
                  "Jena climate, 10-minute rows: 6 steps in, 6 steps (1 hour) out; every number is measured on the "
                  "exported .tflite over the test windows</div></header>\n";
  s += paragraph(forecast_summary(runs), "lead");
  s += "<h2>Constraints</h2>\n" + constraints_table(runs);
  if (!runs.forecast.empty()) {
    s += "<h2>Design</h2>\n" + design_table(runs) + paragraph(forecast_design_notes(runs), "notes");
    s += "<h2>Figures</h2>\n";
    s += figure_row(figures, {{"forecast_training", 50, ""}, {"forecast_steps", 50, ""}});
    s += figure_row(figures, {{"forecast_sample", 100, ""}});
  }
  s += missing_note(runs, "th_", "tinyfit forecast --version V --out DIR");
  return s + "</section>\n";
}

}  // namespace tinyfit::report
