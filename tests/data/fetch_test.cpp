// Fetching a zipped data file: git blob ids, zip members, and the whole fetch from file:// URLs and a
// loopback HTTP server, with every failure leaving the data directory untouched.
#include "data/fetch.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/atomic_file.hpp"
#include "data/data_test_support.hpp"
#include "data/git_blob.hpp"
#include "data/loopback_http.hpp"
#include "data/zip_archive.hpp"

namespace tinyfit::data {
namespace {

using test::fixture_csv;
using test::OneShotHttpServer;
using testing::error_of;
using testing::expect_contains;
using testing::TempDir;
using testing::write_text;
namespace fs = std::filesystem;

constexpr const char* kMember = "jena_climate_2009_2016.csv";

std::span<const uint8_t> bytes_of(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
std::string text_of(const std::vector<uint8_t>& v) { return {v.begin(), v.end()}; }

std::string zip_of(std::vector<ZipMember> members) { return text_of(write_zip(members)); }

// The small stand-in for the Jena CSV: a zip holding it, and the ZippedFile that expects it.
struct Fixture {
  std::string csv = fixture_csv(200'000);
  std::string zip = zip_of({{kMember, csv}});
  ZippedFile expected(const std::string& url) const { return {url, kMember, csv.size(), git_blob_id(bytes_of(csv))}; }
};

std::string file_url(const TempDir& dir, const std::string& name, const std::string& content) {
  write_text(dir / name, content);
  return "file://" + (dir / name).string();
}

// Nothing, not even a temporary file, is left in `dir`.
void expect_empty(const fs::path& dir) {
  if (!fs::exists(dir)) return;
  for (const auto& e : fs::directory_iterator(dir)) ADD_FAILURE() << "left behind: " << e.path();
}

TEST(GitBlob, MatchesGitHashObject) {
  EXPECT_EQ(git_blob_id({}), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_EQ(git_blob_id(bytes_of("hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST(ZipArchive, ExtractsByPathOrFileNameSkippingMacResourceForks) {
  const std::string zip = zip_of({{"__MACOSX/._a.csv", "resource fork"}, {"other.txt", "x"}, {"dir/a.csv", "1,2\n"}});
  EXPECT_EQ(text_of(extract_zip_member(bytes_of(zip), "a.csv", "z", 100)), "1,2\n");
  EXPECT_EQ(text_of(extract_zip_member(bytes_of(zip), "other.txt", "z", 100)), "x");
}

TEST(ZipArchive, MissingMemberListsWhatIsThere) {
  const std::string zip = zip_of({{"readme.txt", "hi"}, {"b.csv", ""}});
  expect_contains(error_of([&] { extract_zip_member(bytes_of(zip), "a.csv", "src.zip", 100); }),
                  {"src.zip", "no member a.csv", "readme.txt, b.csv"});
}

TEST(ZipArchive, TruncatedOrGarbageIsAnError) {
  const Fixture f;
  const std::string cut = f.zip.substr(0, f.zip.size() / 2);
  expect_contains(error_of([&] { extract_zip_member(bytes_of(cut), kMember, "cut.zip", 1 << 20); }),
                  {"cut.zip", "truncated or corrupt"});
  expect_contains(error_of([&] { extract_zip_member(bytes_of("<html>Not Found</html>"), kMember, "page", 100); }),
                  {"page", "not a readable zip"});
}

TEST(ZipArchive, MemberOverTheLimitIsRejected) {
  const std::string zip = zip_of({{"a.csv", std::string(5000, 'x')}});
  expect_contains(error_of([&] { extract_zip_member(bytes_of(zip), "a.csv", "z", 4999); }), {"larger", "4999"});
  EXPECT_EQ(extract_zip_member(bytes_of(zip), "a.csv", "z", 5000).size(), 5000u);
}

TEST(Fetch, JenaDefaultsAreTheKerasFile) {
  const ZippedFile jena = jena_climate_2009_2016();
  EXPECT_EQ(jena.member, kMember);
  EXPECT_EQ(jena.size, 43'164'220u);
  EXPECT_EQ(jena.blob_id, "3dc17139ed8afe4f693b3b88cbdd6e3a69e2de0c");
  EXPECT_TRUE(jena.url.ends_with("/jena_climate_2009_2016.csv.zip"));
}

TEST(Fetch, FileUrlWritesTheVerifiedMemberThenKeepsIt) {
  TempDir tmp;
  const Fixture f;
  const ZippedFile file = f.expected(file_url(tmp, "src.zip", f.zip));
  const fs::path out = tmp / "data";
  const FetchResult r = fetch_zipped_file(file, out);
  EXPECT_EQ(r.path, out / kMember);
  EXPECT_EQ(text_of(read_file_bytes(r.path)), f.csv);
  EXPECT_EQ(r.blob_id, file.blob_id);
  EXPECT_EQ(r.downloaded_bytes, f.zip.size());
  EXPECT_FALSE(r.already_present);

  // Already there and verified: no download (the source is gone).
  fs::remove(tmp / "src.zip");
  const FetchResult again = fetch_zipped_file(file, out);
  EXPECT_TRUE(again.already_present);
  EXPECT_EQ(again.downloaded_bytes, 0u);
}

TEST(Fetch, BadChecksumOrSizeWritesNothing) {
  TempDir tmp;
  const Fixture f;
  ZippedFile file = f.expected(file_url(tmp, "src.zip", f.zip));
  file.blob_id = "0000000000000000000000000000000000000000";
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "data"); }),
                  {"src.zip", "git blob id", "expected 0000000000", "nothing written"});
  expect_empty(tmp / "data");

  file = f.expected(file.url);
  file.size += 1;
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "data"); }), {"bytes, expected"});
  expect_empty(tmp / "data");
}

TEST(Fetch, AnExistingWrongFileIsReplaced) {
  TempDir tmp;
  const Fixture f;
  write_text(tmp / "data" / kMember, "stale");
  const FetchResult r = fetch_zipped_file(f.expected(file_url(tmp, "src.zip", f.zip)), tmp / "data");
  EXPECT_FALSE(r.already_present);
  EXPECT_EQ(text_of(read_file_bytes(r.path)), f.csv);
}

TEST(Fetch, TruncatedZipMissingMemberOrMissingFileWritesNothing) {
  TempDir tmp;
  const Fixture f;
  const ZippedFile cut = f.expected(file_url(tmp, "cut.zip", f.zip.substr(0, f.zip.size() - f.zip.size() / 3)));
  expect_contains(error_of([&] { fetch_zipped_file(cut, tmp / "data"); }), {"cut.zip", "truncated or corrupt"});
  const ZippedFile other = f.expected(file_url(tmp, "other.zip", zip_of({{"else.csv", f.csv}})));
  expect_contains(error_of([&] { fetch_zipped_file(other, tmp / "data"); }), {"other.zip", "no member", "else.csv"});
  const ZippedFile none = f.expected("file://" + (tmp / "none.zip").string());
  expect_contains(error_of([&] { fetch_zipped_file(none, tmp / "data"); }), {"cannot download", "none.zip"});
  expect_empty(tmp / "data");
}

TEST(Fetch, ReadOnlyDataDirIsRefusedBeforeDownloading) {
  TempDir tmp;
  const Fixture f;
  fs::create_directories(tmp / "ro");
  ::chmod((tmp / "ro").c_str(), 0555);
  // A URL that cannot be read: the directory error must come first.
  const ZippedFile file = f.expected("file://" + (tmp / "none.zip").string());
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "ro"); }), {"ro is read-only", "--data-dir"});
  ::chmod((tmp / "ro").c_str(), 0755);
  expect_empty(tmp / "ro");
}

TEST(Fetch, LoopbackHttpSuccessReportsProgress) {
  TempDir tmp;
  const Fixture f;
  OneShotHttpServer server(200, f.zip);
  uint64_t last_received = 0, last_total = 0;
  const FetchResult r =
      fetch_zipped_file(f.expected(server.url("jena.zip")), tmp / "data", {}, [&](uint64_t received, uint64_t total) {
        last_received = received;
        last_total = total;
      });
  EXPECT_EQ(text_of(read_file_bytes(r.path)), f.csv);
  EXPECT_EQ(last_received, f.zip.size());
  EXPECT_EQ(last_total, f.zip.size());
}

TEST(Fetch, LoopbackHttp404NamesUrlAndStatus) {
  TempDir tmp;
  const Fixture f;
  OneShotHttpServer server(404, "<html>Not Found</html>");
  const ZippedFile file = f.expected(server.url("missing.zip"));
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "data"); }), {file.url, "HTTP 404"});
  expect_empty(tmp / "data");
}

TEST(Fetch, LoopbackHttpCutOffTransferWritesNothing) {
  TempDir tmp;
  const Fixture f;
  OneShotHttpServer server(200, f.zip.substr(0, f.zip.size() / 2), f.zip.size());
  const ZippedFile file = f.expected(server.url("jena.zip"));
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "data"); }), {"cannot download", file.url});
  expect_empty(tmp / "data");
}

TEST(Fetch, LoopbackHttpTruncatedZipWritesNothing) {
  TempDir tmp;
  const Fixture f;
  OneShotHttpServer server(200, f.zip.substr(0, f.zip.size() / 2));
  const ZippedFile file = f.expected(server.url("jena.zip"));
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "data"); }), {file.url, "truncated or corrupt"});
  expect_empty(tmp / "data");
}

TEST(Fetch, LoopbackHttpMissingMemberWritesNothing) {
  TempDir tmp;
  const Fixture f;
  OneShotHttpServer server(200, zip_of({{"README", "no csv here"}}));
  const ZippedFile file = f.expected(server.url("jena.zip"));
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "data"); }), {file.url, "no member", "README"});
  expect_empty(tmp / "data");
}

TEST(Fetch, OversizedDownloadIsRefused) {
  TempDir tmp;
  const Fixture f;
  OneShotHttpServer server(200, f.zip);
  DownloadOptions options;
  options.max_bytes = 1000;
  const ZippedFile file = f.expected(server.url("big.zip"));
  expect_contains(error_of([&] { fetch_zipped_file(file, tmp / "data", options); }), {file.url, "larger than 1000"});
  expect_empty(tmp / "data");
}

}  // namespace
}  // namespace tinyfit::data
