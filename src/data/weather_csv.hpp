// The Jena weather station CSV (spec HW2 §1): the course layout (15 columns, quoted header) and the
// institute's own mpi_roof files (22 columns, Latin-1 header, CRLF, space-padded values) alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tinyfit::data {

inline constexpr std::string_view kDateColumn = "Date Time";
inline constexpr std::string_view kTemperatureColumn = "T (degC)";
inline constexpr std::string_view kHumidityColumn = "rh (%)";

// The two feature columns, found by header name: "T (degC)" and "rh (%)" unless `--columns` says
// otherwise (WeatherSeries keeps calling them temperature and humidity).
struct WeatherColumns {
  std::string temperature{kTemperatureColumn}, humidity{kHumidityColumn};
};

// The --columns flag, "first,second" (names trimmed) -> WeatherColumns. Throws Error unless it holds
// exactly two non-empty, different names.
WeatherColumns parse_weather_columns(std::string_view text);

struct WeatherSeries {
  // Seconds since 1970-01-01 00:00:00 of the "Date Time" column, taken as written (the files carry no
  // time zone), so differences between rows are exact.
  std::vector<int64_t> timestamps;
  std::vector<float> temperature;  // "T (degC)", °C
  std::vector<float> humidity;     // "rh (%)", %

  size_t size() const { return timestamps.size(); }
};

// Reads a .csv or gzip-compressed .csv.gz file. The date and the two `columns` are found by name in
// the header (quoted or not); fields are trimmed of spaces, tabs and CR; header bytes outside ASCII (Latin-1) are fine.
// Only those three columns are parsed, but every row must have the header's field count.
// Throws Error naming the file for a missing/unreadable/truncated-gzip file or a missing column, and
// "<file>:<line>: <what>" for a malformed row (field count, number, date, a cut-off last line).
WeatherSeries read_weather_csv(const std::filesystem::path& path, const WeatherColumns& columns = {});

// The same on text already in memory; `source` names it in messages.
WeatherSeries parse_weather_csv(std::string_view text, const std::string& source, const WeatherColumns& columns = {});

// "dd.mm.yyyy HH:MM:SS" <-> seconds as in WeatherSeries::timestamps. Parsing checks the exact layout
// and that the date exists (31.04. or 29.02. of a common year do not); nullopt otherwise.
std::optional<int64_t> parse_jena_timestamp(std::string_view text);
std::string format_jena_timestamp(int64_t seconds);

}  // namespace tinyfit::data
