// MEAN over constant axes (int32 axis tensor), keep_dims or not. float32; int8 / uint8 requantized
// to the output's scale with TFLite's integer mean arithmetic (requantize the sum, divide by N).
#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/quant_params.hpp"
#include "tflite/ref/reduce.hpp"

namespace tinyfit::tflite::ops {
namespace {

struct MeanData {
  ref::ReducePlan plan;
  ref::QuantizedMeanParams quantized;
  bool xnnpack = false;  // int8, Int8Numerics::Xnnpack, over H and W of a 4-D input (global average pooling)
  ref::XnnpackMeanParams xnnpack_params;
  int batches = 0, pixels = 0, channels = 0;  // xnnpack: the input as [batches, pixels, channels]
  bool fast = false;                          // xnnpack: mean_xnnpack_by_rows
};

// mean_xnnpack with the sums of a block of W channels held in registers while the pixels stream by
// (sums kept in memory would chain every pixel's add through a store and a reload), then requantized
// to out; the integer sums are the same.
template <int W>
void mean_channel_block(const ref::XnnpackMeanParams& q, const int8_t* in, int pixels, int channels, int8_t* out) {
  int32_t acc[W];
  for (int j = 0; j < W; ++j) acc[j] = q.bias;
  for (int p = 0; p < pixels; ++p) {
    const int8_t* row = in + static_cast<int64_t>(p) * channels;
    for (int j = 0; j < W; ++j) acc[j] += row[j];
  }
  for (int j = 0; j < W; ++j)
    out[j] = static_cast<int8_t>(ref::requantize_fp32(acc[j], q.scale, q.output_zero_point, -128, 127));
}

void mean_xnnpack_by_rows(const MeanData& d, const int8_t* in, int8_t* out) {
  const int channels = d.channels;
  for (int b = 0; b < d.batches; ++b) {
    const int8_t* batch = in + static_cast<int64_t>(b) * d.pixels * channels;
    int8_t* dst = out + static_cast<int64_t>(b) * channels;
    int c = 0;
    for (; c + 16 <= channels; c += 16) mean_channel_block<16>(d.xnnpack_params, batch + c, d.pixels, channels, dst + c);
    for (; c + 4 <= channels; c += 4) mean_channel_block<4>(d.xnnpack_params, batch + c, d.pixels, channels, dst + c);
    for (; c < channels; ++c) mean_channel_block<1>(d.xnnpack_params, batch + c, d.pixels, channels, dst + c);
  }
}

void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 2 || ctx.num_outputs() != 1) ctx.fail("expects 2 inputs (data, axes) and 1 output");
  const Tensor& in = ctx.input(0);
  const Tensor& axes = ctx.input(1);
  Tensor& out = ctx.output(0);
  if (in.type != DType::Float32 && in.type != DType::Int8 && in.type != DType::UInt8)
    ctx.fail(std::string("unsupported type ") + dtype_name(in.type));
  if (out.type != in.type)
    ctx.fail(std::string("output type ") + dtype_name(out.type) + " differs from input type " + dtype_name(in.type));
  if (axes.type != DType::Int32) ctx.fail(std::string("axis tensor must be int32, got ") + dtype_name(axes.type));
  if (!axes.is_constant) ctx.fail("axis tensor must be constant");
  MeanData& d = ctx.make_data<MeanData>();
  const std::string error =
      ref::plan_reduce(in.shape, axes.as<int32_t>(), axes.num_elements(), ctx.options().keep_dims, &d.plan);
  if (!error.empty()) ctx.fail(error);
  ctx.set_output_shape(0, d.plan.out_shape);
  if (in.type == DType::Float32) return;

  ref::QuantParams qi, qo;
  if (!ref::per_tensor(in.quant, &qi) || !ref::per_tensor(out.quant, &qo))
    ctx.fail("quantized input and output need per-tensor quantization");
  d.quantized = ref::make_quantized_mean_params(qi.scale, qo.scale, qi.zero_point, qo.zero_point);
  // The XNNPACK delegate takes a MEAN over axes {1, 2} of an NHWC tensor as global average pooling.
  bool spatial = in.rank() == 4 && axes.num_elements() == 2;
  for (int64_t i = 0; spatial && i < axes.num_elements(); ++i) {
    const int32_t a = axes.as<int32_t>()[i] < 0 ? axes.as<int32_t>()[i] + 4 : axes.as<int32_t>()[i];
    spatial = a == static_cast<int32_t>(i) + 1;
  }
  if (in.type == DType::Int8 && spatial && ctx.int8_numerics() == Int8Numerics::Xnnpack) {
    d.xnnpack = true;
    d.xnnpack_params = ref::make_xnnpack_mean_params(qi.scale, qo.scale, qi.zero_point, qo.zero_point,
                                                     static_cast<int32_t>(d.plan.reduced_offsets.size()));
    d.batches = in.dim(0);
    d.pixels = in.dim(1) * in.dim(2);
    d.channels = in.dim(3);
    d.fast = !ctx.reference_only();
  }
}

void eval(const OpContext& ctx) {
  const MeanData& d = ctx.data<MeanData>();
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  switch (in.type) {
    case DType::Float32:
      ref::mean_float(d.plan, in.as<float>(), out.as<float>());
      break;
    case DType::Int8:
      if (d.xnnpack && d.fast)
        mean_xnnpack_by_rows(d, in.as<int8_t>(), out.as<int8_t>());
      else if (d.xnnpack)
        ref::mean_xnnpack(d.xnnpack_params, d.plan, in.as<int8_t>(), out.as<int8_t>());
      else
        ref::mean_quantized(d.quantized, d.plan, in.as<int8_t>(), out.as<int8_t>());
      break;
    case DType::UInt8:
      ref::mean_quantized(d.quantized, d.plan, in.as<uint8_t>(), out.as<uint8_t>());
      break;
    default:
      break;  // rejected in prepare
  }
}

}  // namespace

OpRegistration register_mean() { return {BuiltinOp::Mean, "MEAN", prepare, eval}; }

}  // namespace tinyfit::tflite::ops
