// What RESHAPE, SQUEEZE and EXPAND_DIMS share: each only computes a new shape in prepare; the data is
// the same bytes in the same order, so the output keeps the input's type and eval is a plain copy.
#pragma once

#include <cstring>
#include <string>

#include "tflite/ops/ops.hpp"

namespace tinyfit::tflite::ops::reshape_like {

// Prepare check: a new shape cannot change the element type.
inline void check_output_type(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (ctx.output(0).type != in.type)
    ctx.fail(std::string("output type ") + dtype_name(ctx.output(0).type) + " differs from input type " +
             dtype_name(in.type));
}

// Eval: copy the bytes unless the memory plan already placed output on input (in-place alias).
inline void copy_bytes(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (out.data != in.data && in.bytes != 0) std::memcpy(out.data, in.data, in.bytes);
}

}  // namespace tinyfit::tflite::ops::reshape_like
