// Shared helpers of the data tests: a per-test temporary directory, the real data root, error capture.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace tinyfit::data::testing {

// A fresh directory named after the running test; removed again when the test ends.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("tinyfit_data_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// The shared data set: $TINYFIT_DATA, else the build's default; nullopt when neither exists.
inline std::optional<std::filesystem::path> real_data_root() {
  const char* env = std::getenv("TINYFIT_DATA");
  const std::filesystem::path root = env != nullptr && *env != '\0' ? env : TINYFIT_DEFAULT_DATA;
  std::error_code ec;
  if (std::filesystem::is_directory(root, ec)) return root;
  return std::nullopt;
}

// The message of the tinyfit::Error that `fn` throws; a test failure if it throws none.
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a tinyfit::Error";
  return {};
}

inline void expect_contains(const std::string& text, std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts)
    EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' missing from: " << text;
}

}  // namespace tinyfit::data::testing

// Skips the current test (with the reason) unless the shared data set is present.
#define TINYFIT_REQUIRE_DATA(root_var)                                                          \
  const auto root_var##_opt = ::tinyfit::data::testing::real_data_root();                       \
  if (!root_var##_opt) GTEST_SKIP() << "shared data not found (set TINYFIT_DATA to its folder)"; \
  const std::filesystem::path root_var = *root_var##_opt
