#include "tflite/fast/dot.hpp"

#include <algorithm>

namespace tinyfit::tflite::fast {

namespace {
constexpr int kTransposeBelow = 32;
constexpr int kStrideMultiple = 32;
}  // namespace

void PackedInt8Matrix::pack(const int8_t* weights, int rows_, int cols_) {
  rows = rows_;
  cols = cols_;
  row_sums.resize(static_cast<size_t>(rows));
  row_sums_i8(weights, rows, cols, row_sums.data());
  transposed = cols < kTransposeBelow;
  if (transposed) {
    stride = cols;
    data.resize(static_cast<size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) data[static_cast<size_t>(c) * rows + r] = weights[static_cast<int64_t>(r) * cols + c];
  } else {
    stride = (cols + kStrideMultiple - 1) / kStrideMultiple * kStrideMultiple;
    data.assign(static_cast<size_t>(rows) * stride, 0);
    for (int r = 0; r < rows; ++r)
      std::copy_n(weights + static_cast<int64_t>(r) * cols, cols, data.begin() + static_cast<int64_t>(r) * stride);
  }
}

void PackedInt8Matrix::multiply(const uint8_t* x, int32_t* out) const {
  if (!transposed) {
    dot_u8_i8_rows(x, data.data(), rows, stride, out);
    return;
  }
  int32_t* __restrict acc = out;
  for (int r = 0; r < rows; ++r) acc[r] = 0;
  for (int c = 0; c < cols; ++c) {
    const int32_t xc = x[c];
    const int8_t* __restrict w = data.data() + static_cast<int64_t>(c) * rows;
    for (int r = 0; r < rows; ++r) acc[r] += xc * w[r];
  }
}

}  // namespace tinyfit::tflite::fast
