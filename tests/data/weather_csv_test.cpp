#include "data/weather_csv.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "data/data_test_support.hpp"

namespace tinyfit::data {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr std::string_view kCourseHeader =
    "\"Date Time\",\"p (mbar)\",\"T (degC)\",\"Tpot (K)\",\"Tdew (degC)\",\"rh (%)\",\"VPmax (mbar)\","
    "\"VPact (mbar)\",\"VPdef (mbar)\",\"sh (g/kg)\",\"H2OC (mmol/mol)\",\"rho (g/m**3)\",\"wv (m/s)\","
    "\"max. wv (m/s)\",\"wd (deg)\"\n";

// One row of the course layout with the given date, T and RH (other columns fixed).
std::string course_row(const std::string& date, const std::string& t, const std::string& rh) {
  return date + ",996.52," + t + ",265.40,-8.90," + rh + ",3.33,3.11,0.22,1.94,3.12,1307.75,1.03,1.75,152.30\n";
}

std::string course_csv(int rows) {
  std::string text(kCourseHeader);
  for (int i = 0; i < rows; ++i)
    text += course_row("01.01.2009 0" + std::to_string(i / 6) + ":" + std::to_string(i % 6) + "0:00",
                       std::to_string(i) + ".25", std::to_string(50 + i) + ".5");
  return text;
}

TEST(JenaTimestamp, ParsesValidatesAndFormats) {
  EXPECT_EQ(parse_jena_timestamp("01.01.1970 00:00:00"), 0);
  EXPECT_EQ(parse_jena_timestamp("01.01.2009 00:10:00"), 1230768600);
  EXPECT_EQ(*parse_jena_timestamp("01.01.2009 00:20:00") - *parse_jena_timestamp("01.01.2009 00:10:00"), 600);
  EXPECT_TRUE(parse_jena_timestamp("29.02.2024 23:59:59"));
  for (const char* bad : {"29.02.2021 00:00:00", "31.04.2021 00:00:00", "01.13.2021 00:00:00", "01.01.2021 24:00:00",
                          "01.01.2021 00:60:00", "1.01.2021 00:00:00", "01.01.2021T00:00:00", "01.01.2021 00:00",
                          "aa.01.2021 00:00:00", ""})
    EXPECT_FALSE(parse_jena_timestamp(bad)) << bad;
  EXPECT_EQ(format_jena_timestamp(1230768600), "01.01.2009 00:10:00");
  EXPECT_EQ(format_jena_timestamp(-1), "31.12.1969 23:59:59");
  EXPECT_EQ(format_jena_timestamp(*parse_jena_timestamp("20.10.2024 08:10:00")), "20.10.2024 08:10:00");
}

TEST(WeatherCsv, ReadsCourseLayout) {
  TempDir dir;
  testing::write_text(dir / "w.csv", course_csv(8));
  const WeatherSeries s = read_weather_csv(dir / "w.csv");
  ASSERT_EQ(s.size(), 8u);
  ASSERT_EQ(s.temperature.size(), 8u);
  ASSERT_EQ(s.humidity.size(), 8u);
  EXPECT_EQ(format_jena_timestamp(s.timestamps[0]), "01.01.2009 00:00:00");
  EXPECT_EQ(format_jena_timestamp(s.timestamps[7]), "01.01.2009 01:10:00");
  EXPECT_EQ(s.temperature[3], 3.25f);
  EXPECT_EQ(s.humidity[3], 53.5f);
}

// The institute's own files: unquoted or quoted Latin-1 header, more columns in another order, CRLF,
// space-padded values, a UTF-8 BOM.
TEST(WeatherCsv, ReadsInstituteLayout) {
  TempDir dir;
  const std::string text =
      "\xEF\xBB\xBF" "Date Time,rh (%),T (degC),PAR (\xB5mol/m\xB2/s)\r\n"
      "09.06.2024 11:40:00,  52.48,   18.76, 1686.33\r\n"
      "09.06.2024 11:50:00,51.67,-0.5,1118.12\r\n\r\n";
  testing::write_text(dir / "roof.csv", text);
  const WeatherSeries s = read_weather_csv(dir / "roof.csv");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.temperature[0], 18.76f);
  EXPECT_EQ(s.humidity[0], 52.48f);
  EXPECT_EQ(s.temperature[1], -0.5f);
  EXPECT_EQ(s.timestamps[1] - s.timestamps[0], 600);
}

TEST(WeatherCsv, ReadsGzipAndRejectsTruncatedGzip) {
  TempDir dir;
  const std::string text = course_csv(40);
  gzFile f = gzopen((dir / "w.csv.gz").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
  const WeatherSeries s = read_weather_csv(dir / "w.csv.gz");
  ASSERT_EQ(s.size(), 40u);
  EXPECT_EQ(s.temperature[39], 39.25f);

  fs::resize_file(dir / "w.csv.gz", fs::file_size(dir / "w.csv.gz") - 12);  // drop the trailer and more
  expect_contains(error_of([&] { read_weather_csv(dir / "w.csv.gz"); }), {"w.csv.gz", "truncated"});
}

TEST(WeatherCsv, MalformedRowsNameFileAndLine) {
  TempDir dir;
  const auto path = dir / "bad.csv";
  const std::string good = course_row("01.01.2009 00:10:00", "1.0", "50.0");
  auto check = [&](const std::string& text, std::initializer_list<std::string_view> parts) {
    testing::write_text(path, text);
    std::string msg = error_of([&] { read_weather_csv(path); });
    expect_contains(msg, parts);
  };
  const std::string file_line3 = path.string() + ":3: ";
  check(std::string(kCourseHeader) + good + "01.01.2009 00:20:00,1,2\n" + good, {file_line3, "expected 15 fields"});
  check(std::string(kCourseHeader) + good + course_row("01.01.2009 00:20:00", "1.x", "50") + good,
        {file_line3, "bad number '1.x'", "T (degC)"});
  check(std::string(kCourseHeader) + good + course_row("01.01.2009 00:20:00", "1", "") + good,
        {file_line3, "bad number ''", "rh (%)"});
  check(std::string(kCourseHeader) + good + course_row("01.01.2009 00:20:00", "nan", "50") + good,
        {file_line3, "bad number 'nan'"});
  check(std::string(kCourseHeader) + good + course_row("31.04.2009 00:20:00", "1", "50") + good,
        {file_line3, "bad date '31.04.2009 00:20:00'"});
  check(std::string(kCourseHeader) + good + "\n" + good, {path.string() + ":3: ", "empty line"});
  check(std::string(kCourseHeader) + good + good + "01.01.2009 00:30:00,996.52,1.5", {path.string() + ":4: ", "truncated"});
}

TEST(WeatherCsv, MissingColumnsAndFilesAreNamed) {
  TempDir dir;
  testing::write_text(dir / "nort.csv", "Date Time,T (degC),PAR (\xB5mol)\n01.01.2009 00:10:00,1,2\n");
  const std::string msg = error_of([&] { read_weather_csv(dir / "nort.csv"); });
  expect_contains(msg, {"nort.csv", "missing column \"rh (%)\"", "PAR (\xC2\xB5mol)"});  // Latin-1 shown as UTF-8
  testing::write_text(dir / "empty.csv", "");
  expect_contains(error_of([&] { read_weather_csv(dir / "empty.csv"); }), {"empty.csv", "empty"});
  testing::write_text(dir / "header.csv", kCourseHeader);
  expect_contains(error_of([&] { read_weather_csv(dir / "header.csv"); }), {"header.csv", "no data rows"});
  expect_contains(error_of([&] { read_weather_csv(dir / "none.csv"); }), {"none.csv", "not found"});
}

TEST(WeatherCsv, ColumnsFlagPicksOtherColumnsAndNamesMissingOnes) {
  const WeatherColumns dflt = parse_weather_columns("T (degC),rh (%)");
  EXPECT_EQ(dflt.temperature, kTemperatureColumn);
  EXPECT_EQ(dflt.humidity, kHumidityColumn);
  const WeatherColumns other = parse_weather_columns(" Tdew (degC) , p (mbar)");
  EXPECT_EQ(other.temperature, "Tdew (degC)");
  EXPECT_EQ(other.humidity, "p (mbar)");
  for (const char* bad : {"", "T (degC)", "T (degC),", ",rh (%)", "a,b,c", "a,a"})
    expect_contains(error_of([&] { parse_weather_columns(bad); }), {"--columns"});

  TempDir dir;
  testing::write_text(dir / "w.csv", course_csv(3));
  const WeatherSeries s = read_weather_csv(dir / "w.csv", other);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.temperature[1], -8.9f);  // Tdew
  EXPECT_EQ(s.humidity[1], 996.52f);   // p
  const std::string msg = error_of([&] { read_weather_csv(dir / "w.csv", parse_weather_columns("T (degC),RH")); });
  expect_contains(msg, {"w.csv", "missing column \"RH\""});
}

// ---- the real files (spec §1, data README §4) ----

TEST(WeatherCsvRealData, CombinedFileEqualsItsTwoSources) {
  TINYFIT_REQUIRE_DATA(root);
  const WeatherSeries all = read_weather_csv(root / "jena/jena_climate_10min_2021_2024.csv");
  const WeatherSeries a = read_weather_csv(root / "jena/mpi_roof_2021-07_2021-11.csv");
  const WeatherSeries b = read_weather_csv(root / "jena/mpi_roof_2024-06_2024-10.csv");
  ASSERT_EQ(all.size(), 40830u);
  ASSERT_EQ(a.size(), 21698u);
  ASSERT_EQ(b.size(), 19132u);
  EXPECT_EQ(format_jena_timestamp(all.timestamps.front()), "01.07.2021 00:10:00");
  EXPECT_EQ(format_jena_timestamp(all.timestamps.back()), "20.10.2024 08:10:00");
  EXPECT_EQ(all.temperature[0], 16.07f);
  EXPECT_EQ(all.humidity[0], 81.40f);
  for (size_t i = 0; i < all.size(); ++i) {
    const WeatherSeries& part = i < a.size() ? a : b;
    const size_t j = i < a.size() ? i : i - a.size();
    ASSERT_EQ(all.timestamps[i], part.timestamps[j]) << "row " << i;
    ASSERT_EQ(all.temperature[i], part.temperature[j]) << "row " << i;
    ASSERT_EQ(all.humidity[i], part.humidity[j]) << "row " << i;
  }
}

TEST(WeatherCsvRealData, HourlySeries) {
  TINYFIT_REQUIRE_DATA(root);
  const WeatherSeries s = read_weather_csv(root / "jena/jena_climate_2009_2016_hourly_T_rh.csv");
  ASSERT_EQ(s.size(), 70038u);
  EXPECT_EQ(format_jena_timestamp(s.timestamps.back()), "31.12.2016 23:50:00");
  EXPECT_EQ(s.temperature.back(), -4.23f);
  EXPECT_EQ(s.humidity.back(), 71.80f);
}

}  // namespace
}  // namespace tinyfit::data
