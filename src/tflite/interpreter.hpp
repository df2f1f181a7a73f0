// The interpreter: runs a ModelDef (one subgraph) with tinyfit's own ops.
//
// Construction does all the work that can be done once: runtime tensors (constants point into the
// model's buffers), op lookup, every op's prepare in order (which fixes output shapes), folding of
// ops whose inputs are all constant (shape arithmetic such as SHAPE -> STRIDED_SLICE -> PACK ->
// RESHAPE, DEQUANTIZE of constant weights) into persistent storage, and a static memory plan that
// places every other tensor in one arena by lifetime. invoke() then only runs the remaining evals:
// it never allocates and never throws.
//
//   Interpreter it(read_model_file("kws.tflite"));
//   std::copy(features.begin(), features.end(), it.input(0).as<float>());
//   it.invoke();
//   const float* scores = it.output(0).as<float>();
#pragma once

#include <any>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tflite/model.hpp"
#include "tflite/op.hpp"
#include "tflite/tensor.hpp"

namespace tinyfit::tflite {

struct InterpreterOptions {
  bool reference_only = false;  // true: reference kernels only (parity checks); false: fast kernels
  // Full-int8 requantization: Xnnpack (default) reproduces what the official runtime computes on CPUs
  // (TFLite's XNNPACK delegate); TfliteReference reproduces TFLite's reference integer kernels.
  Int8Numerics int8_numerics = Int8Numerics::Xnnpack;
};

class Interpreter {
 public:
  // Throws Error on anything the model cannot run: unknown ops ("model: node 4: unsupported op
  // RESIZE_BILINEAR"), bad tensor indices or buffer sizes, tensors used before they are computed,
  // and whatever an op's prepare rejects (types, ranks, shapes of the graph inputs...).
  explicit Interpreter(ModelDef model, InterpreterOptions options = {});
  Interpreter(Interpreter&&) noexcept = default;
  Interpreter& operator=(Interpreter&&) noexcept = default;
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  ~Interpreter();

  size_t num_inputs() const { return model_.inputs.size(); }
  size_t num_outputs() const { return model_.outputs.size(); }
  // Graph inputs: write their data before invoke() (shape and type are fixed).
  Tensor& input(size_t i) { return tensors_[static_cast<size_t>(model_.inputs[i])]; }
  const Tensor& output(size_t i) const { return tensors_[static_cast<size_t>(model_.outputs[i])]; }

  void invoke();
  // The same, adding each node's wall time in nanoseconds to node_ns[i] (resized to num_nodes()):
  // the per-operator split of `tinyfit latency --per-op`.
  void invoke(std::vector<int64_t>& node_ns);

  const ModelDef& model() const { return model_; }
  const std::vector<Tensor>& tensors() const { return tensors_; }
  size_t arena_bytes() const { return arena_bytes_; }  // the static plan's size
  size_t scratch_bytes() const { return scratch_.bytes(); }  // the ops' shared work memory

  size_t num_nodes() const { return nodes_.size(); }
  bool node_folded(size_t i) const { return nodes_[i].folded; }  // evaluated once at construction

 private:
  // The one node loop of both invoke()s; node_ns (sized) receives each node's time when given.
  void run_nodes(std::vector<int64_t>* node_ns);
  struct AlignedDelete {
    void operator()(uint8_t* p) const;
  };
  using Block = std::unique_ptr<uint8_t[], AlignedDelete>;
  static Block allocate(size_t bytes);

  struct Node {
    const OpRegistration* reg = nullptr;
    std::any data;  // the op's prepare-time data
    bool folded = false;
  };

  void build_tensors();
  void prepare_nodes();
  void fold(size_t node_index);
  void plan_arena();

  ModelDef model_;
  InterpreterOptions options_;
  std::vector<Tensor> tensors_;
  std::vector<Node> nodes_;
  std::vector<Block> folded_storage_;  // outputs of folded nodes
  Block arena_;
  size_t arena_bytes_ = 0;
  ScratchArena scratch_;  // the ops' shared work memory
};

}  // namespace tinyfit::tflite
