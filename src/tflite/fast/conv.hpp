// Optimised CONV_2D and DEPTHWISE_CONV_2D: same parameters and results as ref/conv.hpp and
// ref/depthwise_conv.hpp (bit-exact on int8 and hybrid; float sums in the reference order, so equal
// up to the compiler's contraction of multiply-adds), plus weights prepared once in prepare and a
// scratch area made there, so nothing allocates per invoke.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tflite/fast/dot.hpp"
#include "tflite/fast/scratch.hpp"
#include "tflite/ref/kernel_types.hpp"

// AVX-512 VBMI as well (vpermb): the depthwise "quads" kernel.
#if defined(TINYFIT_FAST_AVX512) && defined(__AVX512VBMI__)
#define TINYFIT_DEPTHWISE_QUADS 1
#endif

namespace tinyfit::tflite::fast {

using ref::ConvParams;
using ref::Shape4;

// Constant-filter preparation for conv.
struct ConvWeights {
  std::vector<float> transposed;  // float: [kh * kw * in_c][out_c], so the inner loop runs over out_c
  PackedInt8Matrix int8;          // int8 / hybrid: [out_c][kh * kw * in_c], packed for the dot products
};
void prepare_conv_weights(const Shape4& filter, const float* weights, ConvWeights* out);
void prepare_conv_weights(const Shape4& filter, const int8_t* weights, ConvWeights* out);

// Work arrays of one convolution (over scratch memory it binds, fast/scratch.hpp): the input patches of a
// run of output pixels (kh * kw * in_c bytes each, biased to unsigned and padded to the packed weights'
// stride), their int32 accumulators (padded_rows per pixel, kConvPixelBlock pixels) and the per-channel
// constant added to every accumulator (bias and zero-point correction).
constexpr int kConvPixelBlock = 8;
// Patches are gathered up to this many bytes (gather_pixels pixels) before the products read them: a
// patch read right after its small stores would wait for them (a load spanning several stores
// cannot be forwarded from the store buffer; kws_b's one-channel stem took 7.6 instead of 5.9 us).
constexpr int64_t kConvGatherBytes = 32 * 1024;
// A 1x1 convolution with stride 1 and no padding, whose channels need no padding to the packed
// stride: each input pixel is its own patch, so the whole input is biased into `biased` in one vector
// pass instead of a copy per pixel.
inline bool conv_reads_in_place(const ConvParams& p, const Shape4& filter, const Shape4& in, const Shape4& out,
                                const PackedInt8Matrix& weights) {
  return filter.h == 1 && filter.w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_h == 0 && p.pad_w == 0 &&
         in.h == out.h && in.w == out.w && in.c == weights.stride;
}

struct ConvScratch {
  ScratchArray<uint8_t> patch, biased;
  ScratchArray<int32_t> acc, init;
  // Without dilation along x (and not in place): one batch item's input biased to unsigned with the zero
  // point around it as far as the taps reach, [padded_h][padded_w][in_c], row 0 = input row -pad_h;
  // each patch row is then one plain copy (fast/conv.cpp).
  ScratchArray<uint8_t> padded;
  int padded_h = 0, padded_w = 0;
  int gather_pixels = kConvPixelBlock;
  void reserve(const ConvWeights& weights, const ConvParams& p, const Shape4& filter, const Shape4& in,
               const Shape4& out) {
    const int64_t pixels = static_cast<int64_t>(out.n) * out.h * out.w;
    const int64_t stride = std::max(weights.int8.stride, 1);
    gather_pixels = static_cast<int>(std::max<int64_t>(kConvPixelBlock, std::min(pixels, kConvGatherBytes / stride)));
    const bool in_place = conv_reads_in_place(p, filter, in, out, weights.int8);
    size_t padded_bytes = 0;
    padded_h = padded_w = 0;
    if (!in_place && p.dilation_w == 1 && p.pad_h >= 0 && p.pad_w >= 0) {
      padded_h = (out.h - 1) * p.stride_h + (filter.h - 1) * p.dilation_h + 1;
      padded_w = (out.w - 1) * p.stride_w + filter.w;
      padded_bytes = static_cast<size_t>(padded_h) * padded_w * in.c + kCopySlack;
    }
    ScratchLayout layout;
    // The patch rows are copied 16 bytes at a time: slack for the last one.
    layout.place(patch, static_cast<size_t>(gather_pixels) * weights.int8.stride + kCopySlack);
    layout.place(biased, in_place ? static_cast<size_t>(in.size()) : 0);
    layout.place(acc, static_cast<size_t>(kConvPixelBlock) * weights.int8.padded_rows);
    layout.place(init, static_cast<size_t>(weights.int8.padded_rows));
    layout.place(padded, padded_bytes);
    bytes_ = layout.bytes();
  }
  size_t bytes() const { return bytes_; }
  void bind(uint8_t* base) { bind_arrays(base, patch, biased, acc, init, padded); }
  static constexpr size_t kCopySlack = 64;

 private:
  size_t bytes_ = 0;
};

void conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                const ConvWeights& weights, const float* bias, const Shape4& out, float* output);
// The int8 filter is read from `weights` (packed by prepare_conv_weights).
void conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
               const ConvWeights& weights, const int32_t* bias, const Shape4& out, int8_t* output,
               ConvScratch& scratch);
void conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                 const int32_t* batch_zero_point, const Shape4& filter, const ConvWeights& weights,
                 const float* channel_scale, const float* bias, const Shape4& out, float* output,
                 ConvScratch& scratch);

// Depthwise: vectorised over channels (input, filter and output are channel-contiguous in NHWC).
// int8 with depth multiplier 1 on AVX-512 builds runs on prepared weights: the filter widened to int32
// lanes that hold the weight as int16 in the low half and 0 in the high half, [kh * kw][channels
// padded to 16], so that vpdpwssd on a sign-extended input lane adds exactly x * w; and each channel's
// sum over the taps, which folds the input offset into the per-channel start value. Elsewhere
// `prepared` stays empty and the kernel reads the filter as given.
//
// With AVX-512 VBMI too and a filter at most 4 wide without dilation along x, the filter is instead
// stored as `quads`, [kh][channels padded to 16][4] bytes: the (up to 4) taps of a filter row side by
// side in each int32 lane, so one vpdpbusd adds a whole filter row for 16 channels (against biased
// inputs transposed the same way by one vpermb; see fast/depthwise_conv.cpp).
struct DepthwiseWeights {
  int padded_c = 0;
  std::vector<int32_t> taps;
  std::vector<int8_t> quads;
  std::vector<int32_t> tap_sums;
  bool empty() const { return taps.empty() && quads.empty(); }
};
void prepare_depthwise_weights(const ConvParams& p, const Shape4& filter, const int8_t* weights,
                               DepthwiseWeights* out);

// Work arrays of one int8 / hybrid depthwise convolution (over bound scratch, fast/scratch.hpp):
// accumulators (one per output channel, padded, for each of kDepthwiseMaxPixels pixels), start values, and
// for prepared weights the input of one 16-channel block widened to int32 lanes, [in_h + 1][cols][16]:
// `cols` covers the padding on both sides and the last row holds only the input zero point, which every tap
// outside the input reads (x = zero point adds exactly nothing once the offset is folded into the start
// value, so the inner loop needs no bounds checks).
constexpr int kDepthwiseMaxPixels = 12;
struct DepthwiseScratch {
  ScratchArray<int32_t> acc, init;
  ScratchArray<int32_t> widened;    // quads: the same shape, each lane 4 biased input bytes
  ScratchArray<const void*> rows;  // the widened row of each filter row for the current output row
  int widened_cols = 0, left_pad = 0;
  void reserve(const DepthwiseWeights& weights, const ConvParams& p, const Shape4& in, const Shape4& filter,
               const Shape4& out) {
    const size_t padded = static_cast<size_t>(std::max(out.c, weights.padded_c));
    size_t widened_count = 0, row_count = 0;
    if (!weights.empty()) {
      // Widened column of output x's tap fx: x * stride_w + fx * dilation_w (the input column plus left_pad).
      left_pad = std::max(0, p.pad_w);
      const int last = (out.w - 1) * p.stride_w + (filter.w - 1) * p.dilation_w;  // widened column
      widened_cols = std::max(last + 1, left_pad + in.w);
      widened_count = static_cast<size_t>(in.h + 1) * widened_cols * 16;
      row_count = static_cast<size_t>(filter.h);
    }
    ScratchLayout layout;
    layout.place(acc, kDepthwiseMaxPixels * padded);
    layout.place(init, padded);
    layout.place(widened, widened_count);
    layout.place(rows, row_count);
    bytes_ = layout.bytes();
  }
  size_t bytes() const { return bytes_; }
  void bind(uint8_t* base) { bind_arrays(base, acc, init, widened, rows); }

 private:
  size_t bytes_ = 0;
};

void depthwise_conv_float(const ConvParams& p, const Shape4& in, const float* input, const Shape4& filter,
                          const float* filter_data, const float* bias, const Shape4& out, float* output);
void depthwise_conv_int8(const ConvParams& p, const Shape4& in, const int8_t* input, const Shape4& filter,
                         const int8_t* filter_data, const DepthwiseWeights& prepared, const int32_t* bias,
                         const Shape4& out, int8_t* output, DepthwiseScratch& scratch);
void depthwise_conv_hybrid(const ConvParams& p, const Shape4& in, const int8_t* input, const float* batch_scale,
                           const int32_t* batch_zero_point, const Shape4& filter, const int8_t* filter_data,
                           const float* channel_scale, const float* bias, const Shape4& out, float* output,
                           DepthwiseScratch& scratch);

}  // namespace tinyfit::tflite::fast
