#include "report/model_summary.hpp"

#include <set>

#include "core/atomic_file.hpp"
#include "tflite/model.hpp"
#include "tflite/model_bytes.hpp"
#include "tflite/model_stats.hpp"
#include "tflite/reader.hpp"

namespace tinyfit::report {

using namespace tinyfit::tflite;


ModelSummary summarize_model(const ModelDef& model, size_t flatbuffer_bytes) {
  ModelSummary s;
  std::set<int> seen_buffers;  // identical data is stored once; count it where it is first used
  for (const OperatorDef& op : model.operators) {
    LayerRow row;
    row.op = builtin_op_name(op.opcode);
    if (!op.outputs.empty() && op.outputs[0] >= 0) {
      const TensorDef& out = model.tensors[static_cast<size_t>(op.outputs[0])];
      row.output_shape = out.shape;
      row.output_type = dtype_name(out.type);
    }
    for (int input : op.inputs) {
      if (input < 0) continue;
      const TensorDef& t = model.tensors[static_cast<size_t>(input)];
      const size_t data = model.buffers[static_cast<size_t>(t.buffer)].size();
      if (data == 0 || !seen_buffers.insert(t.buffer).second) continue;
      row.bytes += data;
      // Biases are int32 (int8 models) or float32 (float and weights-only models). Weights may reach
      // their layer through a DEQUANTIZE (int8 storage, float compute), so they are recognised by
      // type, not by the operator that reads them.
      const bool bias = is_bias_input(model, input);
      if (is_weight_type(t.type) || bias) row.parameters += static_cast<int64_t>(data / dtype_size(t.type));
      if (bias) {
        s.size.biases += data;
      } else if (is_weight_type(t.type)) {
        s.size.weights += data;
      } else {
        s.size.other_constants += data;  // int32/int64 shapes of RESHAPE, slice bounds
      }
    }
    row.macs = count_macs(model, op);
    s.parameters += row.parameters;
    s.macs += row.macs;
    s.layers.push_back(std::move(row));
  }
  // Constant buffers no operator reads (rare) are still bytes in the file.
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const int b = model.tensors[i].buffer;
    if (seen_buffers.insert(b).second) s.size.other_constants += model.buffers[static_cast<size_t>(b)].size();
  }
  // Writers share identical quantization vectors between tensors (tinyfit's does; all per-channel
  // zero points are the same zeros), so count each distinct vector once: its elements plus the
  // 4-byte length prefix of a flatbuffer vector.
  std::set<std::vector<float>> scales;
  std::set<std::vector<int64_t>> zero_points;
  for (const TensorDef& t : model.tensors) {
    if (!t.quant.scale.empty()) scales.insert(t.quant.scale);
    if (!t.quant.zero_point.empty()) zero_points.insert(t.quant.zero_point);
  }
  for (const auto& v : scales) s.size.quantization += 4 + v.size() * sizeof(float);
  for (const auto& v : zero_points) s.size.quantization += 4 + v.size() * sizeof(int64_t);
  for (const auto& [name, bytes] : model.metadata) s.size.metadata += bytes.size();
  const size_t accounted = s.size.weights + s.size.biases + s.size.other_constants + s.size.quantization +
                           s.size.metadata;
  s.size.graph = flatbuffer_bytes > accounted ? flatbuffer_bytes - accounted : 0;
  s.size.flatbuffer = flatbuffer_bytes;
  s.size.file = flatbuffer_bytes;
  if (!model.inputs.empty() && model.inputs[0] >= 0) {
    const TensorDef& in = model.tensors[static_cast<size_t>(model.inputs[0])];
    s.input_shape = in.shape;
    s.input_type = dtype_name(in.type);
  }
  return s;
}

ModelSummary summarize_model_file(const std::filesystem::path& file) {
  const std::vector<uint8_t> stored = read_file_bytes(file);
  const ModelBytes unpacked = unpack_model_bytes(stored, file.string());
  ModelSummary s = summarize_model(read_model(unpacked.flatbuffer, file.string()), unpacked.flatbuffer.size());
  s.size.file = stored.size();
  s.size.compressed = unpacked.compressed;
  return s;
}

}  // namespace tinyfit::report
