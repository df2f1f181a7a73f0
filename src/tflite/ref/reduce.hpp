// MEAN over a set of axes, as TFLite's reference kernels: float sums in input order then divides;
// int8 sums in int32, requantizes, then divides by N (TFLite's integer Mean). Framework-free.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tflite/ref/nd_index.hpp"
#include "tflite/ref/quant.hpp"

namespace tinyfit::tflite::ref {

// Which input elements feed which output: output o sums input[kept[o] + reduced[r]] over all r.
// Both lists are in row-major order, so every output sums its inputs in increasing input order.
struct ReducePlan {
  std::vector<int32_t> out_shape;
  std::vector<int64_t> kept_offsets;     // one per output element
  std::vector<int64_t> reduced_offsets;  // one per reduced element (N = size)
};

// Resolves axes (negative allowed, duplicates ignored) like TFLite's ResolveAxis and sizes the output
// like its ResizeOutputTensor (reduced dims dropped, or kept as 1 with keep_dims). Returns an error
// message, empty on success.
inline std::string plan_reduce(const std::vector<int32_t>& in_shape, const int32_t* axes, int64_t num_axes,
                               bool keep_dims, ReducePlan* plan) {
  const int rank = static_cast<int>(in_shape.size());
  if (rank > kMaxWalkRank)
    return "rank " + std::to_string(rank) + " is above the supported " + std::to_string(kMaxWalkRank);
  std::vector<bool> reduced(in_shape.size(), false);
  for (int64_t i = 0; i < num_axes; ++i) {
    const int32_t a = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (a < 0 || a >= rank)
      return "axis " + std::to_string(axes[i]) + " is out of range for rank " + std::to_string(rank);
    reduced[static_cast<size_t>(a)] = true;
  }
  const std::vector<int64_t> strides = row_major_strides(in_shape);
  std::vector<int32_t> kept_dims, reduced_dims;
  std::vector<int64_t> kept_steps, reduced_steps;
  ReducePlan p;
  for (size_t d = 0; d < in_shape.size(); ++d) {
    if (reduced[d]) {
      reduced_dims.push_back(in_shape[d]);
      reduced_steps.push_back(strides[d]);
      if (keep_dims) p.out_shape.push_back(1);
    } else {
      kept_dims.push_back(in_shape[d]);
      kept_steps.push_back(strides[d]);
      p.out_shape.push_back(in_shape[d]);
    }
  }
  auto offsets = [](const std::vector<int32_t>& dims, const std::vector<int64_t>& steps) {
    std::vector<int64_t> out;
    for_each_index<1>(dims, {steps.data()}, {0}, [&](const std::array<int64_t, 1>& o) { out.push_back(o[0]); });
    return out;
  };
  p.kept_offsets = offsets(kept_dims, kept_steps);
  p.reduced_offsets = offsets(reduced_dims, reduced_steps);
  *plan = std::move(p);
  return {};
}

// Float mean as XNNPACK's global average pooling (the official runtime delegates MEAN over H and W
// to it; f32-gavgpool 7x / 7p7x kernels): the reduced values are taken 7 at a time and added in a
// fixed tree, missing values of the last group read 0; the sum is multiplied by the float 1 / N.
inline void mean_float(const ReducePlan& p, const float* in, float* out) {
  const size_t n = p.reduced_offsets.size();
  const float scale = 1.0f / static_cast<float>(n);
  const int64_t* r = p.reduced_offsets.data();
  for (size_t o = 0; o < p.kept_offsets.size(); ++o) {
    const float* base = in + p.kept_offsets[o];
    float v[7];
    const auto load = [&](size_t first, size_t rows) {
      for (size_t k = 0; k < 7; ++k) v[k] = k < rows ? base[r[first + k]] : 0.0f;
    };
    float sum;
    if (n <= 7) {
      load(0, n);
      sum = ((v[0] + v[1]) + v[6]) + ((v[2] + v[3]) + (v[4] + v[5]));
    } else {
      load(0, 7);
      sum = ((v[0] + v[1]) + v[6]) + ((v[2] + v[3]) + (v[4] + v[5]));
      size_t first = 7;
      for (; n - first > 7; first += 7) {
        load(first, 7);
        sum = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + sum));
      }
      load(first, n - first);
      sum = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + sum));
    }
    out[o] = sum * scale;
  }
}

// Integer mean as TFLite's reference_integer_ops::Mean: the centered sum is requantized with
// input_scale / output_scale (multiplier + shift), then divided by N rounding half away from zero.
// (TFLite's newer QuantizedMeanOrSum folds 1/N into the multiplier instead; that leaves too few
// fractional bits for small sums and is off by one in ~12% of post-ReLU spatial means, where this
// form agrees with exact rounding in all but ~0.6% of them.)
struct QuantizedMeanParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int32_t multiplier = 0;  // input_scale / output_scale
  int shift = 0;
};

inline QuantizedMeanParams make_quantized_mean_params(double input_scale, double output_scale, int32_t input_zp,
                                                      int32_t output_zp) {
  QuantizedMeanParams q;
  q.input_zero_point = input_zp;
  q.output_zero_point = output_zp;
  quantize_multiplier(input_scale / output_scale, &q.multiplier, &q.shift);
  return q;
}

template <class T>
void mean_quantized(const QuantizedMeanParams& q, const ReducePlan& p, const T* in, T* out) {
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  const int32_t n = static_cast<int32_t>(p.reduced_offsets.size());
  for (size_t o = 0; o < p.kept_offsets.size(); ++o) {
    const T* base = in + p.kept_offsets[o];
    int32_t sum = 0;
    for (int64_t r : p.reduced_offsets) sum += base[r] - q.input_zero_point;
    int32_t v = multiply_by_quantized_multiplier(sum, q.multiplier, q.shift);
    v = v > 0 ? (v + n / 2) / n : (v - n / 2) / n;
    v += q.output_zero_point;
    out[o] = static_cast<T>(std::min(std::max(v, kMin), kMax));
  }
}

// MEAN over H and W of an NHWC int8 tensor as XNNPACK's global average pooling computes it (TFLite's
// XNNPACK delegate maps such a MEAN onto it; src/operators/global-average-pooling-nwc.c and the
// qs8-gavgpool fp32 kernels): the sum of the raw values plus bias = -N * input_zero_point, in int32,
// times scale = input_scale / (output_scale * (float) N) in float32, clamped, rounded to nearest even,
// + output zero point.
struct XnnpackMeanParams {
  int32_t bias = 0;
  float scale = 1.0f;
  int32_t output_zero_point = 0;
};

inline XnnpackMeanParams make_xnnpack_mean_params(float input_scale, float output_scale, int32_t input_zp,
                                                  int32_t output_zp, int32_t n) {
  return {-n * input_zp, input_scale / (output_scale * static_cast<float>(n)), output_zp};
}

template <class T>
void mean_xnnpack(const XnnpackMeanParams& q, const ReducePlan& p, const T* in, T* out) {
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  for (size_t o = 0; o < p.kept_offsets.size(); ++o) {
    const T* base = in + p.kept_offsets[o];
    int32_t sum = q.bias;
    for (int64_t r : p.reduced_offsets) sum += base[r];
    out[o] = static_cast<T>(requantize_fp32(sum, q.scale, q.output_zero_point, kMin, kMax));
  }
}

}  // namespace tinyfit::tflite::ref
