// STRIDED_SLICE with TFLite's (and NumPy's) mask semantics: begin/end/ellipsis/new_axis/shrink_axis.
// The masks are first resolved into an "effective" slice over the input with new axes inserted as
// size-1 dims (as TFLite's kernel does), then each dim gets a start, a count and a step.
// Framework-free.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "tflite/ref/nd_index.hpp"

namespace tinyfit::tflite::ref {

struct StridedSliceSpec {
  std::vector<int32_t> begin, end, strides;  // one entry per slice spec (same length)
  int begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
};

struct StridedSlicePlan {
  std::vector<int32_t> out_shape;  // shrunk axes removed
  // Per effective dim: first input offset contribution, element count and input step.
  std::vector<int32_t> counts;
  std::vector<int64_t> steps;
  int64_t start_offset = 0;
};

namespace detail {

inline int32_t clamp_index(int32_t v, int32_t lo, int32_t hi) { return std::min(std::max(v, lo), hi); }

// First index visited along a dim (TFLite's StridedSliceStartForAxis): negative indices count from the
// end, then clamp to [0, size] (forward) or [-1, size - 1] (backward); the begin mask takes the
// extreme of the iteration direction.
inline int32_t slice_start(int32_t begin, int32_t stride, int32_t size, bool masked) {
  if (masked) return stride > 0 ? 0 : size - 1;
  if (begin < 0) begin += size;
  return stride > 0 ? clamp_index(begin, 0, size) : clamp_index(begin, -1, size - 1);
}

// One past the last index visited (TFLite's StridedSliceEndForAxis). A shrunk axis takes exactly the
// element at `start`.
inline int32_t slice_end(int32_t end, int32_t stride, int32_t size, int32_t start, bool masked, bool shrink) {
  if (shrink) return start >= size ? start : start + 1;
  if (masked) return stride > 0 ? size : -1;
  if (end < 0) end += size;
  return stride > 0 ? clamp_index(end, 0, size) : clamp_index(end, -1, size - 1);
}

}  // namespace detail

// Returns an error message, empty on success.
inline std::string plan_strided_slice(const std::vector<int32_t>& in_shape, const StridedSliceSpec& s,
                                      StridedSlicePlan* plan) {
  const int spec_count = static_cast<int>(s.begin.size());
  if (static_cast<int>(s.end.size()) != spec_count || static_cast<int>(s.strides.size()) != spec_count)
    return "begin, end and strides must have the same length";
  if (spec_count > 30) return "too many slice specs";
  const int in_rank = static_cast<int>(in_shape.size());
  auto bit = [](int mask, int i) { return i >= 0 && i < 31 && ((mask >> i) & 1) != 0; };
  if (std::popcount(static_cast<unsigned>(s.ellipsis_mask)) > 1) return "only one ellipsis is allowed";

  // New axes (outside an ellipsis) each add one size-1 dim to the effective input.
  int num_new_axes = 0;
  for (int i = 0; i < spec_count; ++i)
    if (!bit(s.ellipsis_mask, i) && bit(s.new_axis_mask, i)) ++num_new_axes;
  const int eff_rank = in_rank + num_new_axes;
  if (eff_rank > kMaxWalkRank) return "too many dimensions";

  // Expand the ellipsis over the dims the specs leave unnamed; a new_axis bit on the ellipsis spec
  // itself is ignored.
  int eff_ellipsis = 0, eff_new_axis = 0, ellipsis_start = eff_rank, expanded = 0;
  for (int i = 0; i < eff_rank;) {
    if (bit(s.ellipsis_mask, i)) {
      ellipsis_start = i;
      const int ellipsis_end = std::max(i + 1, std::min(i + 1 + num_new_axes + in_rank - spec_count, eff_rank));
      expanded = ellipsis_end - ellipsis_start - 1;
      for (; i < ellipsis_end; ++i) eff_ellipsis |= 1 << i;
      continue;
    }
    if (bit(s.new_axis_mask, i - expanded)) eff_new_axis |= 1 << i;
    ++i;
  }

  // Effective dims: input size, begin/end/stride and masks per dim.
  std::vector<int32_t> size(static_cast<size_t>(eff_rank)), in_dim(static_cast<size_t>(eff_rank), -1);
  std::vector<int32_t> begin(static_cast<size_t>(eff_rank), 0), end(static_cast<size_t>(eff_rank), 0),
      stride(static_cast<size_t>(eff_rank), 1);
  int begin_mask = 0, end_mask = 0, shrink_mask = 0, added_ellipsis = 0, added_axes = 0;
  for (int i = 0; i < eff_rank; ++i) {
    const size_t ui = static_cast<size_t>(i);
    if (bit(eff_ellipsis, i)) {
      added_ellipsis = std::max(0, i - ellipsis_start);
      begin_mask |= 1 << i;
      end_mask |= 1 << i;
      in_dim[ui] = i - added_axes;
    } else if (bit(eff_new_axis, i)) {
      end[ui] = 1;
      ++added_axes;
    } else if (i >= spec_count + expanded) {
      // Dims after the last spec are taken whole.
      begin_mask |= 1 << i;
      end_mask |= 1 << i;
      in_dim[ui] = i - added_axes;
    } else {
      const int k = i - added_ellipsis;
      begin[ui] = s.begin[static_cast<size_t>(k)];
      end[ui] = s.end[static_cast<size_t>(k)];
      stride[ui] = s.strides[static_cast<size_t>(k)];
      if (bit(s.begin_mask, k)) begin_mask |= 1 << i;
      if (bit(s.end_mask, k)) end_mask |= 1 << i;
      if (bit(s.shrink_axis_mask, k)) shrink_mask |= 1 << i;
      in_dim[ui] = i - added_axes;
    }
    if (in_dim[ui] >= in_rank) return "more slice specs than input dimensions";
    size[ui] = in_dim[ui] < 0 ? 1 : in_shape[static_cast<size_t>(in_dim[ui])];
  }

  const std::vector<int64_t> in_strides = row_major_strides(size);
  StridedSlicePlan p;
  for (int i = 0; i < eff_rank; ++i) {
    const size_t ui = static_cast<size_t>(i);
    if (stride[ui] == 0) return "stride must be non-zero";
    const bool shrink = bit(shrink_mask, i);
    const int32_t start = detail::slice_start(begin[ui], stride[ui], size[ui], bit(begin_mask, i));
    const int32_t stop = detail::slice_end(end[ui], stride[ui], size[ui], start, bit(end_mask, i), shrink);
    if (shrink && (start < 0 || start >= size[ui]))
      return "shrink index " + std::to_string(begin[ui]) + " is out of range for a dim of size " +
             std::to_string(size[ui]);
    // ceil((stop - start) / stride) for either sign, at least 0.
    const int64_t span = static_cast<int64_t>(stop) - start;
    int64_t count = stride[ui] > 0 ? (span + stride[ui] - 1) / stride[ui] : (span + stride[ui] + 1) / stride[ui];
    count = std::max<int64_t>(count, 0);
    p.counts.push_back(static_cast<int32_t>(count));
    p.steps.push_back(in_strides[ui] * stride[ui]);
    p.start_offset += in_strides[ui] * std::max(start, 0);
    if (!shrink) p.out_shape.push_back(static_cast<int32_t>(count));
  }
  *plan = std::move(p);
  return {};
}

// Copies the selected elements in output order.
template <class T>
void strided_slice(const StridedSlicePlan& p, const T* in, T* out) {
  int64_t o = 0;
  for_each_index<1>(p.counts, {p.steps.data()}, {p.start_offset},
                    [&](const std::array<int64_t, 1>& off) { out[o++] = in[off[0]]; });
}

}  // namespace tinyfit::tflite::ref
