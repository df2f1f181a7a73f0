// Parts shared by both exercise pages and the appendix.
#include "report/pages.hpp"

namespace tinyfit::report {

std::string paragraph(const std::vector<std::string>& sentences, const std::string& css_class) {
  if (sentences.empty()) return "";
  std::string s = css_class.empty() ? "<p>" : "<p class=\"" + css_class + "\">";
  for (size_t i = 0; i < sentences.size(); ++i) {
    if (i) s += ' ';
    s += escape(sentences[i]);
  }
  return s + "</p>\n";
}

std::string size_breakdown_header() {
  return "<tr><th>model</th><th class=\"num\">params</th><th class=\"num\">MACs</th><th class=\"num\">weights</th>"
         "<th class=\"num\">biases</th><th class=\"num\">quant. params</th><th class=\"num\">metadata</th>"
         "<th class=\"num\">graph + container</th><th class=\"num\">flatbuffer</th><th class=\"num\">file</th></tr>\n";
}

std::string size_breakdown_rows(const std::string& name, const RunCommon& run) {
  const std::string label = "<td><span class=\"tag v" + run.version + "\">" + escape(name) + "</span></td>";
  if (!run.model) {
    return "<tr>" + label + "<td colspan=\"9\" class=\"muted\">model file not readable here (" +
           escape(run.model_path) + ")</td></tr>\n";
  }
  const ModelSummary& m = *run.model;
  const SizeBreakdown& b = m.size;
  const auto cell = [](double v) { return "<td class=\"num\">" + grouped(v) + "</td>"; };
  // Shapes and other constants are graph plumbing: counted with the graph here.
  return "<tr>" + label + cell(static_cast<double>(m.parameters)) + cell(static_cast<double>(m.macs)) +
         cell(static_cast<double>(b.weights)) + cell(static_cast<double>(b.biases)) +
         cell(static_cast<double>(b.quantization)) + cell(static_cast<double>(b.metadata)) +
         cell(static_cast<double>(b.graph + b.other_constants)) + cell(static_cast<double>(b.flatbuffer)) +
         "<td class=\"num\">" + grouped(static_cast<double>(b.file)) + (b.compressed ? " <span class=\"muted\">zlib</span>" : "") +
         "</td></tr>\n";
}

std::string compression_text(const RunCommon& run, const std::vector<std::pair<std::string, double>>& derived) {
  std::string s;
  if (!run.compression.empty()) {
    for (const CompressionStep& c : run.compression) {
      if (!s.empty()) s += " <span class=\"arrow\">→</span> ";
      s += escape(c.step) + " <b>" + bytes_text(c.bytes) + "</b>";
      if (c.sparsity) {
        const double pct = *c.sparsity <= 1.0 ? 100.0 * *c.sparsity : *c.sparsity;
        s += " (" + fixed(pct, 0) + " % sparse)";
      }
      if (c.delivered) s += " <span class=\"muted\">(delivered)</span>";
    }
    return s;
  }
  // No "compression" key (older JSON): the sizes the files themselves show.
  for (const auto& [step, bytes] : derived) {
    if (!s.empty()) s += " <span class=\"arrow\">→</span> ";
    s += escape(step) + " <b>" + bytes_text(bytes) + "</b>";
  }
  return s;
}

std::string model_cell_text(const RunCommon& run) {
  std::string s = escape(run.description);
  if (run.family) s += " (" + escape(*run.family) + ")";
  if (run.model) {
    const auto compact = [](double n) {
      return n >= 1e6 ? fixed(n / 1e6, 2) + " M" : n >= 1e4 ? fixed(n / 1e3, 1) + " k" : grouped(n);
    };
    s += " · " + compact(static_cast<double>(run.model->parameters)) + " params · " +
         compact(static_cast<double>(run.model->macs)) + " MACs";
  }
  return s;
}

std::string missing_note(const RunSet& runs, const std::string& prefix, const std::string& command) {
  std::vector<std::string> files;
  for (const std::string& f : runs.missing_files) {
    if (f.rfind(prefix, 0) == 0) files.push_back(f);
  }
  std::string s;
  if (!files.empty()) {
    s += "<li>Not in " + escape(runs.dir.string()) + ": ";
    for (size_t i = 0; i < files.size(); ++i) s += (i ? ", " : "") + std::string("<code>") + escape(files[i]) + "</code>";
    s += " — run <code>" + escape(command) + "</code> for " + (files.size() > 1 ? "them" : "it") + ".</li>\n";
  }
  // Keys the JSON lacks, grouped: versions written by the same tool lack the same keys.
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> lacking;  // keys -> files
  const auto add_run = [&](const std::string& name, const RunCommon& run) {
    if (!run.missing_keys.empty()) {
      bool grouped_in = false;
      for (auto& [keys, names] : lacking) {
        if (keys == run.missing_keys) names.push_back(name + ".json"), grouped_in = true;
      }
      if (!grouped_in) lacking.push_back({run.missing_keys, {name + ".json"}});
    }
    for (const std::string& n : run.notes) s += "<li>" + escape(name) + ": " + escape(n) + ".</li>\n";
  };
  if (prefix == "kws_") {
    for (const auto& [v, run] : runs.kws) add_run("kws_" + v, run);
  } else {
    for (const auto& [v, run] : runs.forecast) add_run("th_" + v, run);
  }
  for (const auto& [keys, names] : lacking) {
    s += "<li>";
    for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + std::string("<code>") + escape(names[i]) + "</code>";
    s += " lack" + std::string(names.size() == 1 ? "s" : "") + " ";
    for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + std::string("<code>") + escape(keys[i]) + "</code>";
    s += ": written by newer versions of the tool; re-run to add them.</li>\n";
  }
  return s.empty() ? "" : "<ul class=\"missing\">\n" + s + "</ul>\n";
}

}  // namespace tinyfit::report
