#include "tflite/model_check.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace tinyfit::tflite {

namespace {

std::string tensor_label(const ModelDef& model, size_t i) {
  const std::string& name = model.tensors[i].name;
  return "tensor " + std::to_string(i) + (name.empty() ? "" : " (" + name + ")");
}

std::string shape_text(const std::vector<int32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

void check_quantization(const TensorDef& t, const std::string& where) {
  const Quantization& q = t.quant;
  if (q.scale.size() != q.zero_point.size()) {
    throw Error(where + ": quantization has " + std::to_string(q.scale.size()) + " scales but " +
                std::to_string(q.zero_point.size()) + " zero points");
  }
  for (float s : q.scale) {
    if (!std::isfinite(s)) throw Error(where + ": quantization scale is not finite");
  }
  for (int64_t z : q.zero_point) {
    if (z < std::numeric_limits<int32_t>::min() || z > std::numeric_limits<int32_t>::max()) {
      throw Error(where + ": quantization zero point " + std::to_string(z) + " is outside int32");
    }
  }
  // A zero point must also be a value of the tensor's own type (the kernels' offsets and their int32
  // accumulator bounds rely on it; found by fuzzing).
  int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  if (t.type == DType::Int8) lo = -128, hi = 127;
  if (t.type == DType::UInt8) lo = 0, hi = 255;
  if (t.type == DType::Int16) lo = -32768, hi = 32767;
  for (int64_t z : q.zero_point) {
    if (z < lo || z > hi) {
      throw Error(where + ": quantization zero point " + std::to_string(z) + " is outside the range of " +
                  dtype_name(t.type));
    }
  }
  if (q.per_channel()) {
    if (q.axis < 0 || static_cast<size_t>(q.axis) >= t.shape.size()) {
      throw Error(where + ": per-channel quantization axis " + std::to_string(q.axis) + " is outside shape " +
                  shape_text(t.shape));
    }
    if (static_cast<size_t>(t.shape[static_cast<size_t>(q.axis)]) != q.scale.size()) {
      throw Error(where + ": " + std::to_string(q.scale.size()) + " per-channel scales but dimension " +
                  std::to_string(q.axis) + " of " + shape_text(t.shape) + " has " +
                  std::to_string(t.shape[static_cast<size_t>(q.axis)]));
    }
  }
}

void check_tensor(const ModelDef& model, size_t i, const std::string& source_name) {
  const TensorDef& t = model.tensors[i];
  const std::string where = source_name + ": " + tensor_label(model, i);
  if (static_cast<size_t>(t.type) >= static_cast<size_t>(DType::Count)) throw Error(where + ": unknown type");
  if (t.shape.size() > kMaxTensorRank) {
    throw Error(where + ": rank " + std::to_string(t.shape.size()) + " exceeds " + std::to_string(kMaxTensorRank));
  }
  const int64_t elements = checked_num_elements(t.shape);
  if (elements < 0 || elements * static_cast<int64_t>(dtype_size(t.type)) > kMaxTensorBytes) {
    throw Error(where + ": shape " + shape_text(t.shape) + " is negative or larger than " +
                std::to_string(kMaxTensorBytes) + " bytes");
  }
  if (t.buffer < 0 || static_cast<size_t>(t.buffer) >= model.buffers.size()) {
    throw Error(where + ": buffer index " + std::to_string(t.buffer) + " is outside the " +
                std::to_string(model.buffers.size()) + " buffers");
  }
  const size_t data = model.buffers[static_cast<size_t>(t.buffer)].size();
  const auto expected = static_cast<size_t>(elements) * dtype_size(t.type);
  if (data != 0 && data != expected) {
    throw Error(where + ": buffer " + std::to_string(t.buffer) + " holds " + std::to_string(data) +
                " bytes but " + dtype_name(t.type) + " " + shape_text(t.shape) + " needs " +
                std::to_string(expected));
  }
  check_quantization(t, where);
}

void check_indices(const std::vector<int>& indices, int lowest, size_t tensors, const std::string& where) {
  for (int index : indices) {
    if (index < lowest || index >= static_cast<int64_t>(tensors)) {
      throw Error(where + " " + std::to_string(index) + " is outside the " + std::to_string(tensors) + " tensors");
    }
  }
}

}  // namespace

int64_t checked_num_elements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) {
    if (d < 0) return -1;
    if (d != 0 && n > kMaxTensorBytes / d) return -1;  // keeps n * d (and n * 8) far from overflow
    n *= d;
  }
  return n;
}

void check_model(const ModelDef& model, const std::string& source_name) {
  if (model.buffers.empty() || !model.buffers[0].empty()) {
    throw Error(source_name + ": buffer 0 must exist and be empty (the no-data sentinel)");
  }
  for (size_t i = 0; i < model.tensors.size(); ++i) check_tensor(model, i, source_name);
  const size_t n = model.tensors.size();
  for (size_t i = 0; i < model.operators.size(); ++i) {
    const OperatorDef& op = model.operators[i];
    const std::string where = source_name + ": operator " + std::to_string(i);
    if (op.opcode < 0) throw Error(where + ": negative builtin code " + std::to_string(op.opcode));
    if (op.version < 1) throw Error(where + " (" + builtin_op_name(op.opcode) + "): version " +
                                    std::to_string(op.version) + " is below 1");
    const std::string named = where + " (" + builtin_op_name(op.opcode) + ")";
    check_indices(op.inputs, -1, n, named + ": input");
    check_indices(op.outputs, 0, n, named + ": output");
  }
  check_indices(model.inputs, 0, n, source_name + ": model input");
  check_indices(model.outputs, 0, n, source_name + ": model output");
}

}  // namespace tinyfit::tflite
