#include "tflite/reader.hpp"

#include <cstring>
#include <type_traits>
#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "tflite/model_bytes.hpp"
#include "tflite/model_check.hpp"
#include "tflite/schema/codec.hpp"

namespace tinyfit::tflite {

namespace {

constexpr uint32_t kSchemaVersion = 3;
// Verifier limits: nesting in a TFLite model is shallow (model → subgraph → operator → options →
// vector), and a model of kMaxModelBytes cannot hold more tables than this meaningfully.
constexpr flatbuffers::uoffset_t kMaxDepth = 64;
constexpr flatbuffers::uoffset_t kMaxTables = 1u << 22;

template <class T>
size_t size_of(const flatbuffers::Vector<T>* v) {
  return v ? v->size() : 0;
}

// Copied bytewise: the verifier checks vector alignment only to 4 bytes, so a hostile file can place
// an 8-byte vector (zero points) where a direct load would be misaligned (found by fuzzing).
template <class Out, class T>
std::vector<Out> to_vector(const flatbuffers::Vector<T>* v) {
  static_assert(std::is_arithmetic_v<T>, "scalar vectors only");
  if (!v) return {};
  std::vector<T> raw(v->size());
  if (!raw.empty()) std::memcpy(raw.data(), v->Data(), raw.size() * sizeof(T));
  return std::vector<Out>(raw.begin(), raw.end());
}

// Where each file buffer's bytes are: inside the flatbuffer (`data`), or for the >2 GB layout at
// [offset, offset + size) from the start of the file.
std::vector<std::span<const uint8_t>> buffer_views(const schema::Model& model, std::span<const uint8_t> file,
                                                   const std::string& source) {
  std::vector<std::span<const uint8_t>> views;
  const auto* buffers = model.buffers();
  for (flatbuffers::uoffset_t i = 0; i < size_of(buffers); ++i) {
    const schema::Buffer* b = buffers->Get(i);
    if (b->offset() > 1) {
      if (b->data() && b->data()->size() > 0) {
        throw Error(source + ": buffer " + std::to_string(i) + " has both inline data and an offset");
      }
      if (b->offset() > file.size() || b->size() > file.size() - b->offset()) {
        throw Error(source + ": buffer " + std::to_string(i) + " points outside the file (offset " +
                    std::to_string(b->offset()) + ", size " + std::to_string(b->size()) + ", file " +
                    std::to_string(file.size()) + " bytes)");
      }
      views.push_back(file.subspan(b->offset(), b->size()));
    } else if (b->data()) {
      views.emplace_back(b->data()->data(), b->data()->size());
    } else {
      views.emplace_back();
    }
  }
  return views;
}

// Maps file buffers to canonical ModelDef buffers (see reader.hpp) as tensors refer to them.
class BufferTable {
 public:
  BufferTable(ModelDef& model, const std::vector<std::span<const uint8_t>>& views) : model_(model), views_(views) {
    model_.buffers.assign(1, {});
  }
  int canonical(uint32_t file_index) {
    const auto data = views_[file_index];
    if (data.empty()) return 0;
    const std::string_view key(reinterpret_cast<const char*>(data.data()), data.size());
    const auto [it, inserted] = index_.try_emplace(key, static_cast<int>(model_.buffers.size()));
    if (inserted) model_.buffers.emplace_back(data.begin(), data.end());
    return it->second;
  }

 private:
  ModelDef& model_;
  const std::vector<std::span<const uint8_t>>& views_;
  std::unordered_map<std::string_view, int> index_;  // views point into the file bytes, alive while reading
};

Quantization read_quantization(const schema::QuantizationParameters* q, const std::string& where) {
  Quantization out;
  if (!q) return out;
  if (q->details_type() != schema::QuantizationDetails::NONE) {
    throw Error(where + ": custom quantization details are not supported");
  }
  // As in the runtime: no scales means not quantized (min/max alone are import hints).
  if (size_of(q->scale()) == 0) return out;
  if (!q->zero_point()) throw Error(where + ": quantization has scales but no zero points");
  out.scale = to_vector<float>(q->scale());
  out.zero_point = to_vector<int64_t>(q->zero_point());
  out.axis = q->quantized_dimension();
  return out;
}

TensorDef read_tensor(const schema::Tensor& t, size_t index, BufferTable& buffers, size_t file_buffers,
                      const std::string& source) {
  TensorDef d;
  if (t.name()) d.name = t.name()->str();
  const std::string where =
      source + ": tensor " + std::to_string(index) + (d.name.empty() ? "" : " (" + d.name + ")");
  d.type = codec::dtype_from_schema(t.type(), where);
  if (size_of(t.shape()) > kMaxTensorRank) {
    throw Error(where + ": rank " + std::to_string(size_of(t.shape())) + " exceeds " + std::to_string(kMaxTensorRank));
  }
  d.shape = to_vector<int32_t>(t.shape());
  if (t.buffer() >= file_buffers) {
    throw Error(where + ": buffer index " + std::to_string(t.buffer()) + " is outside the " +
                std::to_string(file_buffers) + " buffers");
  }
  d.buffer = buffers.canonical(t.buffer());
  if (t.is_variable()) throw Error(where + ": variable tensors are not supported");
  if (t.sparsity()) throw Error(where + ": sparse tensors are not supported");
  d.quant = read_quantization(t.quantization(), where);
  return d;
}

struct OpCode {
  int32_t code;
  int version;
};

std::vector<OpCode> read_op_codes(const schema::Model& model, const std::string& source) {
  std::vector<OpCode> codes;
  const auto* v = model.operator_codes();
  for (flatbuffers::uoffset_t i = 0; i < size_of(v); ++i) {
    const schema::OperatorCode* c = v->Get(i);
    // Old files fill only the byte field, files with codes > 127 only the int: take the larger.
    const int32_t code = std::max<int32_t>(c->deprecated_builtin_code(), c->builtin_code());
    if (code < 0) throw Error(source + ": operator code " + std::to_string(i) + " is negative");
    codes.push_back({code, c->version()});
  }
  return codes;
}

void read_operators(const schema::SubGraph& graph, const std::vector<OpCode>& codes, ModelDef& model,
                    const std::string& source) {
  const auto* ops = graph.operators();
  for (flatbuffers::uoffset_t i = 0; i < size_of(ops); ++i) {
    const schema::Operator* op = ops->Get(i);
    const std::string where = source + ": operator " + std::to_string(i);
    if (op->opcode_index() >= codes.size()) {
      throw Error(where + ": opcode index " + std::to_string(op->opcode_index()) + " is outside the " +
                  std::to_string(codes.size()) + " operator codes");
    }
    const OpCode code = codes[op->opcode_index()];
    OperatorDef d;
    d.opcode = code.code;
    d.version = code.version;
    d.inputs = to_vector<int>(op->inputs());
    d.outputs = to_vector<int>(op->outputs());
    d.options = codec::read_options(*op, code.code, where + " (" + builtin_op_name(code.code) + ")");
    model.operators.push_back(std::move(d));
  }
}

void read_metadata(const schema::Model& model, const std::vector<std::span<const uint8_t>>& views,
                   ModelDef& out, const std::string& source) {
  const auto* entries = model.metadata();
  for (flatbuffers::uoffset_t i = 0; i < size_of(entries); ++i) {
    const schema::Metadata* m = entries->Get(i);
    std::string name = m->name() ? m->name()->str() : std::string();
    if (m->buffer() >= views.size()) {
      throw Error(source + ": metadata \"" + name + "\" refers to buffer " + std::to_string(m->buffer()) +
                  " of " + std::to_string(views.size()));
    }
    const auto data = views[m->buffer()];
    out.metadata.emplace_back(std::move(name), std::vector<uint8_t>(data.begin(), data.end()));
  }
}

ModelDef convert(const schema::Model& model, std::span<const uint8_t> file, const std::string& source) {
  if (model.version() != kSchemaVersion) {
    throw Error(source + ": schema version " + std::to_string(model.version()) + " (tinyfit reads version 3)");
  }
  if (size_of(model.subgraphs()) != 1) {
    throw Error(source + ": " + std::to_string(size_of(model.subgraphs())) +
                " subgraphs (tinyfit supports exactly one)");
  }
  const schema::SubGraph& graph = *model.subgraphs()->Get(0);
  const auto views = buffer_views(model, file, source);

  ModelDef out;
  BufferTable buffers(out, views);
  const auto* tensors = graph.tensors();
  for (flatbuffers::uoffset_t i = 0; i < size_of(tensors); ++i) {
    out.tensors.push_back(read_tensor(*tensors->Get(i), i, buffers, views.size(), source));
  }
  read_operators(graph, read_op_codes(model, source), out, source);
  out.inputs = to_vector<int>(graph.inputs());
  out.outputs = to_vector<int>(graph.outputs());
  read_metadata(model, views, out, source);
  if (model.description()) out.description = model.description()->str();
  check_model(out, source);
  return out;
}

}  // namespace

ModelDef read_model(std::span<const uint8_t> bytes, const std::string& source_name) {
  // unpack copies into a vector, which also gives the flatbuffer the alignment its scalar reads need
  // (a caller's span may start anywhere).
  const ModelBytes unpacked = unpack_model_bytes(bytes, source_name);
  const std::vector<uint8_t>& fb = unpacked.flatbuffer;
  flatbuffers::Verifier verifier(fb.data(), fb.size(), kMaxDepth, kMaxTables);
  if (!schema::VerifyModelBuffer(verifier)) {
    throw Error(source_name + ": corrupt or truncated TFLite flatbuffer (" + std::to_string(fb.size()) +
                " bytes fail verification)");
  }
  return convert(*schema::GetModel(fb.data()), fb, source_name);
}

ModelDef read_model_file(const std::filesystem::path& path) {
  return read_model(read_file_bytes(path), path.string());
}

}  // namespace tinyfit::tflite
