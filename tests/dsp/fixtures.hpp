// Loads the golden fixtures written by tests/dsp/make_fixtures.py (tests/testdata/dsp/manifest.txt).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinyfit::dsp::testing {

struct Fixture {
  int rows = 0;
  int cols = 0;
  std::vector<float> values;  // int16 fixtures are scaled by 1/32768 as the product does
};

inline std::filesystem::path fixture_dir() { return std::filesystem::path(TINYFIT_TESTDATA) / "dsp"; }

// `name` is the file name without extension, e.g. "mfcc16k_full". Throws if it is missing.
inline Fixture load_fixture(const std::string& name) {
  std::ifstream manifest(fixture_dir() / "manifest.txt");
  if (!manifest) throw std::runtime_error("missing " + (fixture_dir() / "manifest.txt").string());
  std::string line;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string file, dtype;
    Fixture f;
    if (!(fields >> file >> dtype >> f.rows >> f.cols) || file.substr(0, file.rfind('.')) != name) continue;
    const size_t count = static_cast<size_t>(f.rows) * f.cols;
    std::ifstream in(fixture_dir() / file, std::ios::binary);
    if (dtype == "f32") {
      f.values.resize(count);
      in.read(reinterpret_cast<char*>(f.values.data()), static_cast<std::streamsize>(count * sizeof(float)));
    } else {
      std::vector<int16_t> pcm(count);
      in.read(reinterpret_cast<char*>(pcm.data()), static_cast<std::streamsize>(count * sizeof(int16_t)));
      for (int16_t s : pcm) f.values.push_back(static_cast<float>(s) / 32768.0f);
    }
    if (!in || in.peek() != std::char_traits<char>::eof()) throw std::runtime_error("bad fixture size: " + file);
    return f;
  }
  throw std::runtime_error("fixture " + name + " is not in the manifest; run tests/dsp/make_fixtures.py");
}

inline double max_abs_diff(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(static_cast<double>(a[i]) - b[i]);
    if (!(d <= worst)) worst = d;  // NaN propagates
  }
  return worst;
}

// "contrast" has loud frames with a mel band ~47 dB below the strongest (see make_fixtures.py).
inline const char* const kClips[] = {"full", "short", "loud", "quiet", "contrast"};

}  // namespace tinyfit::dsp::testing
