// Row-major walks over an N-d index box that keep K linear offsets in step (one per operand), so
// broadcasting and strided slicing need no per-element div/mod. Framework-free.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinyfit::tflite::ref {

// Highest rank the walks support (their odometer lives on the stack, so evals never allocate);
// the planners that feed them reject anything larger.
constexpr int kMaxWalkRank = 16;

// Visits every index of the box `counts` (row-major, last dim fastest) and calls
// f(std::array<int64_t, K> offsets) where offsets[k] = start[k] + sum_d index[d] * steps[k][d].
// steps[k] must hold counts.size() entries. An empty box (some count 0) visits nothing; a rank-0
// box visits once. Ranks above kMaxWalkRank visit nothing (planners reject them first).
template <size_t K, class F>
void for_each_index(const std::vector<int32_t>& counts, const std::array<const int64_t*, K>& steps,
                    std::array<int64_t, K> start, F&& f) {
  const int rank = static_cast<int>(counts.size());
  for (int32_t c : counts)
    if (c <= 0) return;
  if (rank == 0) {
    f(start);
    return;
  }
  if (rank > kMaxWalkRank) return;
  std::array<int32_t, kMaxWalkRank> index{};
  const int last = rank - 1;
  const int32_t inner = counts[static_cast<size_t>(last)];
  for (;;) {
    std::array<int64_t, K> off = start;
    for (int32_t i = 0; i < inner; ++i) {
      f(off);
      for (size_t k = 0; k < K; ++k) off[k] += steps[k][last];
    }
    // Odometer over the outer dims: bump the innermost one that has room, rewind the ones that wrap.
    int d = last - 1;
    for (; d >= 0; --d) {
      const size_t ud = static_cast<size_t>(d);
      if (++index[ud] < counts[ud]) {
        for (size_t k = 0; k < K; ++k) start[k] += steps[k][d];
        break;
      }
      for (size_t k = 0; k < K; ++k) start[k] -= steps[k][d] * (counts[ud] - 1);
      index[ud] = 0;
    }
    if (d < 0) return;
  }
}

// Row-major element strides of a shape.
inline std::vector<int64_t> row_major_strides(const std::vector<int32_t>& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

}  // namespace tinyfit::tflite::ref
