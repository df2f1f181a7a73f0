// make_report on the fixture runs: which files appear, what the HTML says, and how missing tools
// are handled. Tests that need gnuplot / weasyprint / poppler skip when they are absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "report/report.hpp"
#include "report/report_test_support.hpp"
#include "report/spawn.hpp"

namespace tinyfit::test {

using report::PdfMode;

std::string slurp_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

report::ReportOptions options_for(const std::string& name, PdfMode pdf, report::Tools tools) {
  return {fixture_runs(), scratch(name), pdf, std::move(tools)};
}

// Output of a poppler tool, or nothing when it is not installed.
std::string run_tool(const std::string& program, const std::vector<std::string>& args) {
  const auto path = report::find_program(program);
  if (!path) return "";
  const report::SpawnResult r = report::run_program(*path, args, fs::temp_directory_path());
  EXPECT_EQ(r.exit_code, 0) << program << ": " << r.err;
  return r.out;
}

int pdf_pages(const fs::path& pdf) {
  std::stringstream info(run_tool("pdfinfo", {pdf.string()}));
  std::string line;
  while (std::getline(info, line)) {
    if (line.rfind("Pages:", 0) == 0) return std::atoi(line.c_str() + 6);
  }
  return -1;
}

// One full report (figures + PDF) shared by the tests that inspect it: the tools take seconds.
class ReportWithTools : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const report::Tools tools = report::default_tools();
    if (!tools.gnuplot || !tools.weasyprint || !report::find_program("pdfinfo") || !report::find_program("pdftoppm")) return;
    options_ = new report::ReportOptions(options_for("full", PdfMode::Required, tools));
    result_ = new report::ReportResult(report::make_report(*options_));
  }
  static void TearDownTestSuite() {
    delete options_;
    delete result_;
    options_ = nullptr;
    result_ = nullptr;
  }
  void SetUp() override {
    if (!result_) GTEST_SKIP() << "gnuplot, weasyprint or poppler-utils not installed (scripts/setup.sh installs them)";
  }
  static report::ReportOptions* options_;
  static report::ReportResult* result_;
};
report::ReportOptions* ReportWithTools::options_ = nullptr;
report::ReportResult* ReportWithTools::result_ = nullptr;

TEST_F(ReportWithTools, WritesHtmlPdfAndEveryFigure) {
  const report::ReportOptions& o = *options_;
  const report::ReportResult& r = *result_;
  ASSERT_TRUE(r.pdf.has_value());
  // KWS page, forecast page, appendix of size breakdown and layer tables.
  EXPECT_EQ(pdf_pages(*r.pdf), 3);
  // Fixtures: kws_b with latency; th_a with per-step MAE and a sample, th_b without.
  const std::vector<std::string> expected{"kws_training", "kws_accuracy_size", "kws_confusion", "kws_latency",
                                          "forecast_training", "forecast_steps", "forecast_sample"};
  ASSERT_EQ(r.figures.size(), expected.size());
  for (const std::string& name : expected) {
    const fs::path f = o.out_dir / "figures" / (name + ".svg");
    ASSERT_TRUE(fs::exists(f)) << f;
    EXPECT_GT(fs::file_size(f), 1000u) << f;
  }
  const std::string html = slurp_text(r.html);
  EXPECT_EQ(html.find("src=\"figures/"), std::string::npos) << "the HTML must not depend on other files";
  size_t embedded = 0;
  for (size_t at = html.find("data:image/svg+xml;base64,"); at != std::string::npos;
       at = html.find("data:image/svg+xml;base64,", at + 1)) {
    ++embedded;
  }
  EXPECT_EQ(embedded, expected.size());
  // Nothing of the scratch work is left behind.
  for (const auto& entry : fs::directory_iterator(o.out_dir)) {
    EXPECT_NE(entry.path().filename().string().rfind(".report-tmp", 0), 0u) << entry.path();
  }
}

TEST_F(ReportWithTools, FirstPageIsNotBlank) {
  const fs::path stem = scratch("page1") / "page1";
  run_tool("pdftoppm", {"-gray", "-r", "30", "-f", "1", "-l", "1", "-singlefile", result_->pdf->string(), stem.string()});
  // Binary PGM: "P5\n<w> <h>\n<max>\n" then w*h bytes.
  std::ifstream in(stem.string() + ".pgm", std::ios::binary);
  std::string magic;
  int w = 0, h = 0, maxval = 0;
  in >> magic >> w >> h >> maxval;
  in.get();
  ASSERT_EQ(magic, "P5");
  ASSERT_GT(w * h, 0);
  std::vector<unsigned char> px(static_cast<size_t>(w * h));
  in.read(reinterpret_cast<char*>(px.data()), static_cast<std::streamsize>(px.size()));
  ASSERT_TRUE(in) << "truncated PGM";
  size_t ink = 0;
  for (unsigned char p : px) ink += p < 200;
  // A page of tables, text and four figures: well over 2 % of the pixels are not background.
  EXPECT_GT(static_cast<double>(ink) / static_cast<double>(px.size()), 0.02);
}

TEST_F(ReportWithTools, MarkersKeepTheirColourInTheSvg) {
  // gnuplot's point markers are inlined with their colour (weasyprint cannot resolve currentColor).
  const std::string svg = slurp_text(options_->out_dir / "figures" / "kws_accuracy_size.svg");
  const size_t body = svg.find("</defs>");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(svg.find("<use xlink:href='#gpPt", body), std::string::npos);
  EXPECT_NE(svg.find("fill='rgb(213,  94,   0)'"), std::string::npos) << "kws_b's marker in its colour";
}

TEST(Report, MissingVersionsAndKeysAreSaidInTheReport) {
  const report::ReportOptions o = options_for("missing", PdfMode::Off, {});
  const report::ReportResult r = report::make_report(o);
  EXPECT_EQ(r.missing, (std::vector<std::string>{"kws_a.json", "kws_c.json"}));
  EXPECT_EQ(r.versions, (std::vector<std::string>{"kws_b", "th_a", "th_b"}));
  const std::string html = slurp_text(r.html);
  EXPECT_NE(html.find("not run (no kws_a.json)"), std::string::npos);
  EXPECT_NE(html.find("<code>kws_a.json</code>, <code>kws_c.json</code>"), std::string::npos);
  EXPECT_NE(html.find("<code>th_b.json</code> lacks"), std::string::npos);
  EXPECT_NE(html.find("<code>test.mae_per_step</code>"), std::string::npos);
}

TEST(Report, OnlyForecastRunsStillMakeBothPages) {
  const fs::path runs = scratch("only_forecast_runs");
  for (const char* f : {"th_a.json", "th_a.tflite", "th_b.json", "th_b.tflite"}) fs::copy_file(fixture_runs() / f, runs / f);
  const report::ReportOptions o{runs, scratch("only_forecast"), PdfMode::Off, {}};
  const report::ReportResult r = report::make_report(o);
  EXPECT_EQ(r.missing, (std::vector<std::string>{"kws_a.json", "kws_b.json", "kws_c.json"}));
  const std::string html = slurp_text(r.html);
  EXPECT_NE(html.find("No keyword-spotting results"), std::string::npos);
  EXPECT_NE(html.find("id=\"forecast\""), std::string::npos);
}

TEST(Report, OutputsOfAnEarlierRunThatAreNotRewrittenAreRemoved) {
  const report::ReportOptions o = options_for("stale", PdfMode::Off, {});
  fs::create_directories(o.out_dir / "figures");
  write_text(o.out_dir / "figures" / "kws_latency.svg", "<svg/>");
  write_text(o.out_dir / "report.pdf", "%PDF old");
  write_text(o.out_dir / "notes.txt", "the user's own file");
  report::make_report(o);
  EXPECT_FALSE(fs::exists(o.out_dir / "figures" / "kws_latency.svg"));
  EXPECT_FALSE(fs::exists(o.out_dir / "report.pdf"));
  EXPECT_TRUE(fs::exists(o.out_dir / "notes.txt"));
}

TEST(Report, WithoutGnuplotTheHtmlHasNoFiguresAndSaysWhy) {
  const report::ReportOptions o = options_for("no_gnuplot", PdfMode::Off, {});
  const report::ReportResult r = report::make_report(o);
  EXPECT_TRUE(r.figures.empty());
  EXPECT_FALSE(fs::exists(o.out_dir / "figures"));
  EXPECT_NE(slurp_text(r.html).find("gnuplot not found"), std::string::npos);
}

TEST(Report, WithoutWeasyprintPdfIsSkippedUnlessRequired) {
  const report::ReportResult r = report::make_report(options_for("no_pdf_auto", PdfMode::Auto, {}));
  EXPECT_TRUE(fs::exists(r.html));
  EXPECT_FALSE(r.pdf.has_value());
  bool explained = false;
  for (const std::string& n : r.notes) explained = explained || n.find("weasyprint not found") != std::string::npos;
  EXPECT_TRUE(explained);

  const report::ReportOptions required = options_for("no_pdf_required", PdfMode::Required, {});
  try {
    report::make_report(required);
    FAIL() << "a required PDF without weasyprint must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("weasyprint not found"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(required.out_dir / "report.html")) << "the HTML is still written";
  EXPECT_FALSE(fs::exists(required.out_dir / "report.pdf"));
}

}  // namespace tinyfit::test
