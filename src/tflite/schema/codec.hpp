// Conversions between the flatbuffer schema's values and ModelDef's, shared by the reader and the
// writer so both directions come from one description. Internal to tinyfit_tflite: it includes the
// flatc-generated code, which no public header may do.
#pragma once

#include <cstdint>
#include <string>

#include "tflite/model.hpp"
#include "tflite/schema/schema_generated.h"

namespace tinyfit::tflite::codec {

// Throws Error("<where>: ...") for schema types tinyfit has no DType for (STRING, COMPLEX64, ...).
DType dtype_from_schema(schema::TensorType type, const std::string& where);
schema::TensorType dtype_to_schema(DType type);

// Options of one operator. The reader reads the table the file carries; when the op's own table is
// absent it gets that table's schema defaults (the runtime's view of an empty table), so that
// write → read is the identity even though the writer omits tables whose fields are all defaults.
// Throws Error("<where>: ...") for option values tinyfit cannot represent (shuffled FC weights,
// strided-slice offset, bad enum values) or a table that does not belong to a known op.
OpOptions read_options(const schema::Operator& op, int32_t opcode, const std::string& where);

// The options table for `opcode` (NONE and a null offset when the op has none or all its fields are
// schema defaults).
struct WrittenOptions {
  schema::BuiltinOptions type = schema::BuiltinOptions::NONE;
  flatbuffers::Offset<void> table;
};
WrittenOptions write_options(flatbuffers::FlatBufferBuilder& fbb, int32_t opcode, const OpOptions& options);

}  // namespace tinyfit::tflite::codec
