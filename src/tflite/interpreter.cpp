#include "tflite/interpreter.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>
#include <string>

#include "core/error.hpp"
#include "tflite/memory_plan.hpp"
#include "tflite/op_table.hpp"

namespace tinyfit::tflite {

namespace {

constexpr size_t kAlignment = 64;

std::string tensor_label(const std::vector<Tensor>& tensors, int index) {
  std::string label = "tensor " + std::to_string(index);
  const std::string& name = tensors[static_cast<size_t>(index)].name;
  if (!name.empty()) label += " '" + name + "'";
  return label;
}

std::string node_label(const OperatorDef& op, size_t index) {
  return "model: node " + std::to_string(index) + " (" + builtin_op_name(op.opcode) + ")";
}

}  // namespace

void Interpreter::AlignedDelete::operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(kAlignment)); }

Interpreter::Block Interpreter::allocate(size_t bytes) {
  const size_t n = bytes == 0 ? kAlignment : bytes;  // never null, even for empty tensors
  Block block(static_cast<uint8_t*>(::operator new[](n, std::align_val_t(kAlignment))));
  std::memset(block.get(), 0, n);
  return block;
}

Interpreter::~Interpreter() = default;

Interpreter::Interpreter(ModelDef model, InterpreterOptions options)
    : model_(std::move(model)), options_(options) {
  build_tensors();
  prepare_nodes();
  plan_arena();
}

// Runtime tensors from the definitions: static shapes (a -1 of a dynamic batch becomes 1) and
// constants pointing into the model's buffers after a size check.
void Interpreter::build_tensors() {
  const size_t count = model_.tensors.size();
  tensors_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const TensorDef& def = model_.tensors[i];
    Tensor& t = tensors_[i];
    t.type = def.type;
    t.quant = def.quant;
    t.name = def.name;
    t.shape = def.shape;
    for (int32_t& d : t.shape) {
      if (d == -1) d = 1;
      if (d < 0) throw Error("model: " + tensor_label(tensors_, static_cast<int>(i)) + " has a negative dimension");
    }
    if (def.buffer < 0 || static_cast<size_t>(def.buffer) >= model_.buffers.size())
      throw Error("model: " + tensor_label(tensors_, static_cast<int>(i)) + " refers to missing buffer " +
                  std::to_string(def.buffer));
    std::vector<uint8_t>& buffer = model_.buffers[static_cast<size_t>(def.buffer)];
    if (def.buffer == 0 || buffer.empty()) continue;
    const size_t expected = static_cast<size_t>(t.num_elements()) * dtype_size(t.type);
    if (buffer.size() != expected)
      throw Error("model: " + tensor_label(tensors_, static_cast<int>(i)) + " (" + dtype_name(t.type) + ", " +
                  std::to_string(t.num_elements()) + " elements) has a buffer of " + std::to_string(buffer.size()) +
                  " bytes, expected " + std::to_string(expected));
    t.data = buffer.data();
    t.bytes = buffer.size();
    t.is_constant = true;
  }
  auto check_index = [&](int index, const std::string& what) {
    if (index < 0 || static_cast<size_t>(index) >= count)
      throw Error("model: " + what + " refers to tensor " + std::to_string(index) + " of " + std::to_string(count));
  };
  for (int index : model_.inputs) {
    check_index(index, "a graph input");
    if (tensors_[static_cast<size_t>(index)].is_constant)
      throw Error("model: graph input " + tensor_label(tensors_, index) + " has constant data");
  }
  for (int index : model_.outputs) check_index(index, "a graph output");
}

// Looks up and prepares every node in order. Data flow is checked on the way: each input must be a
// constant, a graph input or the output of an earlier node, and each tensor is written once.
void Interpreter::prepare_nodes() {
  const size_t count = model_.operators.size();
  nodes_.resize(count);
  std::vector<bool> available(tensors_.size(), false);
  for (size_t t = 0; t < tensors_.size(); ++t) available[t] = tensors_[t].is_constant;
  for (int index : model_.inputs) available[static_cast<size_t>(index)] = true;

  for (size_t i = 0; i < count; ++i) {
    const OperatorDef& op = model_.operators[i];
    Node& node = nodes_[i];
    node.reg = find_op(op.opcode);
    if (!node.reg)
      throw Error("model: node " + std::to_string(i) + ": unsupported op " + builtin_op_name(op.opcode));
    for (int index : op.inputs) {
      if (index == -1) continue;
      if (index < 0 || static_cast<size_t>(index) >= tensors_.size())
        throw Error(node_label(op, i) + ": input refers to tensor " + std::to_string(index) + " of " +
                    std::to_string(tensors_.size()));
      if (!available[static_cast<size_t>(index)])
        throw Error(node_label(op, i) + ": input " + tensor_label(tensors_, index) +
                    " is neither a constant, a graph input nor computed by an earlier node");
    }
    for (int index : op.outputs) {
      if (index < 0 || static_cast<size_t>(index) >= tensors_.size())
        throw Error(node_label(op, i) + ": output refers to tensor " + std::to_string(index) + " of " +
                    std::to_string(tensors_.size()));
      if (available[static_cast<size_t>(index)])
        throw Error(node_label(op, i) + ": output " + tensor_label(tensors_, index) +
                    " is already a constant, a graph input or another node's output");
      available[static_cast<size_t>(index)] = true;
    }

    OpContext ctx(tensors_, op, static_cast<int>(i), node.data, options_.reference_only, options_.int8_numerics,
                  &scratch_);
    node.reg->prepare(ctx);
    for (int index : op.outputs)
      for (int32_t d : tensors_[static_cast<size_t>(index)].shape)
        if (d < 0) throw Error(node_label(op, i) + ": prepare left output " + tensor_label(tensors_, index) + " unsized");

    // Fold when asked to, or when every input is known now: the result is then a constant too.
    bool all_constant = false;
    for (int index : op.inputs) {
      if (index == -1) continue;
      all_constant = tensors_[static_cast<size_t>(index)].is_constant;
      if (!all_constant) break;
    }
    if (ctx.fold_requested() || all_constant) fold(i);
  }
}

// Evaluates a node once, right after its prepare, into persistent storage; its outputs become
// constants for every later prepare (and for the folding of later nodes).
void Interpreter::fold(size_t node_index) {
  const OperatorDef& op = model_.operators[node_index];
  Node& node = nodes_[node_index];
  for (int index : op.outputs) {
    Tensor& t = tensors_[static_cast<size_t>(index)];
    t.bytes = static_cast<size_t>(t.num_elements()) * dtype_size(t.type);
    folded_storage_.push_back(allocate(t.bytes));
    t.data = folded_storage_.back().get();
  }
  OpContext ctx(tensors_, op, static_cast<int>(node_index), node.data, options_.reference_only, options_.int8_numerics,
                  &scratch_);
  node.reg->eval(ctx);
  for (int index : op.outputs) tensors_[static_cast<size_t>(index)].is_constant = true;
  node.folded = true;
}

// Lifetimes of every non-constant tensor: from the node that writes it (graph inputs: from the
// start) to the last node that reads it; graph inputs and outputs stay alive throughout so callers
// can fill and read them around invoke().
void Interpreter::plan_arena() {
  const int count = static_cast<int>(nodes_.size());
  constexpr int kUnused = -1;
  std::vector<int> first(tensors_.size(), kUnused), last(tensors_.size(), kUnused);
  for (int i = 0; i < count; ++i) {
    if (nodes_[static_cast<size_t>(i)].folded) continue;
    const OperatorDef& op = model_.operators[static_cast<size_t>(i)];
    for (int index : op.outputs) {
      first[static_cast<size_t>(index)] = i;
      last[static_cast<size_t>(index)] = std::max(last[static_cast<size_t>(index)], i);
    }
    for (int index : op.inputs)
      if (index >= 0) last[static_cast<size_t>(index)] = i;
  }
  for (int index : model_.inputs) {
    first[static_cast<size_t>(index)] = 0;
    last[static_cast<size_t>(index)] = count;
  }
  for (int index : model_.outputs)
    if (first[static_cast<size_t>(index)] != kUnused) last[static_cast<size_t>(index)] = count;

  std::vector<BufferRequest> requests;
  std::vector<size_t> owners;
  for (size_t t = 0; t < tensors_.size(); ++t) {
    const Tensor& tensor = tensors_[t];
    if (tensor.is_constant || first[t] == kUnused) continue;
    requests.push_back({static_cast<size_t>(tensor.num_elements()) * dtype_size(tensor.type), first[t], last[t]});
    owners.push_back(t);
  }
  const MemoryPlan plan = plan_memory(requests, kAlignment);
  arena_bytes_ = plan.arena_bytes;
  arena_ = allocate(arena_bytes_);
  for (size_t r = 0; r < requests.size(); ++r) {
    Tensor& tensor = tensors_[owners[r]];
    tensor.data = arena_.get() + plan.offsets[r];
    tensor.bytes = requests[r].bytes;
  }
}

void Interpreter::invoke() { run_nodes(nullptr); }

void Interpreter::invoke(std::vector<int64_t>& node_ns) {
  node_ns.resize(nodes_.size(), 0);
  run_nodes(&node_ns);
}

void Interpreter::run_nodes(std::vector<int64_t>* node_ns) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    if (node.folded) continue;
    const auto start = node_ns ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    OpContext ctx(tensors_, model_.operators[i], static_cast<int>(i), node.data, options_.reference_only, options_.int8_numerics,
                  &scratch_);
    node.reg->eval(ctx);
    if (node_ns)
      (*node_ns)[i] += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  }
}

}  // namespace tinyfit::tflite
