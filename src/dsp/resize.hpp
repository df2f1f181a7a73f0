// Bilinear resize of a single-channel [rows][cols] image, as tf.image.resize(method="bilinear",
// antialias=False): half-pixel centres, source position (o + 0.5) * in / out - 0.5 clamped to the
// image. Downscaling samples without low-pass filtering, exactly like TF.
#pragma once

#include <span>
#include <vector>

namespace tinyfit::dsp {

class BilinearResizer {
 public:
  // Throws Error unless every size is at least 1.
  BilinearResizer(int in_rows, int in_cols, int out_rows, int out_cols);

  int in_rows() const { return in_rows_; }
  int in_cols() const { return in_cols_; }
  int out_rows() const { return static_cast<int>(rows_.size()); }
  int out_cols() const { return static_cast<int>(cols_.size()); }

  // The input rows the output depends on (sorted, unique): a caller can compute only these.
  std::vector<int> used_rows() const;

  // in is [in_rows][in_cols], out [out_rows][out_cols] (throws Error on other sizes). Rows not in
  // used_rows() are never read.
  void resize(std::span<const float> in, std::span<float> out) const;

 private:
  struct Tap {
    int lower;
    int upper;
    float lerp;  // weight of `upper`
  };
  static std::vector<Tap> axis_taps(int in_size, int out_size);
  int in_rows_;
  int in_cols_;
  std::vector<Tap> rows_;
  std::vector<Tap> cols_;
};

// One-shot convenience: BilinearResizer(rows, cols, out_rows, out_cols).resize(image).
std::vector<float> resize_bilinear(std::span<const float> image, int rows, int cols, int out_rows, int out_cols);

}  // namespace tinyfit::dsp
