#include "tflite/writer.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "tflite/model_bytes.hpp"
#include "tflite/model_check.hpp"
#include "tflite/schema/codec.hpp"
#include "tflite/writer_tight.hpp"

namespace tinyfit::tflite {

namespace {

namespace fb = flatbuffers;

constexpr uint32_t kSchemaVersion = 3;
constexpr int32_t kCustomOpcode = 32;     // BuiltinOperator CUSTOM
constexpr std::string_view kConverterMetadata[] = {"min_runtime_version", "CONVERSION_METADATA"};

bool is_converter_metadata(const std::string& name) {
  return std::find(std::begin(kConverterMetadata), std::end(kConverterMetadata), name) != std::end(kConverterMetadata);
}

// The file's buffers: [0] empty, then each distinct non-empty byte string once, in first-use order
// (tensors, then metadata) — the same canonical order the reader produces.
class BufferPlan {
 public:
  BufferPlan() : data_{nullptr} {}
  int add(const std::vector<uint8_t>& bytes) {
    if (bytes.empty()) return 0;
    const std::string_view key(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto [it, inserted] = index_.try_emplace(key, static_cast<int>(data_.size()));
    if (inserted) data_.push_back(&bytes);
    return it->second;
  }
  const std::vector<const std::vector<uint8_t>*>& data() const { return data_; }

 private:
  std::vector<const std::vector<uint8_t>*> data_;  // null for the sentinel
  std::unordered_map<std::string_view, int> index_;
};

class Writer {
 public:
  Writer(const ModelDef& model, const WriteOptions& options) : model_(model), options_(options) {}

  std::vector<uint8_t> run() {
    for (const auto& op : model_.operators) {
      if (op.opcode == kCustomOpcode) {  // ModelDef carries no custom code or options to write
        throw Error("write_model: CUSTOM operators cannot be written");
      }
    }
    std::vector<int> tensor_buffers;
    for (const TensorDef& t : model_.tensors) {
      tensor_buffers.push_back(plan_.add(model_.buffers[static_cast<size_t>(t.buffer)]));
      size_t& align = alignment_[tensor_buffers.back()];
      align = std::max({align, options_.buffer_alignment, dtype_size(t.type)});
    }
    std::vector<std::pair<const std::string*, int>> metadata;
    for (const auto& [name, bytes] : model_.metadata) {
      if (options_.keep_converter_metadata || !is_converter_metadata(name))
        metadata.emplace_back(&name, plan_.add(bytes));
    }

    // Buffers first: objects built first end up last in the file, and the aligned data there needs
    // no padding between the small tables that follow.
    const auto buffers = write_buffers();
    const auto subgraph = write_subgraph(tensor_buffers);
    const auto codes = write_op_codes();
    const auto subgraphs = fbb_.CreateVector(&subgraph, 1);
    std::vector<fb::Offset<schema::Metadata>> entries;
    for (const auto& [name, buffer] : metadata) {
      const auto name_offset = fbb_.CreateSharedString(*name);
      entries.push_back(schema::CreateMetadata(fbb_, name_offset, static_cast<uint32_t>(buffer)));
    }
    const auto metadata_offset = entries.empty() ? 0 : fbb_.CreateVector(entries);
    const auto description = options_.keep_description && !model_.description.empty()
                                 ? fbb_.CreateString(model_.description)
                                 : 0;
    const auto root = schema::CreateModel(fbb_, kSchemaVersion, codes, subgraphs, description, buffers, 0,
                                          metadata_offset);
    schema::FinishModelBuffer(fbb_, root);
    const auto span = fbb_.GetBufferSpan();
    return {span.data(), span.data() + span.size()};
  }

 private:
  fb::Offset<fb::Vector<fb::Offset<schema::Buffer>>> write_buffers() {
    const auto& data = plan_.data();
    std::vector<fb::Offset<fb::Vector<uint8_t>>> vectors(data.size());
    for (size_t i = data.size(); i-- > 1;) {  // reverse: the file then lists them in index order
      const auto align = alignment_.find(static_cast<int>(i));  // metadata-only buffers: the option's
      fbb_.ForceVectorAlignment(data[i]->size(), 1,
                                align != alignment_.end() ? align->second : options_.buffer_alignment);
      vectors[i] = fbb_.CreateVector(*data[i]);
    }
    std::vector<fb::Offset<schema::Buffer>> tables;
    for (const auto& v : vectors) tables.push_back(schema::CreateBuffer(fbb_, v));
    return fbb_.CreateVector(tables);
  }

  fb::Offset<schema::SubGraph> write_subgraph(const std::vector<int>& tensor_buffers) {
    std::vector<fb::Offset<schema::Tensor>> tensors;
    for (size_t i = 0; i < model_.tensors.size(); ++i)
      tensors.push_back(write_tensor(model_.tensors[i], tensor_buffers[i]));
    std::vector<fb::Offset<schema::Operator>> operators;
    for (const OperatorDef& op : model_.operators) operators.push_back(write_operator(op));
    const auto tensors_offset = fbb_.CreateVector(tensors);
    const auto inputs = ints(model_.inputs);
    const auto outputs = ints(model_.outputs);
    const auto operators_offset = fbb_.CreateVector(operators);
    return schema::CreateSubGraph(fbb_, tensors_offset, inputs, outputs, operators_offset);
  }

  fb::Offset<schema::Tensor> write_tensor(const TensorDef& t, int buffer) {
    const auto shape = ints(t.shape);  // always present: runtimes read a missing shape inconsistently
    const auto name = options_.keep_names && !t.name.empty() ? fbb_.CreateSharedString(t.name) : 0;
    const auto quant = quantization(t.quant);
    return schema::CreateTensor(fbb_, shape, codec::dtype_to_schema(t.type), static_cast<uint32_t>(buffer), name,
                                quant);
  }

  fb::Offset<schema::Operator> write_operator(const OperatorDef& op) {
    const auto key = std::make_pair(op.opcode, op.version);
    const auto [it, inserted] = code_index_.try_emplace(key, static_cast<uint32_t>(code_order_.size()));
    if (inserted) code_order_.push_back(key);
    const auto options = codec::write_options(fbb_, op.opcode, op.options);
    const auto inputs = ints(op.inputs);
    const auto outputs = ints(op.outputs);
    return schema::CreateOperator(fbb_, it->second, inputs, outputs, options.type, options.table);
  }

  fb::Offset<fb::Vector<fb::Offset<schema::OperatorCode>>> write_op_codes() {
    std::vector<fb::Offset<schema::OperatorCode>> codes;
    for (const auto& [code, version] : code_order_) {
      // Both fields, as modern converters write them: old runtimes read only the byte.
      const auto deprecated = static_cast<int8_t>(std::min<int32_t>(code, 127));
      const int32_t builtin = options_.both_code_fields || code >= 127 ? code : 0;
      codes.push_back(schema::CreateOperatorCode(fbb_, deprecated, 0, version, builtin));
    }
    return fbb_.CreateVector(codes);
  }

  // Identical vectors (shapes, index lists, per-channel zero points) are written once and shared: a
  // flatbuffer may be a DAG, and runtimes only read it. Keyed by element size and raw bytes, so
  // sharing never changes a value (not even -0.0 vs 0.0).
  template <class T>
  fb::Offset<fb::Vector<T>> shared(const std::vector<T>& values) {
    std::string key(1, static_cast<char>(sizeof(T)));
    key.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
    const auto [it, inserted] = vectors_.try_emplace(std::move(key));
    if (inserted) it->second = fbb_.CreateVector(values).o;
    return fb::Offset<fb::Vector<T>>(it->second);
  }
  fb::Offset<fb::Vector<int32_t>> ints(const std::vector<int32_t>& values) { return shared(values); }

  fb::Offset<schema::QuantizationParameters> quantization(const Quantization& q) {
    if (q.empty()) return 0;
    const auto scale = shared(q.scale);
    const auto zero_point = shared(q.zero_point);
    // Whole tables are shared too (tensors quantized alike, e.g. around RESHAPE), keyed by the
    // offsets of their shared vectors.
    const auto [it, inserted] = quant_tables_.try_emplace(std::make_tuple(scale.o, zero_point.o, q.axis));
    if (inserted) {
      it->second = schema::CreateQuantizationParameters(fbb_, 0, 0, scale, zero_point,
                                                        schema::QuantizationDetails::NONE, 0, q.axis);
    }
    return it->second;
  }

  const ModelDef& model_;
  const WriteOptions& options_;
  fb::FlatBufferBuilder fbb_{4096};
  BufferPlan plan_;
  std::map<std::pair<int32_t, int>, uint32_t> code_index_;
  std::vector<std::pair<int32_t, int>> code_order_;
  std::unordered_map<std::string, fb::uoffset_t> vectors_;
  std::unordered_map<int, size_t> alignment_;  // file buffer index -> alignment of its data
  std::map<std::tuple<fb::uoffset_t, fb::uoffset_t, int>, fb::Offset<schema::QuantizationParameters>> quant_tables_;
};

}  // namespace

std::vector<uint8_t> write_model(const ModelDef& model, const WriteOptions& options) {
  check_model(model, "write_model");
  std::vector<uint8_t> bytes = options.tight ? write_model_tight(model, options) : Writer(model, options).run();
  return options.zlib ? zlib_deflate(bytes, 9) : bytes;
}

void write_model_file(const ModelDef& model, const std::filesystem::path& path, const WriteOptions& options) {
  write_file_atomic(path, write_model(model, options));
}

}  // namespace tinyfit::tflite
