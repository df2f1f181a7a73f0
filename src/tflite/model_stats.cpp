#include "tflite/model_stats.hpp"

#include <set>

namespace tinyfit::tflite {

namespace {

bool is_op(const OperatorDef& op, BuiltinOp code) { return op.opcode == static_cast<int32_t>(code); }

bool takes_weights(const OperatorDef& op) {
  return is_op(op, BuiltinOp::Conv2D) || is_op(op, BuiltinOp::DepthwiseConv2D) || is_op(op, BuiltinOp::FullyConnected);
}

int64_t elements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

}  // namespace

bool is_weight_type(DType t) {
  return t == DType::Float32 || t == DType::Float16 || t == DType::Int8 || t == DType::Int16 || t == DType::UInt8;
}

bool is_bias_input(const ModelDef& model, int tensor) {
  for (const OperatorDef& op : model.operators)
    if (takes_weights(op) && op.inputs.size() > 2 && op.inputs[2] == tensor) return true;
  return false;
}

int64_t count_parameters(const ModelDef& model) {
  std::set<int> counted;
  int64_t total = 0;
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const TensorDef& t = model.tensors[i];
    if (model.buffers[static_cast<size_t>(t.buffer)].empty() || counted.count(t.buffer)) continue;
    if (!is_weight_type(t.type) && !(t.type == DType::Int32 && is_bias_input(model, static_cast<int>(i)))) continue;
    counted.insert(t.buffer);
    total += static_cast<int64_t>(model.buffers[static_cast<size_t>(t.buffer)].size() / dtype_size(t.type));
  }
  return total;
}

int64_t count_macs(const ModelDef& model, const OperatorDef& op) {
  if (!takes_weights(op) || op.inputs.size() < 2 || op.inputs[1] < 0 || op.outputs.empty()) return 0;
  const std::vector<int32_t>& w = model.tensors[static_cast<size_t>(op.inputs[1])].shape;
  const int64_t out = elements(model.tensors[static_cast<size_t>(op.outputs[0])].shape);
  if (is_op(op, BuiltinOp::Conv2D) && w.size() == 4) return out * w[1] * w[2] * w[3];
  if (is_op(op, BuiltinOp::DepthwiseConv2D) && w.size() == 4) return out * w[1] * w[2];
  if (is_op(op, BuiltinOp::FullyConnected) && w.size() == 2) return out * w[1];
  return 0;
}

}  // namespace tinyfit::tflite
