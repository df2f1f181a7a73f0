// TFLite's output-size and padding arithmetic (kernels/padding.h), shared by convolutions and pools.
#pragma once

#include "tflite/model.hpp"

namespace tinyfit::tflite::ref {

// Output extent along one axis; <= 0 when the (dilated) filter does not fit a VALID window.
inline int compute_out_size(Padding padding, int in, int filter, int stride, int dilation = 1) {
  const int effective_filter = (filter - 1) * dilation + 1;
  if (stride <= 0) return 0;
  return padding == Padding::Same ? (in + stride - 1) / stride : (in + stride - effective_filter) / stride;
}

// Padding before the first element (top / left). TFLite splits the total padding as
// floor(total/2) before and the rest after; the kernels only need the leading part.
inline int compute_padding(int stride, int dilation, int in, int filter, int out) {
  const int effective_filter = (filter - 1) * dilation + 1;
  const int padding = ((out - 1) * stride + effective_filter - in) / 2;
  return padding > 0 ? padding : 0;
}

}  // namespace tinyfit::tflite::ref
