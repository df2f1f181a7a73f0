// The int8 ops of the residual KWS nets (kws_b's shapes: a 3x5 stride-2x4 stem to 24x9 pixels, then
// blocks of 1x1 24->72, 3x3 depthwise on 72, 1x1 72->24, ADD; MEAN at the end), each run through its
// op registration as the interpreter runs it, with the interpreter's default numerics (XNNPACK's):
// BM_KwsOp/<op>/{ref,fast}. Where `tinyfit latency --per-op` shows a whole model, this times one op
// back to back, e.g. to compare kernel changes:
//   build/bench/kws_ops_bench --benchmark_filter=fast --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "tflite/op_runner.hpp"  // tests/ (the ops' test harness: tensors, quantization, one op context)
#include "tflite/ops/ops.hpp"

namespace {

using namespace tinyfit::tflite;
using test::OpRunner;
using test::quant;
using test::quant_per_channel;

constexpr int kH = 24, kW = 9;

OpOptions conv_options(Activation act, Padding padding = Padding::Same, int stride_h = 1, int stride_w = 1) {
  OpOptions o;
  o.padding = padding;
  o.activation = act;
  o.stride_h = stride_h;
  o.stride_w = stride_w;
  o.depth_multiplier = 1;
  return o;
}

std::unique_ptr<OpRunner> runner(OpRegistration reg, OpOptions options, bool fast) {
  auto r = std::make_unique<OpRunner>(reg, std::move(options), /*reference_only=*/!fast);
  r->set_int8_numerics(Int8Numerics::Xnnpack);
  return r;
}

// CONV_2D [1, h, w, in_c] * [out_c, kh, kw, in_c] with per-channel scales around kws_b's.
std::unique_ptr<OpRunner> conv(bool fast, int h, int w, int in_c, int out_c, int kh, int kw, OpOptions options) {
  auto r = runner(ops::register_conv_2d(), std::move(options), fast);
  const size_t taps = static_cast<size_t>(kh) * kw * in_c;
  r->add_input(DType::Int8, {1, h, w, in_c}, test::random_ints<int8_t>(static_cast<size_t>(h) * w * in_c, -128, 127, 1),
               quant(0.06f, -128));
  r->add_constant(DType::Int8, {out_c, kh, kw, in_c}, test::random_ints<int8_t>(taps * out_c, -127, 127, 2),
                  quant_per_channel(test::random_floats(static_cast<size_t>(out_c), 0.002f, 0.02f, 3), 0));
  r->add_constant(DType::Int32, {out_c}, test::random_ints<int32_t>(static_cast<size_t>(out_c), -3000, 3000, 4));
  r->add_output(DType::Int8, quant(0.05f, -128));
  r->prepare();
  return r;
}

std::unique_ptr<OpRunner> make(const char* op, bool fast) {
  const std::string name = op;
  if (name == "stem_3x5_s2x4") {
    return conv(fast, 49, 40, 1, 24, 3, 5, conv_options(Activation::Relu, Padding::Valid, 2, 4));
  }
  if (name == "conv_1x1_24to72") return conv(fast, kH, kW, 24, 72, 1, 1, conv_options(Activation::Relu));
  if (name == "conv_1x1_72to24") return conv(fast, kH, kW, 72, 24, 1, 1, conv_options(Activation::None));
  if (name == "depthwise_3x3_72") {
    auto r = runner(ops::register_depthwise_conv_2d(), conv_options(Activation::Relu), fast);
    r->add_input(DType::Int8, {1, kH, kW, 72}, test::random_ints<int8_t>(kH * kW * 72, -128, 127, 1), quant(0.06f, -128));
    r->add_constant(DType::Int8, {1, 3, 3, 72}, test::random_ints<int8_t>(9 * 72, -127, 127, 2),
                    quant_per_channel(test::random_floats(72, 0.005f, 0.05f, 3), 3));
    r->add_constant(DType::Int32, {72}, test::random_ints<int32_t>(72, -3000, 3000, 4));
    r->add_output(DType::Int8, quant(0.06f, -128));
    r->prepare();
    return r;
  }
  if (name == "add") {
    auto r = runner(ops::register_add(), {}, fast);
    r->add_input(DType::Int8, {1, kH, kW, 24}, test::random_ints<int8_t>(kH * kW * 24, -128, 127, 1), quant(0.0465f, 16));
    r->add_input(DType::Int8, {1, kH, kW, 24}, test::random_ints<int8_t>(kH * kW * 24, -128, 127, 2), quant(0.0529f, -26));
    r->add_output(DType::Int8, quant(0.0559f, 16));
    r->prepare();
    return r;
  }
  // "mean": the global average pool over H and W.
  auto r = runner(ops::register_mean(), {}, fast);
  r->add_input(DType::Int8, {1, kH, kW, 24}, test::random_ints<int8_t>(kH * kW * 24, -128, 127, 1), quant(0.149f, -18));
  r->add_constant(DType::Int32, {2}, std::vector<int32_t>{1, 2});
  r->add_output(DType::Int8, quant(0.05f, -128));
  r->prepare();
  return r;
}

void kws_op(benchmark::State& state, const char* op, bool fast) {
  const auto r = make(op, fast);
  for (auto _ : state) r->invoke();
}

[[maybe_unused]] const bool registered = [] {
  for (const char* op : {"stem_3x5_s2x4", "conv_1x1_24to72", "depthwise_3x3_72", "conv_1x1_72to24", "add", "mean"})
    for (bool fast : {false, true})
      benchmark::RegisterBenchmark((std::string("BM_KwsOp/") + op + (fast ? "/fast" : "/ref")).c_str(), kws_op, op, fast);
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
