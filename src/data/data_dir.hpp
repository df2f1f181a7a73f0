// Where the data sets live: --data-dir, then $TINYFIT_DATA, then ../shared/data beside the repository.
#pragma once

#include <filesystem>
#include <string>

namespace tinyfit::data {

// Resolves the data root. `flag` is the --data-dir value (empty if not given). Throws Error naming
// every place that was tried when none exists.
std::filesystem::path resolve_data_dir(const std::string& flag);

// `root / relative`, or an Error naming the missing data set (`what`, e.g. "mini speech commands").
std::filesystem::path require_path(const std::filesystem::path& root, const std::filesystem::path& relative,
                                   const std::string& what);

// The course's weather CSV under the data root (spec HW2 §1): jena_climate_2009_2016.csv, else its
// gzip form .csv.gz (what `tinyfit data fetch jena` writes). `data_dir_flag` as for
// resolve_data_dir. When neither is there, throws one Error line that names `tinyfit data fetch jena`
// and --csv, and the real-data stand-in (kStandInWeatherCsv) when the data root holds it.
inline constexpr const char* kCourseWeatherCsv = "jena_climate_2009_2016.csv";
inline constexpr const char* kStandInWeatherCsv = "jena/jena_climate_10min_2021_2024.csv";
std::filesystem::path course_weather_csv(const std::string& data_dir_flag);

}  // namespace tinyfit::data
