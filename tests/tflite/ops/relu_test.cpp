#include <gtest/gtest.h>

#include "tflite/op_runner.hpp"
#include "tflite/ops/error_message.hpp"
#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite {
namespace {

using test::contains;
using test::error_message;
using test::OpRunner;
using test::quant;

template <class T>
std::vector<T> run_unary(OpRegistration reg, DType type, const std::vector<T>& x, Quantization qi = {},
                         Quantization qo = {}) {
  OpRunner r(reg);
  r.add_input<T>(type, {static_cast<int32_t>(x.size())}, x, qi);
  r.add_output(type, qo);
  r.run();
  return r.output_values<T>(0);
}

TEST(ReluOp, Float) {
  const std::vector<float> x{-1.0f, 0.0f, 0.5f, 7.0f};
  EXPECT_EQ(run_unary(ops::register_relu(), DType::Float32, x), (std::vector<float>{0, 0, 0.5f, 7}));
  EXPECT_EQ(run_unary(ops::register_relu6(), DType::Float32, x), (std::vector<float>{0, 0, 0.5f, 6}));
}

TEST(ReluOp, Int8SameQuantizationClampsAtZeroPoint) {
  // scale 0.5, zero point -10: q(0) = -10, q(6) = 2.
  const std::vector<int8_t> x{-128, -11, -10, 0, 127};
  EXPECT_EQ(run_unary(ops::register_relu(), DType::Int8, x, quant(0.5f, -10), quant(0.5f, -10)),
            (std::vector<int8_t>{-10, -10, -10, 0, 127}));
  EXPECT_EQ(run_unary(ops::register_relu6(), DType::Int8, x, quant(0.5f, -10), quant(0.5f, -10)),
            (std::vector<int8_t>{-10, -10, -10, 0, 2}));
}

TEST(ReluOp, Int8RequantizesToOutputScale) {
  // In: scale 0.5, zp 0 -> {-2, 0, 1.5, 31.5, 32}; out: scale 0.25, zp -128 -> x / 0.25 - 128.
  const std::vector<int8_t> x{-4, 0, 3, 63, 64};
  EXPECT_EQ(run_unary(ops::register_relu(), DType::Int8, x, quant(0.5f, 0), quant(0.25f, -128)),
            (std::vector<int8_t>{-128, -128, -122, -2, 0}));
  // RELU6 upper bound: -128 + round(6 / 0.25) = -104.
  EXPECT_EQ(run_unary(ops::register_relu6(), DType::Int8, x, quant(0.5f, 0), quant(0.25f, -128)),
            (std::vector<int8_t>{-128, -128, -122, -104, -104}));
}

TEST(ReluOp, UInt8) {
  const std::vector<uint8_t> x{0, 127, 128, 200, 255};
  EXPECT_EQ(run_unary(ops::register_relu6(), DType::UInt8, x, quant(0.1f, 128), quant(0.1f, 128)),
            (std::vector<uint8_t>{128, 128, 128, 188, 188}));
}

TEST(ReluOp, RejectsUnsupportedTypeNamingOpAndType) {
  for (OpRegistration reg : {ops::register_relu(), ops::register_relu6()}) {
    OpRunner r(reg);
    r.add_input<int32_t>(DType::Int32, {2}, {1, -1});
    r.add_output(DType::Int32);
    const std::string msg = error_message([&] { r.prepare(); });
    EXPECT_PRED2(contains, msg, reg.name);
    EXPECT_PRED2(contains, msg, "int32");
  }
}

}  // namespace
}  // namespace tinyfit::tflite
