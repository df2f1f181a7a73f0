#include "dsp/resize.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace tinyfit::dsp {

std::vector<BilinearResizer::Tap> BilinearResizer::axis_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  std::vector<Tap> taps(out_size);
  for (int o = 0; o < out_size; ++o) {
    // Outside the image the source position clamps to the edge pixel (TF's lower/upper clamping).
    const double pos = std::clamp((o + 0.5) * scale - 0.5, 0.0, static_cast<double>(in_size - 1));
    const int lower = static_cast<int>(pos);
    taps[o] = {lower, std::min(lower + 1, in_size - 1), static_cast<float>(pos - lower)};
  }
  return taps;
}

BilinearResizer::BilinearResizer(int in_rows, int in_cols, int out_rows, int out_cols)
    : in_rows_(in_rows), in_cols_(in_cols) {
  if (in_rows < 1 || in_cols < 1 || out_rows < 1 || out_cols < 1) {
    throw Error("cannot resize a " + std::to_string(in_rows) + "x" + std::to_string(in_cols) + " image to " +
                std::to_string(out_rows) + "x" + std::to_string(out_cols) + ": every size must be at least 1");
  }
  rows_ = axis_taps(in_rows, out_rows);
  cols_ = axis_taps(in_cols, out_cols);
}

std::vector<int> BilinearResizer::used_rows() const {
  std::vector<int> used;
  for (const Tap& t : rows_) {
    used.push_back(t.lower);
    if (t.lerp != 0.0f) used.push_back(t.upper);
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  return used;
}

void BilinearResizer::resize(std::span<const float> in, std::span<float> out) const {
  const size_t in_size = static_cast<size_t>(in_rows_) * in_cols_;
  const size_t out_size = rows_.size() * cols_.size();
  if (in.size() != in_size || out.size() != out_size) {
    throw Error("resize expects " + std::to_string(in_size) + " input and " + std::to_string(out_size) +
                " output values, got " + std::to_string(in.size()) + " and " + std::to_string(out.size()));
  }
  // Same arithmetic order as TF: interpolate along columns on both source rows, then between them.
  float* o = out.data();
  for (const Tap& r : rows_) {
    const float* top = in.data() + static_cast<size_t>(r.lower) * in_cols_;
    const float* bottom = in.data() + static_cast<size_t>(r.lerp != 0.0f ? r.upper : r.lower) * in_cols_;
    for (const Tap& c : cols_) {
      const float t = top[c.lower] + (top[c.upper] - top[c.lower]) * c.lerp;
      const float b = bottom[c.lower] + (bottom[c.upper] - bottom[c.lower]) * c.lerp;
      *o++ = t + (b - t) * r.lerp;
    }
  }
}

std::vector<float> resize_bilinear(std::span<const float> image, int rows, int cols, int out_rows, int out_cols) {
  std::vector<float> out(static_cast<size_t>(out_rows) * out_cols);
  BilinearResizer(rows, cols, out_rows, out_cols).resize(image, out);
  return out;
}

}  // namespace tinyfit::dsp
