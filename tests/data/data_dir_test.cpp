// Where `forecast` and `eval --task forecast` look for the course's weather CSV without --csv.
#include "data/data_dir.hpp"

#include <gtest/gtest.h>

#include "data/data_test_support.hpp"

namespace tinyfit::data {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::TempDir;

TEST(CourseWeatherCsv, FindsThePlainFileFirstThenGzip) {
  TempDir dir;
  testing::write_text(dir / "jena_climate_2009_2016.csv.gz", "x");
  EXPECT_EQ(course_weather_csv(dir.path().string()), dir / "jena_climate_2009_2016.csv.gz");
  testing::write_text(dir / "jena_climate_2009_2016.csv", "x");
  EXPECT_EQ(course_weather_csv(dir.path().string()), dir / "jena_climate_2009_2016.csv");
}

TEST(CourseWeatherCsv, MissingFileNamesFetchCsvAndTheStandIn) {
  TempDir dir;
  const std::string bare = error_of([&] { course_weather_csv(dir.path().string()); });
  expect_contains(bare, {"jena_climate_2009_2016.csv", dir.path().string(), "tinyfit data fetch jena", "--csv"});
  EXPECT_EQ(bare.find("stand-in"), std::string::npos) << bare;
  EXPECT_EQ(bare.find('\n'), std::string::npos) << bare;

  std::filesystem::create_directories(dir / "jena");
  testing::write_text(dir / kStandInWeatherCsv, "x");
  expect_contains(error_of([&] { course_weather_csv(dir.path().string()); }),
                  {"tinyfit data fetch jena", "stand-in", "--csv " + (dir / kStandInWeatherCsv).string()});
}

TEST(CourseWeatherCsv, MissingDataDirMentionsCsv) {
  expect_contains(error_of([] { course_weather_csv("/nonexistent/tinyfit-data"); }),
                  {"/nonexistent/tinyfit-data", "--csv"});
}

}  // namespace
}  // namespace tinyfit::data
