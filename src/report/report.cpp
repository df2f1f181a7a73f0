#include "report/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <system_error>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/document.hpp"
#include "report/figures.hpp"
#include "report/runs.hpp"
#include "report/spawn.hpp"

namespace tinyfit::report {

namespace fs = std::filesystem;

Tools default_tools() { return {find_program("gnuplot"), find_program("weasyprint")}; }

namespace {

// A scratch folder inside the output folder (same filesystem, so the PDF can be renamed into
// place), removed on every exit path.
class ScratchDir {
 public:
  explicit ScratchDir(const fs::path& parent) {
    std::random_device rd;
    path_ = parent / (".report-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::error_code ec;
    fs::create_directories(path_, ec);
    if (ec) throw Error(path_.string() + ": cannot create scratch folder: " + ec.message());
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<FigureSpec> figure_specs(const RunSet& runs) {
  std::vector<FigureSpec> specs;
  for (auto make : {kws_training_figure, kws_accuracy_size_figure, kws_confusion_figure, kws_latency_figure,
                    forecast_training_figure, forecast_steps_figure, forecast_sample_figure}) {
    if (auto spec = make(runs)) specs.push_back(std::move(*spec));
  }
  return specs;
}

// Outputs of an earlier run that this run does not rewrite would no longer match report.html
// (e.g. a figure whose data is gone, a PDF when no PDF is made now): remove them.
void remove_stale(const fs::path& out_dir, const std::vector<fs::path>& written, bool pdf_written) {
  std::error_code ec;
  for (const char* name : {"kws_training", "kws_accuracy_size", "kws_confusion", "kws_latency", "forecast_training",
                           "forecast_steps", "forecast_sample"}) {
    const fs::path f = out_dir / "figures" / (std::string(name) + ".svg");
    if (std::find(written.begin(), written.end(), f) == written.end()) fs::remove(f, ec);
  }
  if (!pdf_written) fs::remove(out_dir / "report.pdf", ec);
}

void write_pdf(const fs::path& weasyprint, const fs::path& html, const fs::path& pdf, const fs::path& scratch) {
  const fs::path tmp = scratch / "report.pdf";
  const SpawnResult r = run_program(weasyprint, {"--encoding", "utf-8", fs::absolute(html).string(), tmp.string()}, scratch);
  std::error_code ec;
  if (r.exit_code != 0 || !fs::exists(tmp, ec) || fs::file_size(tmp, ec) == 0) {
    throw Error("weasyprint failed to write " + pdf.string() + " (exit " + std::to_string(r.exit_code) +
                "): " + first_line(r.err));
  }
  fs::rename(tmp, pdf, ec);  // same folder tree: atomic
  if (ec) throw Error(pdf.string() + ": cannot rename the new PDF into place: " + ec.message());
}

}  // namespace

ReportResult make_report(const ReportOptions& given) {
  // Absolute paths: the tools run inside the scratch folder, so relative ones would point elsewhere.
  ReportOptions options = given;
  options.out_dir = fs::absolute(given.out_dir);
  const RunSet runs = load_runs(options.runs_dir);
  ReportResult result;
  result.missing = runs.missing_files;
  for (const auto& [v, run] : runs.kws) result.versions.push_back("kws_" + v);
  for (const auto& [v, run] : runs.forecast) result.versions.push_back("th_" + v);
  for (const auto& [v, run] : runs.kws) {
    for (const std::string& k : run.missing_keys) result.notes.push_back("kws_" + v + ".json lacks " + k);
    for (const std::string& n : run.notes) result.notes.push_back("kws_" + v + ": " + n);
  }
  for (const auto& [v, run] : runs.forecast) {
    for (const std::string& k : run.missing_keys) result.notes.push_back("th_" + v + ".json lacks " + k);
    for (const std::string& n : run.notes) result.notes.push_back("th_" + v + ": " + n);
  }

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) throw Error(options.out_dir.string() + ": cannot create output folder: " + ec.message());
  const ScratchDir scratch(options.out_dir);

  std::vector<std::string> document_notes;
  Figures figures;
  if (options.tools.gnuplot) {
    const Gnuplot gnuplot(options.tools.gnuplot, scratch.path());
    for (const FigureSpec& spec : figure_specs(runs)) {
      Figure fig{gnuplot.render(spec), spec.caption};
      const fs::path file = options.out_dir / "figures" / (spec.name + ".svg");
      write_file_atomic(file, fig.svg);
      result.figures.push_back(file);
      figures.emplace(spec.name, std::move(fig));
    }
  } else {
    const std::string note = "gnuplot not found: the report has no figures (install gnuplot-nox, e.g. scripts/setup.sh)";
    document_notes.push_back(note);
    result.notes.push_back(note);
  }

  result.html = options.out_dir / "report.html";
  write_file_atomic(result.html, report_document(runs, figures, document_notes));

  if (options.pdf == PdfMode::Off) {
    remove_stale(options.out_dir, result.figures, false);
    return result;
  }
  if (!options.tools.weasyprint) {
    remove_stale(options.out_dir, result.figures, false);
    const std::string why = "weasyprint not found: wrote " + result.html.string() + " but not report.pdf "
                            "(install weasyprint, e.g. scripts/setup.sh, or open the HTML and print it to PDF)";
    if (options.pdf == PdfMode::Required) throw Error(why);
    result.notes.push_back(why);
    return result;
  }
  const fs::path pdf = options.out_dir / "report.pdf";
  write_pdf(*options.tools.weasyprint, result.html, pdf, scratch.path());
  result.pdf = pdf;
  remove_stale(options.out_dir, result.figures, true);
  return result;
}

}  // namespace tinyfit::report
