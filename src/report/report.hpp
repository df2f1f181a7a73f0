// `tinyfit report`: reads the runs folder, draws the figures with gnuplot, writes report.html
// (self-contained: figures as data URIs) and report.pdf (weasyprint, A4: one page per exercise plus
// an appendix of layer tables) and the figures as SVG files.
//
// Missing tools never crash the command: without gnuplot the report has no figures (and says so);
// without weasyprint only the HTML is written, and the command fails only when the PDF was asked
// for explicitly (PdfMode::Required). Figures and a report.pdf left in the output folder by an
// earlier run are removed when this run does not rewrite them, so the folder never mixes runs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tinyfit::report {

enum class PdfMode { Auto, Required, Off };

// The external programs; nothing = not installed. default_tools() looks them up in $PATH.
struct Tools {
  std::optional<std::filesystem::path> gnuplot, weasyprint;
};
Tools default_tools();

struct ReportOptions {
  std::filesystem::path runs_dir;
  std::filesystem::path out_dir;
  PdfMode pdf = PdfMode::Auto;
  Tools tools;
};

struct ReportResult {
  std::filesystem::path html;
  std::optional<std::filesystem::path> pdf;
  std::vector<std::filesystem::path> figures;
  std::vector<std::string> versions;      // "kws_b", "th_a", ...
  std::vector<std::string> missing;       // run files not found ("kws_a.json")
  std::vector<std::string> notes;         // what the user should know (no PDF because ..., missing keys)
};

// Throws Error (naming the file) when the runs folder is unusable, a run file is malformed, a tool
// fails, or the PDF is required and cannot be made.
ReportResult make_report(const ReportOptions& options);

}  // namespace tinyfit::report
