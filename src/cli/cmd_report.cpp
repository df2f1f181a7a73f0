// `tinyfit report [--runs DIR] [--out DIR]`: the results of kws / forecast / latency as report.html,
// report.pdf and figure files (the work is in src/report; this file maps flags to options).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "report/report.hpp"

namespace tinyfit::cli {

namespace {

using nlohmann::json;

struct ReportArgs {
  std::string runs = "out";
  std::string out;  // default: <runs>/report
  std::string pdf = "auto";
};

void run_report(const ReportArgs& args, const GlobalOptions& global) {
  report::ReportOptions options;
  options.runs_dir = args.runs;
  options.out_dir = args.out.empty() ? std::filesystem::path(args.runs) / "report" : std::filesystem::path(args.out);
  options.pdf = args.pdf == "yes" ? report::PdfMode::Required : args.pdf == "no" ? report::PdfMode::Off : report::PdfMode::Auto;
  options.tools = report::default_tools();
  const report::ReportResult r = report::make_report(options);

  json out;
  out["html"] = r.html.string();
  out["pdf"] = r.pdf ? json(r.pdf->string()) : json(nullptr);
  out["figures"] = json::array();
  for (const auto& f : r.figures) out["figures"].push_back(f.string());
  out["versions"] = r.versions;
  out["missing"] = r.missing;
  out["notes"] = r.notes;
  emit(global, out, [&] {
    std::printf("report: %s\n", r.html.string().c_str());
    if (r.pdf) std::printf("report: %s\n", r.pdf->string().c_str());
    std::printf("figures: %zu in %s\n", r.figures.size(), (options.out_dir / "figures").string().c_str());
    std::string versions;
    for (const auto& v : r.versions) versions += (versions.empty() ? "" : ", ") + v;
    std::printf("versions: %s\n", versions.c_str());
    if (!r.missing.empty()) {
      std::string missing;
      for (const auto& m : r.missing) missing += (missing.empty() ? "" : ", ") + m;
      std::printf("missing: %s\n", missing.c_str());
    }
  });
  // Notes (no PDF converter, keys the JSON lacks) go to stderr: advice, not results.
  if (!global.quiet) {
    for (const auto& n : r.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  }
}

}  // namespace

void add_report_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Write report.html, report.pdf and figures from the JSON of kws / forecast / latency runs");
  cmd->add_option("--runs", args->runs,
                  "Folder with kws_<v>.json, th_<v>.json, latency_<v>.json and the model files")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder (default: <runs>/report)");
  cmd->add_option("--pdf", args->pdf,
                  "auto: PDF when weasyprint is installed, else HTML only with a note; yes: fail without it; no: HTML only")
      ->check(CLI::IsMember({"auto", "yes", "no"}))
      ->capture_default_str();
  cmd->callback([args, &global] { run_report(*args, global); });
}

}  // namespace tinyfit::cli
