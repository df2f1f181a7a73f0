// `tinyfit data fetch jena` end to end with a small stand-in zip (its size and blob id passed through
// the hidden --expect-* flags): success from file:// and loopback HTTP, and one-line errors with
// nothing written for a bad checksum, a 404, a truncated zip and a read-only data directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "data/git_blob.hpp"
#include "data/loopback_http.hpp"
#include "data/zip_archive.hpp"

namespace tinyfit::test {
namespace fs = std::filesystem;

namespace {

constexpr const char* kMember = "jena_climate_2009_2016.csv";

// A fresh folder per test with the stand-in CSV and its zip.
struct FetchFixture {
  fs::path root;
  std::string csv = fixture_csv(100'000);
  std::string zip;

  explicit FetchFixture(const std::string& name)
      : root(fs::temp_directory_path() / (name + std::to_string(::getpid()))) {
    fs::remove_all(root);
    fs::create_directories(root);
    const data::ZipMember member{kMember, csv};
    const std::vector<uint8_t> bytes = data::write_zip({&member, 1});
    zip.assign(bytes.begin(), bytes.end());
  }
  ~FetchFixture() { fs::remove_all(root); }

  std::string file_url(const std::string& name, const std::string& content) const {
    std::ofstream(root / name, std::ios::binary) << content;
    return "file://" + (root / name).string();
  }
  // `data fetch jena` into root/data expecting the stand-in CSV (or another blob id).
  CliResult fetch(const std::string& url, const std::string& extra = "", std::string blob = "") const {
    if (blob.empty()) blob = data::git_blob_id({reinterpret_cast<const uint8_t*>(csv.data()), csv.size()});
    return run_cli("data fetch jena --url '" + url + "' --data-dir " + (root / "data").string() + " --expect-size " +
                   std::to_string(csv.size()) + " --expect-blob " + blob + " " + extra);
  }
  bool wrote_nothing() const { return !fs::exists(root / "data") || fs::is_empty(root / "data"); }
};

void expect_one_line_error(const CliResult& r, std::initializer_list<std::string_view> parts) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  for (std::string_view part : parts) EXPECT_NE(r.err.find(part), std::string::npos) << part << " missing: " << r.err;
}

}  // namespace

TEST(DataFetchCli, HelpNamesTheDataSetAndHidesTestFlags) {
  const CliResult r = run_cli("data fetch --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("jena"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--url"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--expect-blob"), std::string::npos) << r.out;
}

TEST(DataFetchCli, UnknownDataSetIsRejected) {
  const CliResult r = run_cli("data fetch mnist --data-dir /tmp");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
}

TEST(DataFetchCli, FileUrlWritesTheCsvAndReportsJson) {
  const FetchFixture f("tinyfit_fetch_file");
  const CliResult r = f.fetch(f.file_url("jena.zip", f.zip), "--json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(f.root / "data" / kMember), f.csv);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["size"], f.csv.size());
  EXPECT_EQ(j["already_present"], false);
  EXPECT_EQ(j["downloaded_bytes"], f.zip.size());

  const CliResult again = f.fetch(f.file_url("jena.zip", f.zip));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already present"), std::string::npos) << again.out;
}

TEST(DataFetchCli, LoopbackHttpWritesTheCsv) {
  const FetchFixture f("tinyfit_fetch_http");
  OneShotHttpServer server(200, f.zip);
  const CliResult r = f.fetch(server.url("jena_climate_2009_2016.csv.zip"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(f.root / "data" / kMember), f.csv);
}

TEST(DataFetchCli, Http404IsOneLineNamingUrlAndStatus) {
  const FetchFixture f("tinyfit_fetch_404");
  OneShotHttpServer server(404, "not here");
  const std::string url = server.url("jena.zip");
  expect_one_line_error(f.fetch(url), {url, "HTTP 404"});
  EXPECT_TRUE(f.wrote_nothing());
}

TEST(DataFetchCli, BadChecksumWritesNothing) {
  const FetchFixture f("tinyfit_fetch_blob");
  const std::string url = f.file_url("jena.zip", f.zip);
  expect_one_line_error(f.fetch(url, "", "0123456789012345678901234567890123456789"),
                        {"git blob id", "nothing written"});
  EXPECT_TRUE(f.wrote_nothing());
}

TEST(DataFetchCli, TruncatedZipWritesNothing) {
  const FetchFixture f("tinyfit_fetch_cut");
  expect_one_line_error(f.fetch(f.file_url("cut.zip", f.zip.substr(0, f.zip.size() / 2))),
                        {"cut.zip", "truncated or corrupt"});
  EXPECT_TRUE(f.wrote_nothing());
}

TEST(DataFetchCli, ReadOnlyDataDirSuggestsDataDir) {
  const FetchFixture f("tinyfit_fetch_ro");
  fs::create_directories(f.root / "data");
  ::chmod((f.root / "data").c_str(), 0555);
  const CliResult r = f.fetch(f.file_url("jena.zip", f.zip));
  ::chmod((f.root / "data").c_str(), 0755);
  expect_one_line_error(r, {"read-only", "--data-dir"});
  EXPECT_TRUE(f.wrote_nothing());
}

}  // namespace tinyfit::test
