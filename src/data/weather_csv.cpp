#include "data/weather_csv.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"

namespace tinyfit::data {
namespace fs = std::filesystem;

namespace {

// gzread reads plain files unchanged, so one reader serves .csv and .csv.gz.
std::string read_text(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error("weather CSV not found: " + path.string());
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw Error("cannot open weather CSV " + path.string());
  gzbuffer(f, 1 << 17);
  std::string text;
  constexpr size_t kChunk = 1 << 20;
  for (;;) {
    const size_t old = text.size();
    text.resize(old + kChunk);
    const int got = gzread(f, text.data() + old, static_cast<unsigned>(kChunk));
    if (got < 0) {
      int err = 0;
      const std::string message = gzerror(f, &err);
      gzclose(f);
      throw Error("cannot read weather CSV " + path.string() + ": " + message);
    }
    text.resize(old + static_cast<size_t>(got));
    if (got == 0) break;
  }
  // Z_BUF_ERROR at the end means the input stopped in the middle of a gzip stream.
  if (gzclose_r(f) == Z_BUF_ERROR)
    throw Error("truncated gzip file " + path.string() + " (unexpected end of compressed data)");
  return text;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Splits one line at commas outside double quotes; each field trimmed, then unquoted.
void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] == '"') quoted = !quoted;
    if (i == line.size() || (line[i] == ',' && !quoted)) {
      std::string_view f = trim(line.substr(start, i - start));
      if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
      fields.push_back(f);
      start = i + 1;
    }
  }
}

bool is_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// Messages are shown on UTF-8 terminals; the institute's headers are Latin-1 (µ, ²).
std::string to_utf8(std::string_view s) {
  if (is_utf8(s)) return std::string(s);
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

size_t find_column(const std::vector<std::string_view>& header, std::string_view name, const std::string& source) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  std::string names;
  for (std::string_view h : header) names += (names.empty() ? "\"" : ", \"") + to_utf8(h) + "\"";
  throw Error(source + ": missing column \"" + std::string(name) + "\" in the header (found " + names + ")");
}

int digits(std::string_view s, size_t pos, size_t count) {
  int v = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> parse_jena_timestamp(std::string_view t) {
  // dd.mm.yyyy HH:MM:SS
  // 0123456789012345678
  if (t.size() != 19 || t[2] != '.' || t[5] != '.' || t[10] != ' ' || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  const int d = digits(t, 0, 2), mo = digits(t, 3, 2), y = digits(t, 6, 4);
  const int h = digits(t, 11, 2), mi = digits(t, 14, 2), s = digits(t, 17, 2);
  if (d < 0 || mo < 0 || y < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  const int64_t days = sys_days(ymd).time_since_epoch().count();
  return days * 86400 + h * 3600 + mi * 60 + s;
}

std::string format_jena_timestamp(int64_t seconds) {
  using namespace std::chrono;
  const int64_t day_count = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  const int64_t rest = seconds - day_count * 86400;
  const year_month_day ymd{sys_days{days{day_count}}};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02u.%02u.%04d %02d:%02d:%02d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()), static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return buf;
}

WeatherColumns parse_weather_columns(std::string_view text) {
  const size_t comma = text.find(',');
  const std::string_view first = trim(text.substr(0, comma));
  const std::string_view second = comma == std::string_view::npos ? std::string_view{} : trim(text.substr(comma + 1));
  if (first.empty() || second.empty() || second.find(',') != std::string_view::npos || first == second)
    throw Error("--columns needs two different column names separated by one comma, e.g. \"T (degC),rh (%)\", got \"" +
                std::string(text) + "\"");
  return {std::string(first), std::string(second)};
}

WeatherSeries parse_weather_csv(std::string_view text, const std::string& source, const WeatherColumns& columns) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
  // Trailing blank lines are harmless; a blank line between rows is reported below.
  const size_t last = text.find_last_not_of(" \t\r\n");
  const bool ends_with_newline = last != std::string_view::npos && text.find('\n', last) != std::string_view::npos;
  text = last == std::string_view::npos ? std::string_view{} : text.substr(0, last + 1);
  if (text.empty()) throw Error(source + ": empty file, expected a header line and data rows");

  size_t pos = text.find('\n');
  std::vector<std::string_view> fields;
  split_fields(text.substr(0, pos), fields);
  const size_t field_count = fields.size();
  const std::array<std::string_view, 3> names = {kDateColumn, columns.temperature, columns.humidity};
  std::array<size_t, 3> col{};
  for (size_t k = 0; k < names.size(); ++k) col[k] = find_column(fields, names[k], source);
  if (pos == std::string_view::npos) throw Error(source + ": no data rows after the header");

  WeatherSeries series;
  // Rows are about as long as the first data row; the header is longer and would underestimate.
  const size_t second = std::min(text.find('\n', pos + 1), text.size());
  const size_t row_estimate = text.size() / (second - pos) + 1;
  series.timestamps.reserve(row_estimate);
  series.temperature.reserve(row_estimate);
  series.humidity.reserve(row_estimate);

  size_t line_no = 1;
  while (pos != std::string_view::npos) {
    const size_t start = pos + 1;
    pos = text.find('\n', start);
    const std::string_view line = text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    ++line_no;
    const auto where = [&] { return source + ":" + std::to_string(line_no) + ": "; };
    if (trim(line).empty()) throw Error(where() + "empty line between data rows");
    split_fields(line, fields);
    if (fields.size() != field_count) {
      const bool cut_off = pos == std::string_view::npos && !ends_with_newline && fields.size() < field_count;
      throw Error(where() + "expected " + std::to_string(field_count) + " fields as in the header, found " +
                  std::to_string(fields.size()) + (cut_off ? " (the file ends inside this line: truncated?)" : ""));
    }
    const std::optional<int64_t> time = parse_jena_timestamp(fields[col[0]]);
    if (!time)
      throw Error(where() + "bad date '" + std::string(fields[col[0]]) + "' in column \"" + std::string(kDateColumn) +
                  "\" (expected an existing date as dd.mm.yyyy HH:MM:SS)");
    float values[2];
    for (size_t k = 0; k < 2; ++k) {
      const std::string_view f = fields[col[k + 1]];
      const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), values[k]);
      if (f.empty() || ec != std::errc{} || end != f.data() + f.size() || !std::isfinite(values[k]))
        throw Error(where() + "bad number '" + std::string(f) + "' in column \"" + std::string(names[k + 1]) + "\"");
    }
    series.timestamps.push_back(*time);
    series.temperature.push_back(values[0]);
    series.humidity.push_back(values[1]);
  }
  return series;
}

WeatherSeries read_weather_csv(const fs::path& path, const WeatherColumns& columns) {
  const std::string text = read_text(path);
  return parse_weather_csv(text, path.string(), columns);
}

}  // namespace tinyfit::data
