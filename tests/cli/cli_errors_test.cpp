// Bad input never crashes the tool: one clear line on stderr, a non-zero exit, no partial output.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/run_cli.hpp"

namespace tinyfit::test {
namespace fs = std::filesystem;

TEST(CliErrors, UnknownFlagFails) {
  const CliResult r = run_cli("features --no-such-flag");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no-such-flag"), std::string::npos) << r.err;
}

TEST(CliErrors, UnknownCommandFails) {
  const CliResult r = run_cli("frobnicate");
  EXPECT_NE(r.exit_code, 0);
}

TEST(CliErrors, HelpWorksForEveryCommand) {
  for (const char* cmd : {"features", "inspect", "eval", "data", "data fetch", "latency", "forecast", "kws", "report"}) {
    const CliResult r = run_cli(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
}

TEST(CliErrors, MissingDataDirIsOneClearLine) {
  const CliResult r = run_cli("features --data-dir /nonexistent/tinyfit-data");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/tinyfit-data"), std::string::npos) << r.err;
}

TEST(CliErrors, MissingDataSetInsideDataDirNamesIt) {
  const fs::path dir = fs::temp_directory_path() / "tinyfit_empty_data";
  fs::create_directories(dir);
  const CliResult r = run_cli("features --no-cache --data-dir " + dir.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("kws_"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(CliErrors, MalformedModelIsRejected) {
  const fs::path model = fs::temp_directory_path() / "tinyfit_bad.tflite";
  { std::ofstream(model) << "this is not a flatbuffer at all"; }
  const CliResult r = run_cli("inspect " + model.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("tinyfit_bad.tflite"), std::string::npos) << r.err;
  fs::remove(model);
}

TEST(CliErrors, MissingModelIsRejected) {
  const CliResult r = run_cli("inspect /nonexistent/model.tflite");
  EXPECT_NE(r.exit_code, 0);  // rejected by flag validation (CLI11's exit code) or by the reader (1)
  EXPECT_NE(r.err.find("/nonexistent/model.tflite"), std::string::npos) << r.err;
}

}  // namespace tinyfit::test
