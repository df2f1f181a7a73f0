// The op interface: every op is a registration of two plain functions (TFLite Micro style).
// prepare checks types/shapes, sets output shapes and precomputes into op data; eval only computes.
#pragma once

#include <any>
#include <cstddef>
#include <string>
#include <vector>

#include "tflite/model.hpp"
#include "tflite/ref/kernel_types.hpp"
#include "tflite/tensor.hpp"

namespace tinyfit::tflite {

using ref::Int8Numerics;

class OpContext {
 public:
  OpContext(std::vector<Tensor>& tensors, const OperatorDef& op, int node_index, std::any& op_data,
            bool reference_only, Int8Numerics int8_numerics = Int8Numerics::TfliteReference)
      : tensors_(tensors),
        op_(op),
        node_index_(node_index),
        op_data_(op_data),
        reference_only_(reference_only),
        int8_numerics_(int8_numerics) {}

  const OperatorDef& op() const { return op_; }
  const OpOptions& options() const { return op_.options; }
  int node_index() const { return node_index_; }
  // true: use the reference kernels (tests, parity checks); false: the fast path where one exists.
  bool reference_only() const { return reference_only_; }
  // Requantization arithmetic of the full-int8 kernels (ref/kernel_types.hpp).
  Int8Numerics int8_numerics() const { return int8_numerics_; }

  size_t num_inputs() const { return op_.inputs.size(); }
  size_t num_outputs() const { return op_.outputs.size(); }
  bool has_input(size_t i) const { return i < op_.inputs.size() && op_.inputs[i] >= 0; }
  Tensor& input(size_t i) const { return tensors_[static_cast<size_t>(op_.inputs[i])]; }
  Tensor& output(size_t i) const { return tensors_[static_cast<size_t>(op_.outputs[i])]; }

  // Prepare only: the output's shape (the interpreter allocates its bytes after prepare).
  void set_output_shape(size_t i, std::vector<int32_t> shape) const { output(i).shape = std::move(shape); }
  // Prepare only: ask the interpreter to evaluate this op right after prepare and keep its outputs as
  // constants (shape arithmetic such as SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE). The interpreter
  // also folds any op whose inputs are all constant and whose outputs are int32.
  void request_fold() const { fold_requested_ = true; }
  bool fold_requested() const { return fold_requested_; }

  // Op-private data made in prepare and read in eval (multipliers, shifts, clamps...).
  template <class T> T& make_data() const { return op_data_.emplace<T>(); }
  template <class T> const T& data() const { return *std::any_cast<T>(&op_data_); }

  // Throws Error("node <i> (<OP_NAME>): <message>").
  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::vector<Tensor>& tensors_;
  const OperatorDef& op_;
  int node_index_;
  std::any& op_data_;
  bool reference_only_;
  Int8Numerics int8_numerics_;
  mutable bool fold_requested_ = false;
};

using PrepareFn = void (*)(const OpContext&);
using EvalFn = void (*)(const OpContext&);

struct OpRegistration {
  BuiltinOp code;
  const char* name;
  PrepareFn prepare;
  EvalFn eval;
};

}  // namespace tinyfit::tflite
