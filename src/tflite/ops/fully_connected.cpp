// FULLY_CONNECTED: inputs (input [..., depth] read as [batches, depth], weights [units, depth],
// optional bias [units]), one output: [batches, units], or the input's shape with the last dimension
// replaced by units when keep_num_dims. Variants: float32; int8 (per-tensor or per-row symmetric
// weights, int32 bias, TFLite's per-tensor multiplier arithmetic); hybrid (float input/output, int8
// weights, float bias) with symmetric or — asymmetric_quantize_inputs — asymmetric input rows.
#include <string>

#include "tflite/fast/fully_connected.hpp"
#include "tflite/ops/int8_limits.hpp"
#include "tflite/ops/ops.hpp"
#include "tflite/ops/weighted_common.hpp"
#include "tflite/ref/fully_connected.hpp"
#include "tflite/ref/hybrid.hpp"
#include "tflite/ref/weight_quant.hpp"

namespace tinyfit::tflite::ops {

namespace {

enum class Kind { Float, Int8, Hybrid };

struct FullyConnectedData {
  Kind kind = Kind::Float;
  ref::FullyConnectedParams params;
  int batches = 0, depth = 0, units = 0;
  std::vector<int32_t> multiplier;  // int8: one, or one per unit
  std::vector<int> shift;
  std::vector<float> requant_scale;  // int8 with Int8Numerics::Xnnpack: float32 scale, one or one per unit
  float filter_scale = 1.0f;         // hybrid, per-tensor weights
  std::vector<float> channel_scale;  // hybrid, per-unit weights
  mutable ref::HybridInput hybrid;
  bool fast = false;  // needs constant weights (prepared below)
  fast::FullyConnectedWeights weights;
  mutable fast::FullyConnectedScratch scratch;
};

void prepare(const OpContext& ctx) {
  const Tensor* bias = weighted::check_inputs(ctx, "weights");
  const Tensor& input = ctx.input(0);
  const Tensor& weights = ctx.input(1);
  Tensor& output = ctx.output(0);
  const OpOptions& o = ctx.options();

  if (weights.rank() != 2) ctx.fail("weights must have rank 2 [units, depth]");
  auto& d = ctx.make_data<FullyConnectedData>();
  d.units = weights.dim(0);
  d.depth = weights.dim(1);
  if (d.depth <= 0 || input.num_elements() % d.depth != 0)
    ctx.fail("input size " + std::to_string(input.num_elements()) + " is not a multiple of the weights' depth " +
             std::to_string(d.depth));
  d.batches = static_cast<int>(input.num_elements() / d.depth);
  if (bias && bias->num_elements() != d.units) ctx.fail("bias must have " + std::to_string(d.units) + " elements");
  if (o.keep_dims) {
    if (input.rank() < 1 || input.shape.back() != d.depth)
      ctx.fail("keep_num_dims needs the input's last dimension to equal the weights' depth");
    std::vector<int32_t> shape = input.shape;
    shape.back() = d.units;
    ctx.set_output_shape(0, std::move(shape));
  } else {
    ctx.set_output_shape(0, {d.batches, d.units});
  }

  ref::FullyConnectedParams& p = d.params;
  weighted::set_float_clamp(ctx, p);
  const bool fast = !ctx.reference_only() && weights.is_constant;
  const auto& ws = weights.quant.scale;

  if (input.type == DType::Float32 && weights.type == DType::Float32 && output.type == DType::Float32) {
    if (bias && bias->type != DType::Float32) ctx.fail("float fully-connected needs a float32 bias");
    d.kind = Kind::Float;
    if (fast) fast::prepare_fully_connected_weights(d.depth, d.units, weights.as<float>(), &d.weights);
  } else if (input.type == DType::Int8 && weights.type == DType::Int8 && output.type == DType::Int8) {
    if (bias && bias->type != DType::Int32) ctx.fail("int8 fully-connected needs an int32 bias");
    if (input.quant.empty() || output.quant.empty() || ws.empty())
      ctx.fail("int8 fully-connected needs quantized input, weights and output");
    for (int64_t zp : weights.quant.zero_point)
      if (zp != 0) ctx.fail("int8 weights must be symmetric (zero point 0)");
    check_integer_accumulation(ctx, d.depth, bias);
    d.kind = Kind::Int8;
    p.per_channel = ws.size() > 1;
    if (p.per_channel) {
      if (ws.size() != static_cast<size_t>(d.units) || weights.quant.axis != 0)
        ctx.fail("weight scales must be per tensor or per unit (axis 0)");
      ref::per_channel_multipliers(input.quant.scale[0], ws, output.quant.scale[0], d.units, &d.multiplier, &d.shift);
    } else {
      d.multiplier.resize(1);
      d.shift.resize(1);
      ref::quantize_multiplier(ref::per_tensor_multiplier(input.quant.scale[0], ws[0], output.quant.scale[0]),
                               &d.multiplier[0], &d.shift[0]);
    }
    if (ctx.int8_numerics() == Int8Numerics::Xnnpack)
      for (float w : ws) d.requant_scale.push_back(ref::xnnpack_requant_scale(input.quant.scale[0], w, output.quant.scale[0]));
    p.filter_offset = p.per_channel ? 0 : -ref::zero_point_of(weights.quant.zero_point);
    weighted::set_int8_output(ctx, input, output, p);
    if (fast) fast::prepare_fully_connected_weights(d.depth, d.units, weights.as<int8_t>(), &d.weights);
  } else if (input.type == DType::Float32 && weights.type == DType::Int8 && output.type == DType::Float32) {
    if (bias && bias->type != DType::Float32) ctx.fail("hybrid fully-connected needs a float32 bias");
    if (ws.empty()) ctx.fail("hybrid fully-connected needs quantized weights");
    if (ws.size() != 1 && ws.size() != static_cast<size_t>(d.units))
      ctx.fail("weight scales must be per tensor or per unit");
    for (int64_t zp : weights.quant.zero_point)
      if (zp != 0) ctx.fail("hybrid weights must be symmetric (zero point 0)");
    check_integer_accumulation(ctx, d.depth, nullptr);
    d.kind = Kind::Hybrid;
    if (ws.size() > 1) d.channel_scale = ws;
    d.filter_scale = ws[0];
    d.hybrid.reserve(d.batches, d.depth, o.asymmetric_quantize_inputs);
    if (fast) fast::prepare_fully_connected_weights(d.depth, d.units, weights.as<int8_t>(), &d.weights);
  } else {
    ctx.fail(weighted::unsupported_types(input, "weights", weights, output));
  }
  d.fast = fast;
  if (fast) {
    d.scratch.reserve(d.weights, d.units);
    ctx.request_scratch(d.scratch.bytes());
  }
}

void eval(const OpContext& ctx) {
  const auto& d = ctx.data<FullyConnectedData>();
  if (d.fast) d.scratch.bind(ctx.scratch());
  const Tensor& input = ctx.input(0);
  const Tensor& weights = ctx.input(1);
  Tensor& output = ctx.output(0);
  switch (d.kind) {
    case Kind::Float: {
      const float* bias = weighted::bias_or_null<float>(ctx);
      if (d.fast) {
        fast::fully_connected_float(d.params, d.batches, d.depth, d.units, input.as<float>(), d.weights, bias,
                                    output.as<float>());
      } else {
        ref::fully_connected_float(d.params, d.batches, d.depth, d.units, input.as<float>(), weights.as<float>(), bias,
                                   output.as<float>());
      }
      break;
    }
    case Kind::Int8: {
      const ref::FullyConnectedParams p = weighted::with_requant(d.params, d.multiplier, d.shift, d.requant_scale);
      const int32_t* bias = weighted::bias_or_null<int32_t>(ctx);
      if (d.fast) {
        fast::fully_connected_int8(p, d.batches, d.depth, d.units, input.as<int8_t>(), d.weights, bias,
                                   output.as<int8_t>(), d.scratch);
      } else {
        ref::fully_connected_int8(p, d.batches, d.depth, d.units, input.as<int8_t>(), weights.as<int8_t>(), bias,
                                  output.as<int8_t>());
      }
      break;
    }
    case Kind::Hybrid: {
      const float* channel_scale =
          weighted::quantize_hybrid_input(d.hybrid, input.as<float>(), d.filter_scale, d.channel_scale);
      const float* bias = weighted::bias_or_null<float>(ctx);
      if (d.fast) {
        fast::fully_connected_hybrid(d.params, d.batches, d.depth, d.units, d.hybrid.quantized.data(),
                                     d.hybrid.scale.data(), d.hybrid.zero_points(), d.weights, channel_scale, bias,
                                     output.as<float>(), d.scratch);
      } else {
        ref::fully_connected_hybrid(d.params, d.batches, d.depth, d.units, d.hybrid.quantized.data(),
                                    d.hybrid.scale.data(), d.hybrid.zero_points(), weights.as<int8_t>(), channel_scale,
                                    bias, output.as<float>());
      }
      break;
    }
  }
}

}  // namespace

OpRegistration register_fully_connected() {
  return {BuiltinOp::FullyConnected, "FULLY_CONNECTED", prepare, eval};
}

}  // namespace tinyfit::tflite::ops
