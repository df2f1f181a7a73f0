// `tinyfit report` as a user runs it: results on stdout, one clear line on stderr for bad input.
#include <gtest/gtest.h>

#include "cli/run_cli.hpp"
#include "report/report_test_support.hpp"
#include "report/spawn.hpp"

namespace tinyfit::test {

TEST(ReportCli, JsonListsTheWrittenFiles) {
  const fs::path out = scratch("cli_json");
  const CliResult r = run_cli("--json -q report --pdf no --runs " + fixture_runs().string() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["html"], (out / "report.html").string());
  EXPECT_TRUE(j["pdf"].is_null());
  EXPECT_EQ(j["missing"].size(), 2u);
  EXPECT_TRUE(fs::exists(out / "report.html"));
}

TEST(ReportCli, RelativeOutputFolderGetsThePdf) {
  // The tools run in a scratch folder: a relative --out must still receive every file.
  if (!report::find_program("gnuplot") || !report::find_program("weasyprint")) GTEST_SKIP() << "gnuplot/weasyprint absent";
  const fs::path cwd = scratch("cli_relative");
  const CliResult r = run_cli("-q report --pdf yes --runs " + fixture_runs().string() + " --out rel/out", "cd " + cwd.string() + " &&");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(fs::file_size(cwd / "rel/out/report.pdf"), 0u);
  EXPECT_TRUE(fs::exists(cwd / "rel/out/figures/kws_training.svg"));
}

TEST(ReportCli, MalformedRunFileIsOneLineNamingIt) {
  const fs::path runs = scratch("cli_bad_runs");
  copy_fixtures(runs);
  write_text(runs / "kws_b.json", "[1, 2");
  const CliResult r = run_cli("report --pdf no --runs " + runs.string() + " --out " + (runs / "out").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("kws_b.json"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(runs / "out" / "report.html"));
}

TEST(ReportCli, MissingRunsFolderIsOneLine) {
  const CliResult r = run_cli("report --runs /nonexistent/tinyfit-runs");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/tinyfit-runs"), std::string::npos) << r.err;
}

TEST(ReportCli, HelpNamesTheFlags) {
  const CliResult r = run_cli("report --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--runs", "--out", "--pdf"}) EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

TEST(ReportCli, UnknownPdfModeIsRejected) {
  const CliResult r = run_cli("report --pdf maybe");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("pdf"), std::string::npos) << r.err;
}

}  // namespace tinyfit::test
