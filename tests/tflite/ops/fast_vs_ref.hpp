// Helpers of the fast-kernel-vs-reference op tests (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED):
// one comparison rule for all of them, so the ops are held to the same standard.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "tflite/op_runner.hpp"

namespace tinyfit::tflite::test {

// Output 0 as floats, whether the variant's output is int8 or float32 (so one comparison serves both).
inline std::vector<float> output_as_floats(OpRunner& r, bool int8_output) {
  if (!int8_output) return r.output_values<float>(0);
  std::vector<float> out;
  for (int8_t v : r.output_values<int8_t>(0)) out.push_back(v);
  return out;
}

// Float kernels may sum in another order (relative 1e-5); integer paths and hybrid scaling are
// bit-exact. Call through ASSERT_NO_FATAL_FAILURE so the first mismatch ends the test.
inline void expect_fast_matches_ref(const std::vector<float>& ref, const std::vector<float>& fast,
                                    bool float_variant) {
  ASSERT_EQ(ref.size(), fast.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    if (float_variant) {
      ASSERT_NEAR(fast[i], ref[i], 1e-5f * std::max(1.0f, std::abs(ref[i]))) << i;
    } else {
      ASSERT_EQ(fast[i], ref[i]) << i;
    }
  }
}

}  // namespace tinyfit::tflite::test
