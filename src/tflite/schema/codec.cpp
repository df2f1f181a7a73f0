#include "tflite/schema/codec.hpp"

#include <iterator>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "tflite/schema/option_specs.hpp"

namespace tinyfit::tflite::codec {

namespace {

using schema::BuiltinOptions;

// ---- TensorType <-> DType ----

struct TypePair {
  DType dtype;
  schema::TensorType schema;
};
constexpr TypePair kTypes[] = {
    {DType::Float32, schema::TensorType::FLOAT32}, {DType::Float16, schema::TensorType::FLOAT16},
    {DType::Int32, schema::TensorType::INT32},     {DType::UInt8, schema::TensorType::UINT8},
    {DType::Int64, schema::TensorType::INT64},     {DType::Bool, schema::TensorType::BOOL},
    {DType::Int16, schema::TensorType::INT16},     {DType::Int8, schema::TensorType::INT8},
};
static_assert(std::size(kTypes) == static_cast<size_t>(DType::Count));

using S = schema::BuiltinOptions;
namespace sc = schema;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Reads one field from `table` (null: the table is absent, so every field is its default).
void read_field(const flatbuffers::Table* table, const Field& f, OpOptions& out, const std::string& where) {
  auto scalar = [&](auto def) { return table ? table->GetField<decltype(def)>(f.slot, def) : def; };
  auto fail = [&](const std::string& what) {
    throw Error(where + ": option " + f.name + " " + what);
  };
  std::visit(
      Overloaded{
          [&](std::monostate) {
            const int8_t v = scalar(static_cast<int8_t>(f.schema_default));
            if (v != f.schema_default) fail("= " + std::to_string(v) + " is not supported by tinyfit");
          },
          [&](int OpOptions::*m) { out.*m = scalar(static_cast<int32_t>(f.schema_default)); },
          [&](bool OpOptions::*m) { out.*m = scalar(static_cast<uint8_t>(f.schema_default)) != 0; },
          [&](float OpOptions::*m) { out.*m = scalar(static_cast<float>(f.schema_default)); },
          [&](Padding OpOptions::*m) {
            const int8_t v = scalar(static_cast<int8_t>(f.schema_default));
            if (v < 0 || v > static_cast<int8_t>(sc::Padding::MAX)) fail("has unknown value " + std::to_string(v));
            out.*m = static_cast<Padding>(v);
          },
          [&](Activation OpOptions::*m) {
            const int8_t v = scalar(static_cast<int8_t>(f.schema_default));
            if (v < 0 || v > static_cast<int8_t>(sc::ActivationFunctionType::MAX)) {
              fail("has unknown value " + std::to_string(v));
            }
            out.*m = static_cast<Activation>(v);
          },
          [&](DType OpOptions::*m) {
            const int8_t v = scalar(static_cast<int8_t>(f.schema_default));
            out.*m = dtype_from_schema(static_cast<schema::TensorType>(v), where + ": option " + f.name);
          },
          [&](std::vector<int32_t> OpOptions::*m) {
            const auto* v = table ? table->GetPointer<const flatbuffers::Vector<int32_t>*>(f.slot) : nullptr;
            if (v) {
              (out.*m).assign(v->begin(), v->end());
            } else {
              (out.*m).clear();
            }
          },
      },
      f.member);
}

bool is_default(const Field& f, const OpOptions& o) {
  return std::visit(
      Overloaded{
          [&](std::monostate) { return true; },
          [&](int OpOptions::*m) { return o.*m == f.schema_default; },
          [&](bool OpOptions::*m) { return (o.*m ? 1 : 0) == f.schema_default; },
          [&](float OpOptions::*m) { return o.*m == static_cast<float>(f.schema_default); },
          [&](Padding OpOptions::*m) { return static_cast<int>(o.*m) == f.schema_default; },
          [&](Activation OpOptions::*m) { return static_cast<int>(o.*m) == f.schema_default; },
          [&](DType OpOptions::*m) { return static_cast<int>(dtype_to_schema(o.*m)) == f.schema_default; },
          [&](std::vector<int32_t> OpOptions::*m) { return (o.*m).empty(); },
      },
      f.member);
}

// An enum value of OpOptions as its schema byte; a value past the schema's last one (a ModelDef built
// by casting) would make a file no runtime reads, so it is refused here.
template <class E, class SchemaE>
int8_t checked_enum(E value, SchemaE max, const Field& f) {
  if (static_cast<int>(value) > static_cast<int>(max)) {
    throw Error("write_model: option " + std::string(f.name) + " has no schema value for " +
                std::to_string(static_cast<int>(value)));
  }
  return static_cast<int8_t>(value);
}

// Adds one field to the table under construction; `vector` is the field's vector, made beforehand.
void write_field(flatbuffers::FlatBufferBuilder& fbb, const Field& f, const OpOptions& o,
                 flatbuffers::Offset<void> vector) {
  std::visit(Overloaded{
                 [&](std::monostate) {},
                 [&](int OpOptions::*m) { fbb.AddElement<int32_t>(f.slot, o.*m, f.schema_default); },
                 [&](bool OpOptions::*m) {
                   fbb.AddElement<uint8_t>(f.slot, o.*m ? 1 : 0, static_cast<uint8_t>(f.schema_default));
                 },
                 [&](float OpOptions::*m) {
                   fbb.AddElement<float>(f.slot, o.*m, static_cast<float>(f.schema_default));
                 },
                 [&](Padding OpOptions::*m) {
                   fbb.AddElement<int8_t>(f.slot, checked_enum(o.*m, sc::Padding::MAX, f),
                                          static_cast<int8_t>(f.schema_default));
                 },
                 [&](Activation OpOptions::*m) {
                   fbb.AddElement<int8_t>(f.slot, checked_enum(o.*m, sc::ActivationFunctionType::MAX, f),
                                          static_cast<int8_t>(f.schema_default));
                 },
                 [&](DType OpOptions::*m) {
                   fbb.AddElement<int8_t>(f.slot, static_cast<int8_t>(dtype_to_schema(o.*m)),
                                          static_cast<int8_t>(f.schema_default));
                 },
                 [&](std::vector<int32_t> OpOptions::*) {
                   if (!vector.IsNull()) fbb.AddOffset(f.slot, vector);
                 },
             },
             f.member);
}

}  // namespace

DType dtype_from_schema(schema::TensorType type, const std::string& where) {
  for (const auto& t : kTypes) {
    if (t.schema == type) return t.dtype;
  }
  const char* name = schema::EnumNameTensorType(type);
  throw Error(where + ": tensor type " + (*name ? std::string(name) : std::to_string(static_cast<int>(type))) +
              " is not supported by tinyfit");
}

schema::TensorType dtype_to_schema(DType type) {
  for (const auto& t : kTypes) {
    if (t.dtype == type) return t.schema;
  }
  throw Error("tensor type #" + std::to_string(static_cast<int>(type)) + " has no TFLite equivalent");
}

OpOptions read_options(const schema::Operator& op, int32_t opcode, const std::string& where) {
  OpOptions out;
  // Options are interpreted by the op, as the runtime does: ops without a table ignore any.
  const BuiltinOptions expected = options_type_of(opcode);
  if (expected == S::NONE) return out;
  const BuiltinOptions actual = op.builtin_options_type();
  if (actual != S::NONE && actual != expected) {
    const char* name = schema::EnumNameBuiltinOptions(actual);
    throw Error(where + ": carries " +
                (*name ? std::string(name) : "options #" + std::to_string(static_cast<int>(actual))) + " but " +
                builtin_op_name(opcode) + " takes " + schema::EnumNameBuiltinOptions(expected));
  }
  const auto* table = actual == S::NONE ? nullptr : static_cast<const flatbuffers::Table*>(op.builtin_options());
  for (const Field& f : spec_of(expected)->fields) read_field(table, f, out, where);
  return out;
}

WrittenOptions write_options(flatbuffers::FlatBufferBuilder& fbb, int32_t opcode, const OpOptions& options) {
  const BuiltinOptions type = options_type_of(opcode);
  const TableSpec* spec = spec_of(type);
  if (!spec) return {};
  bool all_default = true;
  for (const Field& f : spec->fields) all_default = all_default && is_default(f, options);
  if (all_default && !spec->keep_when_default) return {};
  // Vectors first: flatbuffers cannot build another object while a table is open.
  std::vector<flatbuffers::Offset<void>> vectors(spec->fields.size());
  for (size_t i = 0; i < spec->fields.size(); ++i) {
    if (const auto* m = std::get_if<std::vector<int32_t> OpOptions::*>(&spec->fields[i].member)) {
      if (!(options.*(*m)).empty()) vectors[i] = fbb.CreateVector(options.*(*m)).Union();
    }
  }
  const auto start = fbb.StartTable();
  for (size_t i = 0; i < spec->fields.size(); ++i) write_field(fbb, spec->fields[i], options, vectors[i]);
  return {type, flatbuffers::Offset<void>(fbb.EndTable(start))};
}

}  // namespace tinyfit::tflite::codec
