#include "dsp/resize.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace tinyfit::dsp {
namespace {

TEST(Resize, SameSizeIsIdentity) {
  const std::vector<float> img = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(resize_bilinear(img, 2, 3, 2, 3), img);
}

TEST(Resize, UpscaleUsesHalfPixelCentresAndClampsEdges) {
  // Source positions (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped to [0, 1].
  const std::vector<float> row = {1.0f, 2.0f};
  const std::vector<float> want = {1.0f, 1.25f, 1.75f, 2.0f};
  EXPECT_EQ(resize_bilinear(row, 1, 2, 1, 4), want);
  // Columns as well: transpose of the same image.
  EXPECT_EQ(resize_bilinear(row, 2, 1, 4, 1), want);
}

TEST(Resize, DownscaleByTwoAveragesPairs) {
  // Positions (o + 0.5) * 2 - 0.5 = 0.5, 2.5: halfway between pixel pairs, no antialiasing.
  const std::vector<float> img = {0, 1, 2, 3,  //
                                  4, 5, 6, 7,  //
                                  8, 9, 10, 11,  //
                                  12, 13, 14, 15};
  const std::vector<float> want = {2.5f, 4.5f, 10.5f, 12.5f};
  EXPECT_EQ(resize_bilinear(img, 4, 4, 2, 2), want);
}

TEST(Resize, BilinearOfPlaneIsExact) {
  // Bilinear interpolation reproduces any function a + b r + c s away from the clamped border.
  const int rows = 124, cols = 129, out = 32;
  std::vector<float> img(rows * cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) img[r * cols + c] = 1.0f + 0.5f * r - 0.25f * c;
  }
  const std::vector<float> got = resize_bilinear(img, rows, cols, out, out);
  for (int i = 0; i < out; ++i) {
    for (int j = 0; j < out; ++j) {
      const double r = (i + 0.5) * rows / out - 0.5, c = (j + 0.5) * cols / out - 0.5;
      EXPECT_NEAR(got[i * out + j], 1.0 + 0.5 * r - 0.25 * c, 1e-4) << i << "," << j;
    }
  }
}

TEST(Resize, UsedRowsAreTheInterpolatedOnes) {
  const BilinearResizer r(124, 129, 32, 32);
  const std::vector<int> used = r.used_rows();
  EXPECT_EQ(used.size(), 64u);  // 2 per output row, no sharing at scale 3.875
  EXPECT_EQ(used.front(), 1);   // (0.5) * 3.875 - 0.5 = 1.4375
  EXPECT_EQ(used.back(), 122);  // 31.5 * 3.875 - 0.5 = 121.56
  // Rows outside used_rows() are never read: poison them and compare.
  std::vector<float> img(124 * 129), poisoned;
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<float>(i % 97);
  poisoned.assign(img.size(), std::nanf(""));
  for (int row : used) std::copy_n(img.begin() + row * 129, 129, poisoned.begin() + row * 129);
  std::vector<float> a(32 * 32), b(32 * 32);
  r.resize(img, a);
  r.resize(poisoned, b);
  EXPECT_EQ(a, b);
}

TEST(Resize, RejectsBadSizes) {
  EXPECT_THROW(BilinearResizer(0, 3, 2, 2), Error);
  EXPECT_THROW(BilinearResizer(3, 3, 2, 0), Error);
  const BilinearResizer r(3, 3, 2, 2);
  std::vector<float> in(8), out(4);
  EXPECT_THROW(r.resize(in, out), Error);
}

}  // namespace
}  // namespace tinyfit::dsp
