// Appendix: one layer table per model file, computed from the .tflite by tinyfit's reader.
#include "report/pages.hpp"

namespace tinyfit::report {

namespace {

std::string shape_text(const std::vector<int32_t>& shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "×" : "") + std::to_string(shape[i]);
  return s;
}

std::string layer_table(const std::string& name, const RunCommon& run) {
  const ModelSummary& m = *run.model;
  std::string s = "<table class=\"layers\">\n<caption><span class=\"tag v" + run.version + "\">" + escape(name) +
                  "</span> " + escape(run.description) + " · input " + shape_text(m.input_shape) + " " +
                  escape(m.input_type) + "</caption>\n<colgroup><col style=\"width:5%\"><col style=\"width:33%\"><col style=\"width:24%\">"
                  "<col style=\"width:11%\"><col style=\"width:15%\"><col style=\"width:12%\"></colgroup>\n"
                  "<thead><tr><th class=\"num\">#</th><th>op</th><th>output</th>"
                  "<th class=\"num\">params</th><th class=\"num\">MACs</th><th class=\"num\">bytes</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const LayerRow& l = m.layers[i];
    s += "<tr><td class=\"num\">" + std::to_string(i) + "</td><td>" + escape(l.op) + "</td><td>" +
         shape_text(l.output_shape) + " <span class=\"muted\">" + escape(l.output_type) + "</span></td><td class=\"num\">" +
         (l.parameters ? grouped(static_cast<double>(l.parameters)) : "–") + "</td><td class=\"num\">" +
         (l.macs ? grouped(static_cast<double>(l.macs)) : "–") + "</td><td class=\"num\">" +
         (l.bytes ? grouped(static_cast<double>(l.bytes)) : "–") + "</td></tr>\n";
  }
  s += "<tr class=\"total\"><td></td><td>total</td><td></td><td class=\"num\">" + grouped(static_cast<double>(m.parameters)) +
       "</td><td class=\"num\">" + grouped(static_cast<double>(m.macs)) + "</td><td class=\"num\">" +
       grouped(static_cast<double>(m.size.weights + m.size.biases + m.size.other_constants)) + "</td></tr>\n";
  return s + "</tbody></table>\n";
}

}  // namespace

std::string layers_page(const RunSet& runs) {
  std::string tables;
  for (const auto& [v, run] : runs.kws) {
    if (run.model) tables += "<div class=\"layerbox\">" + layer_table("kws_" + v, run) + "</div>\n";
  }
  for (const auto& [v, run] : runs.forecast) {
    if (run.model) tables += "<div class=\"layerbox\">" + layer_table("th_" + v, run) + "</div>\n";
  }
  if (tables.empty()) return "";
  std::string sizes = "<table class=\"sizes\">\n<thead>" + size_breakdown_header() + "</thead><tbody>\n";
  for (const auto& [v, run] : runs.kws) sizes += size_breakdown_rows("kws_" + v, run);
  for (const auto& [v, run] : runs.forecast) sizes += size_breakdown_rows("th_" + v, run);
  sizes += "</tbody></table>\n<p class=\"footnote\">Bytes of the flatbuffer by purpose. Quantization parameters: "
           "the distinct scale and zero-point vectors; graph + container: tensor and operator tables, shapes, "
           "offsets, alignment padding; file: the bytes on disk (zlib stream when compressed).</p>\n";
  return "<section class=\"page\" id=\"layers\">\n<header class=\"pagehead\"><div class=\"kicker\">tinyfit report · "
         "appendix</div><h1>Model files</h1><div class=\"subtitle\">What each written .tflite holds, read back by "
         "tinyfit's reader</div></header>\n<h2>Size breakdown</h2>\n" + sizes +
         "<h2>Layer tables</h2>\n<p class=\"footnote\">One row per operator: output shape and type, parameters "
         "(weights + biases), multiply-accumulates per inference, constant bytes the operator brings into the "
         "file.</p>\n<div class=\"layergrid\">\n" + tables + "</div>\n</section>\n";
}

}  // namespace tinyfit::report
