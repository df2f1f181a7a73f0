// What AVERAGE_POOL_2D and MAX_POOL_2D share: identical checks, planning and type dispatch; only the
// kernels differ. One prepare keeps both pools accepting the same models with the same messages.
#pragma once

#include <string>

#include "tflite/ops/ops.hpp"
#include "tflite/ref/pooling.hpp"
#include "tflite/ref/weight_quant.hpp"

namespace tinyfit::tflite::ops::pool {

struct PoolData {
  ref::PoolParams params;
  ref::Shape4 in, out;
};

// One NHWC input, one output; float32, or int8 with quantized input and output.
inline void prepare(const OpContext& ctx) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1 || !ctx.has_input(0)) ctx.fail("expects one input and one output");
  const Tensor& input = ctx.input(0);
  const Tensor& output = ctx.output(0);
  if (input.rank() != 4) ctx.fail("input must have rank 4 (NHWC), got rank " + std::to_string(input.rank()));
  if (input.type != output.type || (input.type != DType::Float32 && input.type != DType::Int8))
    ctx.fail(std::string("unsupported types: input ") + dtype_name(input.type) + ", output " + dtype_name(output.type));
  const OpOptions& o = ctx.options();
  ref::PoolSpec spec{o.padding, o.activation, o.stride_h, o.stride_w, o.filter_h, o.filter_w};
  if (input.type == DType::Int8) {
    if (input.quant.empty() || output.quant.empty()) ctx.fail("int8 pooling needs quantized input and output");
    spec.int8 = true;
    spec.input_scale = input.quant.scale[0];
    spec.output_scale = output.quant.scale[0];
    spec.input_zero_point = ref::zero_point_of(input.quant.zero_point);
    spec.output_zero_point = ref::zero_point_of(output.quant.zero_point);
  }
  auto& d = ctx.make_data<PoolData>();
  d.in = ref::shape4(input.shape);
  const std::string error = ref::plan_pool(spec, d.in, &d.params, &d.out);
  if (!error.empty()) ctx.fail(error);
  ctx.set_output_shape(0, {d.out.n, d.out.h, d.out.w, d.out.c});
}

// Kernels as template arguments, so each pool's eval is a direct call with no indirection.
using FloatKernel = void (*)(const ref::PoolParams&, const ref::Shape4&, const float*, const ref::Shape4&, float*);
using Int8Kernel = void (*)(const ref::PoolParams&, const ref::Shape4&, const int8_t*, const ref::Shape4&, int8_t*);

template <FloatKernel float_kernel, Int8Kernel int8_kernel>
void eval(const OpContext& ctx) {
  const auto& d = ctx.data<PoolData>();
  const Tensor& input = ctx.input(0);
  Tensor& output = ctx.output(0);
  if (input.type == DType::Float32) {
    float_kernel(d.params, d.in, input.as<float>(), d.out, output.as<float>());
  } else {
    int8_kernel(d.params, d.in, input.as<int8_t>(), d.out, output.as<int8_t>());
  }
}

}  // namespace tinyfit::tflite::ops::pool
