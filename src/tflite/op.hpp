// The op interface: every op is a registration of two plain functions (TFLite Micro style).
// prepare checks types/shapes, sets output shapes and precomputes into op data; eval only computes.
#pragma once

#include <any>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tflite/model.hpp"
#include "tflite/ref/kernel_types.hpp"
#include "tflite/tensor.hpp"

namespace tinyfit::tflite {

using ref::Int8Numerics;

// Work memory that all ops of an interpreter share, as TFLite Micro's scratch buffers: an op asks for
// bytes in prepare and gets them, 64-byte aligned, for the length of one eval. Ops run one at a time,
// so one block as large as the largest request serves them all, and it stays in cache from op to op
// (per-op buffers were a few hundred cold kilobytes per invoke of a residual KWS net).
class ScratchArena {
 public:
  void request(size_t bytes) {
    if (bytes + kAlign > storage_.size()) storage_.resize(bytes + kAlign);
  }
  uint8_t* data() {
    const auto address = reinterpret_cast<uintptr_t>(storage_.data());
    return storage_.data() + ((kAlign - address % kAlign) % kAlign);
  }
  size_t bytes() const { return storage_.empty() ? 0 : storage_.size() - kAlign; }

 private:
  static constexpr size_t kAlign = 64;
  std::vector<uint8_t> storage_;
};

class OpContext {
 public:
  OpContext(std::vector<Tensor>& tensors, const OperatorDef& op, int node_index, std::any& op_data,
            bool reference_only, Int8Numerics int8_numerics = Int8Numerics::TfliteReference,
            ScratchArena* scratch = nullptr)
      : tensors_(tensors),
        op_(op),
        node_index_(node_index),
        op_data_(op_data),
        reference_only_(reference_only),
        int8_numerics_(int8_numerics),
        scratch_(scratch) {}

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

  // Prepare: reserve `bytes` of shared work memory; eval: its start (valid until eval returns, and
  // holding whatever the previous op left there).
  void request_scratch(size_t bytes) const;
  uint8_t* scratch() const;
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
  ScratchArena* scratch_;
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
