// FULLY_CONNECTED: float golden and output shapes (keep_num_dims, flattening), int8 with an exact
// multiplier, hybrid goldens (symmetric and asymmetric input quantization), hybrid vs float on the
// dequantized weights, fast vs reference.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "tflite/op_runner.hpp"
#include "tflite/ops/fast_vs_ref.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::OpRunner;

OpOptions fc_options(Activation act = Activation::None, bool keep_dims = false, bool asymmetric = false) {
  OpOptions o;
  o.activation = act;
  o.keep_dims = keep_dims;
  o.asymmetric_quantize_inputs = asymmetric;
  return o;
}

// x = [[1, 2, 3], [-1, 0, 1]], W = [[1, 0, -1], [2, 1, 0.5]], b = [0.5, -1]:
// [[-1.5, 4.5], [-1.5, -2.5]], then RELU.
TEST(FullyConnected, FloatGolden) {
  for (Activation act : {Activation::None, Activation::Relu}) {
    OpRunner r(ops::register_fully_connected(), fc_options(act));
    r.add_input(DType::Float32, {2, 3}, std::vector<float>{1, 2, 3, -1, 0, 1});
    r.add_constant(DType::Float32, {2, 3}, std::vector<float>{1, 0, -1, 2, 1, 0.5f});
    r.add_constant(DType::Float32, {2}, std::vector<float>{0.5f, -1});
    r.add_output(DType::Float32);
    r.run();
    EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{2, 2}));
    const auto expected = act == Activation::None ? std::vector<float>{-1.5f, 4.5f, -1.5f, -2.5f}
                                                  : std::vector<float>{0, 4.5f, 0, 0};
    EXPECT_EQ(r.output_values<float>(0), expected);
  }
}

TEST(FullyConnected, OutputShapes) {
  struct Case {
    std::vector<int32_t> input;
    bool keep_dims;
    std::vector<int32_t> output;
  };
  for (const Case& c : {Case{{1, 2, 3}, true, {1, 2, 4}}, Case{{2, 2, 3}, false, {4, 4}},
                        Case{{1, 6}, false, {2, 4}}, Case{{3}, false, {1, 4}}}) {
    OpRunner r(ops::register_fully_connected(), fc_options(Activation::None, c.keep_dims));
    int64_t n = 1;
    for (int32_t d : c.input) n *= d;
    r.add_input(DType::Float32, c.input, std::vector<float>(static_cast<size_t>(n), 1.0f));
    r.add_constant(DType::Float32, {4, 3}, std::vector<float>(12, 0.5f));
    r.add_absent_input();
    r.add_output(DType::Float32);
    r.run();
    EXPECT_EQ(r.output_shape(0), c.output);
    for (float v : r.output_values<float>(0)) EXPECT_EQ(v, 1.5f);
  }
}

// Per-tensor int8: input 0.5 zp 2, weights 0.25, output 0.25 zp -1 -> multiplier 0.5 exactly (Q31
// 2^30, shift 0). The doubling high multiply rounds ties upwards: acc -13 -> -6.5 -> -6 (-1 = -7),
// acc 13 -> 6.5 -> 7 (-1 = 6).
TEST(FullyConnected, Int8Golden) {
  OpRunner r(ops::register_fully_connected(), fc_options());
  r.add_input(DType::Int8, {1, 3}, std::vector<int8_t>{4, 0, 6}, test::quant(0.5f, 2));
  r.add_constant(DType::Int8, {2, 3}, std::vector<int8_t>{1, 3, -2, 2, 2, 2}, test::quant(0.25f));
  r.add_constant(DType::Int32, {2}, std::vector<int32_t>{-1, 5});
  r.add_output(DType::Int8, test::quant(0.25f, -1));
  r.run();
  EXPECT_EQ(r.output_values<int8_t>(0), (std::vector<int8_t>{-7, 6}));
}

// Hybrid, x = [1, -0.5], W = [2, -4] * 0.5 (real [1, -2]), exact answer 2.
// Symmetric: q = [127, -64], dot 510 -> 510 * 0.5/127. Asymmetric: scale 1.5/255, zero point -43,
// q = [127, -128], dot 766 - rowsum(-2) * -43 = 680 -> 680 * 0.5 * 1.5/255 = 2.
TEST(FullyConnected, HybridGoldens) {
  for (bool asymmetric : {false, true}) {
    OpRunner r(ops::register_fully_connected(), fc_options(Activation::None, false, asymmetric));
    r.add_input(DType::Float32, {1, 2}, std::vector<float>{1.0f, -0.5f});
    r.add_constant(DType::Int8, {1, 2}, std::vector<int8_t>{2, -4}, test::quant(0.5f));
    r.add_absent_input();
    r.add_output(DType::Float32);
    r.run();
    if (asymmetric) {
      EXPECT_NEAR(r.output_values<float>(0)[0], 2.0f, 1e-6f);
    } else {
      EXPECT_FLOAT_EQ(r.output_values<float>(0)[0], 510.0f * (0.5f / 127.0f));
    }
  }
}

struct FcCase {
  std::vector<int32_t> input;
  int units;
  Activation act;
};

const FcCase kCases[] = {
    {{1, 179}, 8, Activation::None},
    {{3, 28}, 7, Activation::Relu},
    {{2, 3, 64}, 33, Activation::Relu6},
    {{1, 1000}, 5, Activation::None},
};

// variant: float, int8, int8_pc (per-unit scales), hybrid, hybrid_asym, hybrid_pc
std::vector<float> run_case(const FcCase& c, const std::string& variant, bool reference_only,
                            const std::vector<float>* float_weights = nullptr) {
  const int depth = c.input.back();
  int64_t n = 1;
  for (int32_t d : c.input) n *= d;
  const size_t w_n = static_cast<size_t>(depth) * c.units;
  OpRunner r(ops::register_fully_connected(), fc_options(c.act, false, variant == "hybrid_asym"), reference_only);
  const auto scales = test::random_floats(c.units, 0.002f, 0.02f, 4);
  if (variant == "float") {
    r.add_input(DType::Float32, c.input, test::random_floats(n, -1, 3, 1));
    r.add_constant(DType::Float32, {c.units, depth}, float_weights ? *float_weights : test::random_floats(w_n, -1, 1, 2));
    r.add_constant(DType::Float32, {c.units}, test::random_floats(c.units, -1, 1, 3));
    r.add_output(DType::Float32);
  } else if (variant == "int8" || variant == "int8_pc") {
    r.add_input(DType::Int8, c.input, test::random_ints<int8_t>(n, -128, 127, 1), test::quant(0.05f, -11));
    r.add_constant(DType::Int8, {c.units, depth}, test::random_ints<int8_t>(w_n, -127, 127, 2),
                   variant == "int8" ? test::quant(0.01f) : test::quant_per_channel(scales, 0));
    r.add_constant(DType::Int32, {c.units}, test::random_ints<int32_t>(c.units, -5000, 5000, 3));
    r.add_output(DType::Int8, test::quant(0.4f, 3));
  } else {
    r.add_input(DType::Float32, c.input, test::random_floats(n, -1, 3, 1));
    r.add_constant(DType::Int8, {c.units, depth}, test::random_ints<int8_t>(w_n, -127, 127, 2),
                   variant == "hybrid_pc" ? test::quant_per_channel(scales, 0) : test::quant(0.01f));
    r.add_constant(DType::Float32, {c.units}, test::random_floats(c.units, -1, 1, 3));
    r.add_output(DType::Float32);
  }
  r.run();
  return test::output_as_floats(r, variant.rfind("int8", 0) == 0);
}

TEST(FullyConnected, FastMatchesReference) {
  for (const FcCase& c : kCases) {
    for (const char* variant : {"float", "int8", "int8_pc", "hybrid", "hybrid_asym", "hybrid_pc"}) {
      SCOPED_TRACE(std::string(variant) + " depth=" + std::to_string(c.input.back()));
      const auto ref = run_case(c, variant, true);
      const auto fast = run_case(c, variant, false);
      ASSERT_NO_FATAL_FAILURE(test::expect_fast_matches_ref(ref, fast, std::string(variant) == "float"));
    }
  }
}

// Hybrid vs float with the dequantized weights: the input quantization error is at most half a
// step per element, so |err| <= step/2 * sum|w| per unit.
TEST(FullyConnected, HybridCloseToFloatOnDequantizedWeights) {
  for (const FcCase& c : kCases) {
    for (const char* variant : {"hybrid", "hybrid_asym", "hybrid_pc"}) {
      SCOPED_TRACE(std::string(variant) + " depth=" + std::to_string(c.input.back()));
      const int depth = c.input.back();
      const auto q = test::random_ints<int8_t>(static_cast<size_t>(depth) * c.units, -127, 127, 2);
      const auto scales = test::random_floats(c.units, 0.002f, 0.02f, 4);
      std::vector<float> w(q.size());
      float max_abs_sum = 0;
      for (int o = 0; o < c.units; ++o) {
        float s = 0;
        for (int d = 0; d < depth; ++d) {
          const size_t i = static_cast<size_t>(o) * depth + d;
          w[i] = q[i] * (std::string(variant) == "hybrid_pc" ? scales[o] : 0.01f);
          s += std::abs(w[i]);
        }
        max_abs_sum = std::max(max_abs_sum, s);
      }
      const auto expected = run_case(c, "float", true, &w);
      const auto hybrid = run_case(c, variant, true);
      const float step = std::string(variant) == "hybrid" ? 3.0f / 127 : 4.0f / 255;
      for (size_t i = 0; i < expected.size(); ++i)
        ASSERT_NEAR(hybrid[i], expected[i], step / 2 * max_abs_sum * 1.01f + 1e-4f) << i;
    }
  }
}

TEST(FullyConnected, PrepareRejectsBadInputs) {
  OpRunner r(ops::register_fully_connected());
  r.add_input(DType::Float32, {1, 5}, std::vector<float>(5));
  r.add_constant(DType::Float32, {2, 3}, std::vector<float>(6));  // 5 is not a multiple of 3
  r.add_output(DType::Float32);
  EXPECT_THROW(r.prepare(), Error);
}

}  // namespace
}  // namespace tinyfit::tflite
