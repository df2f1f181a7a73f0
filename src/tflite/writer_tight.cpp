#include "tflite/writer_tight.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <random>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "tflite/schema/codec.hpp"

namespace tinyfit::tflite {

namespace {

// A flatbuffer as a graph of objects, laid out at the end (Graph::finish). Objects with the same
// content get the same id, so sharing is automatic.
class Graph {
 public:
  using Id = int;

  // One table field: a 1- or 4-byte scalar, or (ref >= 0) a uoffset to another object.
  struct Field {
    uint16_t index;
    uint8_t size;
    uint32_t value;
    Id ref = -1;
  };

  Id table(std::vector<Field> fields) {
    Obj o{.kind = Kind::Table};
    // 4-byte fields first, then bytes: no padding inside the table.
    std::stable_sort(fields.begin(), fields.end(), [](const Field& a, const Field& b) { return a.size > b.size; });
    uint16_t slots = 0;
    for (const Field& f : fields) slots = std::max<uint16_t>(slots, static_cast<uint16_t>(f.index + 1));
    o.vtable.assign(static_cast<size_t>(slots) + 2, 0);
    uint32_t at = 4;  // after the soffset to the vtable
    for (const Field& f : fields) {
      o.vtable[static_cast<size_t>(f.index) + 2] = static_cast<uint16_t>(at);
      if (f.ref >= 0) o.refs.emplace_back(at, f.ref);
      for (uint8_t i = 0; i < f.size; ++i) o.bytes.push_back(static_cast<uint8_t>(f.ref >= 0 ? 0 : f.value >> (8 * i)));
      at += f.size;
    }
    while (o.bytes.size() % 4 != 0) o.bytes.push_back(0);
    o.vtable[0] = static_cast<uint16_t>(2 * o.vtable.size());
    o.vtable[1] = static_cast<uint16_t>(4 + o.bytes.size());
    return intern(std::move(o));
  }

  // A vector of uoffsets (tables, strings, vectors).
  Id offsets(const std::vector<Id>& items) {
    Obj o{.kind = Kind::Offsets};
    for (size_t i = 0; i < items.size(); ++i) o.refs.emplace_back(static_cast<uint32_t>(4 + 4 * i), items[i]);
    return intern(std::move(o));
  }

  // A vector of scalars (element size 1, 4 or 8), or a string (its NUL terminator included).
  // `align`: a larger alignment for the elements (buffer bytes read as wider types).
  Id scalars(const void* data, size_t count, size_t elem_size, bool nul = false, size_t align = 4) {
    Obj o{.kind = Kind::Scalars, .align = std::max({elem_size, align, size_t{4}})};
    const auto n = static_cast<uint32_t>(count);
    for (int i = 0; i < 4; ++i) o.bytes.push_back(static_cast<uint8_t>(n >> (8 * i)));
    const auto* p = static_cast<const uint8_t*>(data);
    o.bytes.insert(o.bytes.end(), p, p + count * elem_size);
    if (nul) o.bytes.push_back(0);
    return intern(std::move(o));
  }
  template <class T>
  Id vec(const std::vector<T>& v) { return scalars(v.data(), v.size(), sizeof(T)); }
  Id string(const std::string& s) { return scalars(s.data(), s.size(), 1, true); }

  std::vector<uint8_t> finish(Id root, const char* identifier);

 private:
  enum class Kind { Table, Offsets, Scalars };
  struct Obj {
    Kind kind;
    std::vector<uint8_t> bytes;    // Table: inline fields after the soffset; Scalars: length, elements
    std::vector<uint16_t> vtable;  // Table only
    std::vector<std::pair<uint32_t, Id>> refs;  // (byte position from the object's start, target)
    size_t align = 4;              // Scalars: alignment of the elements (4 or 8)
    size_t pos = 0;                // in the file, set by finish
  };

  Id intern(Obj o) {
    std::string key(1, static_cast<char>(o.kind));
    auto put = [&key](const void* p, size_t n) { key.append(static_cast<const char*>(p), n); key += '|'; };
    put(o.bytes.data(), o.bytes.size());
    put(o.vtable.data(), o.vtable.size() * 2);
    put(o.refs.data(), o.refs.size() * sizeof(o.refs[0]));
    put(&o.align, sizeof(o.align));
    const auto [it, inserted] = index_.try_emplace(std::move(key), static_cast<Id>(objs_.size()));
    if (inserted) objs_.push_back(std::move(o));
    return it->second;
  }

  size_t size_of(const Obj& o) const {
    return o.kind == Kind::Table ? 4 + o.bytes.size() : o.kind == Kind::Offsets ? 4 + 4 * o.refs.size() : o.bytes.size();
  }

  std::vector<Obj> objs_;
  std::map<std::string, Id> index_;
};

// Where `needle` can go in `pool` (positions relative to `base` in the file): inside it, overlapping
// its end, or appended; positions pass `ok`. Grows the pool as needed and returns the position.
template <class Ok>
size_t place(std::vector<uint8_t>& pool, const std::vector<uint8_t>& needle, size_t step, Ok ok) {
  for (size_t p = 0; p + needle.size() <= pool.size(); p += step)
    if (ok(p) && std::equal(needle.begin(), needle.end(), pool.begin() + static_cast<std::ptrdiff_t>(p))) return p;
  size_t p = pool.size() > needle.size() ? (pool.size() - needle.size() + step - 1) / step * step : 0;
  for (; p < pool.size(); p += step) {  // the longest overlap with the tail first
    if (!ok(p)) continue;
    const size_t k = pool.size() - p;
    if (std::equal(pool.begin() + static_cast<std::ptrdiff_t>(p), pool.end(), needle.begin())) {
      pool.insert(pool.end(), needle.begin() + static_cast<std::ptrdiff_t>(k), needle.end());
      return p;
    }
  }
  while (!ok(p)) p += step;
  pool.resize(p, 0);
  pool.insert(pool.end(), needle.begin(), needle.end());
  return p;
}

// A place in `area` (2-aligned) that serves as vtable `v`: the same field offsets, absent fields
// beyond its end or 0, and a table size at least v's (the verifier only checks that the claimed size
// lies inside the file; tables come before the area, so a size up to the area's is safe). SIZE_MAX if none.
size_t find_vtable(const std::vector<uint8_t>& area, const std::vector<uint16_t>& v) {
  auto at = [&area](size_t p) { return static_cast<uint16_t>(area[p] | area[p + 1] << 8); };
  for (size_t p = 0; p + 4 <= area.size(); p += 2) {
    const size_t size = at(p), table = at(p + 2);
    if (size < 4 || size % 2 != 0 || p + size > area.size() || table < v[1] || table > area.size()) continue;
    const size_t entries = std::max(size / 2 - 2, v.size() - 2);
    bool same = true;
    for (size_t i = 0; i < entries && same; ++i)
      same = (i < size / 2 - 2 ? at(p + 4 + 2 * i) : 0) == (i < v.size() - 2 ? v[i + 2] : 0);
    if (same) return p;
  }
  return SIZE_MAX;
}

std::vector<uint8_t> Graph::finish(Id root, const char* identifier) {
  // Tables and offset vectors in an order where every object comes after all objects that refer to
  // it (uoffsets point forward): Kahn's algorithm from the root, first-discovered first.
  std::vector<int> pending(objs_.size(), 0);
  std::vector<bool> seen(objs_.size(), false);
  std::vector<Id> reachable{root};
  seen[static_cast<size_t>(root)] = true;
  for (size_t i = 0; i < reachable.size(); ++i)
    for (const auto& [at, target] : objs_[static_cast<size_t>(reachable[i])].refs) {
      ++pending[static_cast<size_t>(target)];
      if (!seen[static_cast<size_t>(target)]) seen[static_cast<size_t>(target)] = true, reachable.push_back(target);
    }
  std::vector<Id> order, blobs;
  std::deque<Id> ready{root};
  while (!ready.empty()) {
    const Id id = ready.front();
    ready.pop_front();
    (objs_[static_cast<size_t>(id)].kind == Kind::Scalars ? blobs : order).push_back(id);
    for (const auto& [at, target] : objs_[static_cast<size_t>(id)].refs)
      if (--pending[static_cast<size_t>(target)] == 0) ready.push_back(target);
  }

  size_t pos = 8;  // root uoffset, file identifier
  for (Id id : order) {
    Obj& o = objs_[static_cast<size_t>(id)];
    o.pos = pos;
    pos += size_of(o);
  }

  // Scalar vectors: 8-aligned ones first (their padding is cheapest at the start), then longest
  // first so that shorter ones are found inside them; odd-length byte data last.
  std::stable_sort(blobs.begin(), blobs.end(), [&](Id a, Id b) {
    const Obj& x = objs_[static_cast<size_t>(a)];
    const Obj& y = objs_[static_cast<size_t>(b)];
    const bool xo = x.bytes.size() % 4 != 0, yo = y.bytes.size() % 4 != 0;
    if (xo != yo) return yo;
    if (x.align != y.align) return x.align > y.align;
    return x.bytes.size() > y.bytes.size();
  });
  const size_t base = pos;
  std::vector<uint8_t> pool;
  for (Id id : blobs) {
    Obj& o = objs_[static_cast<size_t>(id)];
    const size_t align = o.align;
    o.pos = base + place(pool, o.bytes, 4, [&](size_t p) { return (base + p + 4) % align == 0; });
  }

  // Vtables: inside the pool or inside one another where their bytes occur, longest first.
  std::map<std::vector<uint16_t>, size_t> vtable_pos;
  for (const Obj& o : objs_)
    if (o.kind == Kind::Table) vtable_pos.emplace(o.vtable, 0);
  std::vector<std::vector<uint16_t>> vtables;
  for (const auto& [v, p] : vtable_pos) vtables.push_back(v);
  std::stable_sort(vtables.begin(), vtables.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::vector<uint8_t> area(pool.begin(), pool.end());  // searched as one region: pool, then vtables
  if ((base + pool.size()) % 2) area.push_back(0);
  for (const auto& v : vtables) {
    std::vector<uint8_t> bytes(v.size() * 2);
    std::memcpy(bytes.data(), v.data(), bytes.size());
    const size_t found = find_vtable(area, v);
    vtable_pos[v] = base + (found != SIZE_MAX ? found : place(area, bytes, 2, [](size_t) { return true; }));
  }

  std::vector<uint8_t> file(base + area.size(), 0);
  auto put32 = [&file](size_t at, uint32_t v) { std::memcpy(&file[at], &v, 4); };
  put32(0, static_cast<uint32_t>(objs_[static_cast<size_t>(root)].pos));
  std::memcpy(&file[4], identifier, 4);
  std::copy(area.begin(), area.end(), file.begin() + static_cast<std::ptrdiff_t>(base));
  for (Id id : order) {
    const Obj& o = objs_[static_cast<size_t>(id)];
    if (o.kind == Kind::Table) {
      const auto soffset = static_cast<int32_t>(static_cast<int64_t>(o.pos) - static_cast<int64_t>(vtable_pos[o.vtable]));
      std::memcpy(&file[o.pos], &soffset, 4);
      std::copy(o.bytes.begin(), o.bytes.end(), file.begin() + static_cast<std::ptrdiff_t>(o.pos + 4));
    } else {
      put32(o.pos, static_cast<uint32_t>(o.refs.size()));
    }
    for (const auto& [at, target] : o.refs) {
      const size_t to = objs_[static_cast<size_t>(target)].pos;
      if (to <= o.pos + at) throw Error("write_model (tight): internal error, an offset would point backwards");
      put32(o.pos + at, static_cast<uint32_t>(to - (o.pos + at)));
    }
  }
  return file;
}

// Schema field indices (tflite.fbs) of the tables written here.
namespace model_f { constexpr uint16_t version = 0, codes = 1, subgraphs = 2, buffers = 4, metadata = 6; }
namespace code_f { constexpr uint16_t deprecated = 0, version = 2, builtin = 3; }
namespace subgraph_f { constexpr uint16_t tensors = 0, inputs = 1, outputs = 2, operators = 3; }
namespace tensor_f { constexpr uint16_t shape = 0, type = 1, buffer = 2, quantization = 4; }
namespace quant_f { constexpr uint16_t scale = 2, zero_point = 3, axis = 6; }
namespace op_f { constexpr uint16_t opcode = 0, inputs = 1, outputs = 2, options_type = 3, options = 4; }
namespace fc_f { constexpr uint16_t activation = 0, keep_num_dims = 2, asymmetric = 3; }
namespace conv_f { constexpr uint16_t padding = 0, stride_w = 1, stride_h = 2, activation = 3, dilation_w = 4, dilation_h = 5; }
constexpr uint16_t kReshapeNewShape = 0, kBufferData = 0, kMetadataName = 0, kMetadataBuffer = 1;
constexpr uint32_t kSchemaVersion = 3;
constexpr int32_t kCustomOpcode = 32;  // BuiltinOperator CUSTOM: ModelDef carries no custom code to write
constexpr std::string_view kConverterMetadata[] = {"min_runtime_version", "CONVERSION_METADATA"};

using Field = Graph::Field;

// The operator's options table, or -1 when it has none (all fields default).
Graph::Id write_options(Graph& g, const OperatorDef& op, uint8_t& type) {
  const OpOptions& o = op.options;
  std::vector<Field> fields;
  if (op.opcode == static_cast<int32_t>(BuiltinOp::FullyConnected)) {
    type = static_cast<uint8_t>(schema::BuiltinOptions::FullyConnectedOptions);
    if (o.activation != Activation::None) fields.push_back({fc_f::activation, 1, static_cast<uint32_t>(o.activation)});
    if (o.keep_dims) fields.push_back({fc_f::keep_num_dims, 1, 1});
    if (o.asymmetric_quantize_inputs) fields.push_back({fc_f::asymmetric, 1, 1});
  } else if (op.opcode == static_cast<int32_t>(BuiltinOp::Conv2D)) {
    // Schema defaults: padding SAME, strides 0 (so always written), dilations 1.
    type = static_cast<uint8_t>(schema::BuiltinOptions::Conv2DOptions);
    fields.push_back({conv_f::stride_w, 4, static_cast<uint32_t>(o.stride_w)});
    fields.push_back({conv_f::stride_h, 4, static_cast<uint32_t>(o.stride_h)});
    if (o.dilation_w != 1) fields.push_back({conv_f::dilation_w, 4, static_cast<uint32_t>(o.dilation_w)});
    if (o.dilation_h != 1) fields.push_back({conv_f::dilation_h, 4, static_cast<uint32_t>(o.dilation_h)});
    if (o.padding != Padding::Same) fields.push_back({conv_f::padding, 1, static_cast<uint32_t>(o.padding)});
    if (o.activation != Activation::None) fields.push_back({conv_f::activation, 1, static_cast<uint32_t>(o.activation)});
  } else if (op.opcode == static_cast<int32_t>(BuiltinOp::Reshape)) {
    type = static_cast<uint8_t>(schema::BuiltinOptions::ReshapeOptions);
    if (!o.new_shape.empty()) fields.push_back({kReshapeNewShape, 4, 0, g.vec(o.new_shape)});
  } else {
    flatbuffers::FlatBufferBuilder scratch;
    if (codec::write_options(scratch, op.opcode, o).type != schema::BuiltinOptions::NONE)
      throw Error(std::string("write_model (tight layout): options of ") + builtin_op_name(op.opcode) +
                  " are not supported; use the compact layout");
  }
  if (fields.empty()) return -1;
  return g.table(std::move(fields));
}

}  // namespace

namespace {

std::vector<uint8_t> write_in_order(const ModelDef& m, const WriteOptions& options) {
  Graph g;
  // Buffers: 0 empty, then each distinct byte string once, in first-use order.
  // A buffer's data is aligned for the widest element type read from it.
  std::vector<const std::vector<uint8_t>*> buffers{nullptr};
  std::vector<size_t> buffer_align{4};
  // Keyed by the bytes as a string: a vector<uint8_t> key makes GCC 12 warn falsely (-Wstringop-overread).
  std::map<std::string, uint32_t> buffer_index;
  auto buffer_of = [&](const std::vector<uint8_t>& bytes, DType type) -> uint32_t {
    if (bytes.empty()) return 0;
    const auto [it, inserted] =
        buffer_index.try_emplace(std::string(bytes.begin(), bytes.end()), static_cast<uint32_t>(buffers.size()));
    if (inserted) buffers.push_back(&bytes), buffer_align.push_back(4);
    buffer_align[it->second] = std::max(buffer_align[it->second], dtype_size(type));
    return it->second;
  };

  std::vector<Graph::Id> tensors;
  for (const TensorDef& t : m.tensors) {
    std::vector<Field> f{{tensor_f::shape, 4, 0, g.vec(t.shape)}};
    if (const auto type = static_cast<uint32_t>(codec::dtype_to_schema(t.type)); type != 0)
      f.push_back({tensor_f::type, 1, type});
    if (const uint32_t b = buffer_of(m.buffers[static_cast<size_t>(t.buffer)], t.type); b != 0) f.push_back({tensor_f::buffer, 4, b});
    if (!t.quant.empty()) {
      std::vector<Field> q{{quant_f::scale, 4, 0, g.vec(t.quant.scale)}, {quant_f::zero_point, 4, 0, g.vec(t.quant.zero_point)}};
      if (t.quant.axis != 0) q.push_back({quant_f::axis, 4, static_cast<uint32_t>(t.quant.axis)});
      f.push_back({tensor_f::quantization, 4, 0, g.table(std::move(q))});
    }
    tensors.push_back(g.table(std::move(f)));
  }

  // Operator codes by use count (ties: first use), so the commonest needs no opcode_index field.
  std::map<std::pair<int32_t, int>, std::pair<int, size_t>> uses;  // (code, version) -> (-count, first use)
  for (size_t i = 0; i < m.operators.size(); ++i) {
    const OperatorDef& op = m.operators[i];
    if (op.opcode == kCustomOpcode) throw Error("write_model: CUSTOM operators cannot be written");
    auto [it, inserted] = uses.try_emplace({op.opcode, op.version}, std::make_pair(0, i));
    --it->second.first;
  }
  std::vector<std::pair<std::pair<int, size_t>, std::pair<int32_t, int>>> ranked;
  for (const auto& [key, rank] : uses) ranked.push_back({rank, key});
  std::sort(ranked.begin(), ranked.end());
  std::map<std::pair<int32_t, int>, uint32_t> code_index;
  std::vector<Graph::Id> codes;
  for (const auto& [rank, key] : ranked) {
    const auto [code, version] = key;
    code_index[key] = static_cast<uint32_t>(codes.size());
    std::vector<Field> f{{code_f::deprecated, 1, static_cast<uint32_t>(std::min<int32_t>(code, 127))}};
    if (version != 1) f.push_back({code_f::version, 4, static_cast<uint32_t>(version)});
    if (code >= 127 || options.both_code_fields) f.push_back({code_f::builtin, 4, static_cast<uint32_t>(code)});
    codes.push_back(g.table(std::move(f)));
  }

  std::vector<Graph::Id> operators;
  for (const OperatorDef& op : m.operators) {
    std::vector<Field> f{{op_f::inputs, 4, 0, g.vec(op.inputs)}, {op_f::outputs, 4, 0, g.vec(op.outputs)}};
    if (const uint32_t index = code_index[{op.opcode, op.version}]; index != 0) f.push_back({op_f::opcode, 4, index});
    uint8_t type = 0;
    if (const Graph::Id table = write_options(g, op, type); table >= 0) {
      f.push_back({op_f::options, 4, 0, table});
      f.push_back({op_f::options_type, 1, type});
    }
    operators.push_back(g.table(std::move(f)));
  }
  const Graph::Id subgraph = g.table({{subgraph_f::tensors, 4, 0, g.offsets(tensors)},
                                      {subgraph_f::inputs, 4, 0, g.vec(m.inputs)},
                                      {subgraph_f::outputs, 4, 0, g.vec(m.outputs)},
                                      {subgraph_f::operators, 4, 0, g.offsets(operators)}});

  std::vector<Graph::Id> metadata;
  for (const auto& [name, bytes] : m.metadata) {
    if (!options.keep_converter_metadata &&
        std::find(std::begin(kConverterMetadata), std::end(kConverterMetadata), name) != std::end(kConverterMetadata))
      continue;
    // Metadata buffers are never shared with tensors' (an empty entry still gets its own index).
    buffers.push_back(&bytes);
    buffer_align.push_back(4);
    metadata.push_back(g.table({{kMetadataName, 4, 0, g.string(name)},
                                {kMetadataBuffer, 4, static_cast<uint32_t>(buffers.size() - 1)}}));
  }
  std::vector<Graph::Id> buffer_tables;
  for (size_t i = 0; i < buffers.size(); ++i) {
    const auto* bytes = buffers[i];
    buffer_tables.push_back(bytes && !bytes->empty()
                                ? g.table({{kBufferData, 4, 0, g.scalars(bytes->data(), bytes->size(), 1, false, buffer_align[i])}})
                                : g.table({}));
  }

  std::vector<Field> model{{model_f::version, 4, kSchemaVersion},
                           {model_f::codes, 4, 0, g.offsets(codes)},
                           {model_f::subgraphs, 4, 0, g.offsets({subgraph})},
                           {model_f::buffers, 4, 0, g.offsets(buffer_tables)}};
  if (!metadata.empty()) model.push_back({model_f::metadata, 4, 0, g.offsets(metadata)});
  return g.finish(g.table(std::move(model)), "TFL3");
}

// The same model with tensor i moved to position order[i]; every index list follows.
ModelDef renumbered(const ModelDef& m, const std::vector<int>& order) {
  ModelDef r = m;
  for (size_t i = 0; i < m.tensors.size(); ++i) r.tensors[static_cast<size_t>(order[i])] = m.tensors[i];
  auto map = [&order](std::vector<int>& list) {
    for (int& t : list)
      if (t >= 0) t = order[static_cast<size_t>(t)];
  };
  for (OperatorDef& op : r.operators) map(op.inputs), map(op.outputs);
  map(r.inputs);
  map(r.outputs);
  return r;
}

}  // namespace

// Tensor numbers are free, and they decide which index lists coincide with, sit inside or overlap
// shape vectors and each other. For small graphs, a fixed sequence of pseudo-random numberings is
// tried and the smallest file kept (the first of equals): deterministic, a few milliseconds.
std::vector<uint8_t> write_model_tight(const ModelDef& m, const WriteOptions& options) {
  std::vector<uint8_t> best = write_in_order(m, options);
  constexpr size_t kMaxTensors = 24;
  constexpr int kTrials = 3000;
  if (m.tensors.size() > kMaxTensors) return best;
  std::mt19937 rng(7);  // the engine's output sequence is fixed by the standard, unlike std::shuffle's use of it
  std::vector<int> order(m.tensors.size());
  for (int trial = 0; trial < kTrials; ++trial) {
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    std::vector<uint8_t> bytes = write_in_order(renumbered(m, order), options);
    if (bytes.size() < best.size()) best = std::move(bytes);
  }
  return best;
}

}  // namespace tinyfit::tflite
