// NumPy/TFLite broadcasting of two operands: shapes are right-aligned, and each pair of dims must be
// equal or contain a 1 (TFLite's 4-D/6-D "slow broadcast" rule, for any rank). Framework-free.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "tflite/ref/nd_index.hpp"

namespace tinyfit::tflite::ref {

struct BroadcastPlan {
  std::vector<int32_t> out_shape;
  std::vector<int64_t> step_a, step_b;  // element steps per output dim; 0 where that operand repeats
  bool same_shape = true;               // no broadcasting: a flat element-wise loop suffices
  int64_t size = 1;                     // output elements
};

// Returns false when the shapes cannot be broadcast together (or exceed kMaxWalkRank dims).
inline bool plan_broadcast(const std::vector<int32_t>& a, const std::vector<int32_t>& b, BroadcastPlan* plan) {
  const size_t rank = std::max(a.size(), b.size());
  if (rank > static_cast<size_t>(kMaxWalkRank)) return false;
  // Operand dims right-aligned into the output rank, missing leading dims as 1.
  auto aligned = [rank](const std::vector<int32_t>& s) {
    std::vector<int32_t> r(rank, 1);
    std::copy(s.begin(), s.end(), r.begin() + static_cast<std::ptrdiff_t>(rank - s.size()));
    return r;
  };
  const std::vector<int32_t> da = aligned(a), db = aligned(b);
  const std::vector<int64_t> sa = row_major_strides(da), sb = row_major_strides(db);
  BroadcastPlan p;
  p.out_shape.resize(rank);
  p.step_a.resize(rank);
  p.step_b.resize(rank);
  p.same_shape = a == b;
  for (size_t d = 0; d < rank; ++d) {
    if (da[d] != db[d] && da[d] != 1 && db[d] != 1) return false;
    // A size-0 dim against a 1 broadcasts to 0, as NumPy does.
    p.out_shape[d] = da[d] == 1 ? db[d] : da[d];
    p.step_a[d] = da[d] == 1 ? 0 : sa[d];
    p.step_b[d] = db[d] == 1 ? 0 : sb[d];
    p.size *= p.out_shape[d];
  }
  *plan = std::move(p);
  return true;
}

// Calls f(out_index, a_index, b_index) for every output element in row-major order.
template <class F>
void broadcast_for_each(const BroadcastPlan& p, F&& f) {
  if (p.same_shape) {
    for (int64_t i = 0; i < p.size; ++i) f(i, i, i);
    return;
  }
  int64_t out = 0;
  for_each_index<2>(p.out_shape, {p.step_a.data(), p.step_b.data()}, {0, 0},
                    [&](const std::array<int64_t, 2>& ab) { f(out++, ab[0], ab[1]); });
}

}  // namespace tinyfit::tflite::ref
