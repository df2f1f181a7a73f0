#include "report/document.hpp"

#include "report/pages.hpp"

namespace tinyfit::report {

namespace {

// Print: A4, one exercise per page (each section starts a page), page numbers in the margin.
// Screen: the same pages as white sheets on grey. DejaVu Sans is what Debian's gnuplot and
// weasyprint have installed; figures use it too, so text in figures and tables matches.
constexpr const char* kStyle = R"css(
@page { size: A4; margin: 10mm 11mm 11mm 11mm;
  @bottom-left { content: "tinyfit report"; font: 6.5pt "DejaVu Sans", sans-serif; color: #999; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 6.5pt "DejaVu Sans", sans-serif; color: #999; } }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 7.6pt; line-height: 1.35; color: #1d2329;
  font-variant-numeric: tabular-nums; }
body { margin: 0; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
.pagehead { border-bottom: 1.5pt solid #1d2329; padding-bottom: 1mm; margin-bottom: 1.6mm; }
.kicker { font-size: 6.8pt; letter-spacing: 0.06em; text-transform: uppercase; color: #6b7785; }
h1 { font-size: 13.5pt; margin: 0.2mm 0 0.2mm; font-weight: bold; letter-spacing: -0.01em; }
.subtitle { color: #4a5561; font-size: 7.6pt; }
h2 { font-size: 8.6pt; margin: 2.2mm 0 0.9mm; padding-bottom: 0.4mm; border-bottom: 0.5pt solid #c9d1d9; color: #1d2329; }
p { margin: 0 0 1.4mm; }
p.lead { font-size: 7.8pt; }
p.notes { color: #2d3640; margin-top: 1.4mm; }
p.footnote { font-size: 6.5pt; color: #6b7785; margin: 0.8mm 0 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 7pt; }
caption { caption-side: top; text-align: left; font-size: 6.8pt; color: #4a5561; padding: 1.4mm 0 0.6mm; }
th { text-align: left; font-weight: bold; color: #33404d; background: #eef1f4; border-bottom: 0.6pt solid #9aa5b1;
  padding: 0.7mm 1.2mm; font-size: 6.8pt; }
td { padding: 0.55mm 1.2mm; border-bottom: 0.4pt solid #e1e6eb; vertical-align: top; overflow-wrap: anywhere; }
tr.group td { border-top: 0.6pt solid #9aa5b1; }
.num { text-align: right; }
.small { font-size: 6.4pt; color: #5b6672; }
.muted { color: #8a949e; }
.pub { font-size: 6.6pt; line-height: 1.4; }
.pass { color: #1a7f37; font-weight: bold; white-space: nowrap; }
.fail { color: #b42318; font-weight: bold; white-space: nowrap; }
.tag { font-weight: bold; white-space: nowrap; }
.va { color: #0072B2; } .vb { color: #D55E00; } .vc { color: #009E73; }
.arrow { color: #8a949e; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; background: #f3f5f7; padding: 0 0.6mm; border-radius: 0.5mm; }
table.sizes td, table.sizes th { padding-top: 0.45mm; padding-bottom: 0.45mm; }
table.published { width: 100%; }
table.published td, table.published th { font-size: 6.6pt; padding-top: 0.3mm; padding-bottom: 0.3mm; }
table.figrow { table-layout: fixed; width: 100%; margin: 0.6mm 0 0; }
table.figrow td { border: none; padding: 0 1.2mm 0 0; vertical-align: top; }
table.figrow td:last-child { padding-right: 0; }
figure { margin: 0 0 1mm; }
figure img { width: 100%; display: block; }
figcaption { font-size: 6.4pt; color: #4a5561; margin-top: 0.4mm; line-height: 1.3; }
ul.missing { margin: 1.2mm 0 0; padding: 1.2mm 2mm 1.2mm 5mm; background: #fff8e6; border-left: 1.2pt solid #e0a100;
  font-size: 6.8pt; color: #5c4400; }
ul.missing li { margin: 0.3mm 0; }
ul.notes { margin: 0 0 2mm; padding: 1.2mm 2mm 1.2mm 5mm; background: #fdecea; border-left: 1.2pt solid #b42318; font-size: 7pt; }
.layergrid { column-count: 2; column-gap: 5mm; }
.layerbox { break-inside: avoid; margin-bottom: 2mm; }
table.layers td, table.layers th { padding: 0.3mm 0.8mm; font-size: 6.3pt; overflow-wrap: normal; }
table.layers tr.total td { border-top: 0.6pt solid #9aa5b1; font-weight: bold; }
@media screen {
  body { background: #e9ecef; padding: 8mm 0; }
  .page { width: 210mm; min-height: 297mm; margin: 0 auto 8mm; padding: 10mm 11mm; background: white;
    box-shadow: 0 1px 4px rgba(0,0,0,0.18); }
  html { font-size: 8.2pt; }
}
)css";

}  // namespace

std::string report_document(const RunSet& runs, const Figures& figures, const std::vector<std::string>& notes) {
  std::string body;
  if (!notes.empty()) {
    body += "<ul class=\"notes\">\n";
    for (const std::string& n : notes) body += "<li>" + escape(n) + "</li>\n";
    body += "</ul>\n";
  }
  // Notes belong to the first page, so they sit inside its section.
  std::string kws = kws_page(runs, figures);
  if (!body.empty()) kws.insert(kws.find("</header>\n") + 10, body);
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\">\n<title>tinyfit report</title>\n<style>" +
         std::string(kStyle) + "</style>\n</head>\n<body>\n" + kws + forecast_page(runs, figures) + layers_page(runs) +
         "</body>\n</html>\n";
}

}  // namespace tinyfit::report
