#include "core/parallel.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace tinyfit {

TEST(ParallelFor, VisitsEveryIndexOnce) {
  std::vector<int> hits(1000, 0);
  parallel_for(hits.size(), [&](size_t i) { hits[i] += 1; }, 4);
  EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), 0), 1000);
  for (int h : hits) EXPECT_EQ(h, 1);
}

TEST(ParallelFor, RethrowsWorkerError) {
  EXPECT_THROW(parallel_for(100, [](size_t i) { if (i == 37) throw Error("boom"); }, 2), Error);
}

TEST(AtomicFile, WritesWholeFileAndLeavesNoTemporary) {
  const auto dir = std::filesystem::temp_directory_path() / "tinyfit_atomic_test";
  std::filesystem::remove_all(dir);
  const auto path = dir / "out.bin";
  write_file_atomic(path, std::string_view("hello"));
  EXPECT_EQ(read_file_bytes(path).size(), 5u);
  EXPECT_THROW(write_file_atomic(path, [](std::ostream& out) { out << "partial"; throw Error("fail"); }), Error);
  EXPECT_EQ(read_file_bytes(path).size(), 5u);  // the old file survives a failed write
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(dir);
}

TEST(AtomicFile, MissingFileIsAnError) {
  try {
    read_file_bytes("/nonexistent/tinyfit.bin");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tinyfit.bin"), std::string::npos);
  }
}

}  // namespace tinyfit
