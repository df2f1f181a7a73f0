// The option tables tinyfit reads and writes, described once as data (internal to tinyfit_tflite).
//
// Each field names its slot in the schema table (the generated VT_* constant, i.e. its id), the
// OpOptions member it maps to and its schema default. Reading, writing and "is this table all
// defaults?" all walk these lists, so a field cannot be handled in one direction and forgotten in
// the other.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "tflite/model.hpp"
#include "tflite/schema/schema_generated.h"

namespace tinyfit::tflite::codec {

using Member = std::variant<std::monostate,  // a field tinyfit cannot represent: must keep its default
                            int OpOptions::*, bool OpOptions::*, float OpOptions::*, Padding OpOptions::*,
                            Activation OpOptions::*, DType OpOptions::*, std::vector<int32_t> OpOptions::*>;

struct Field {
  const char* name;
  flatbuffers::voffset_t slot;
  Member member;
  int schema_default = 0;
};

struct TableSpec {
  schema::BuiltinOptions type;
  std::span<const Field> fields;
  // ADD/SUB: an absent table reads as pot_scale_int16 = false in the runtime but an empty one as
  // true (the schema default), so the writer keeps even an empty table for them.
  bool keep_when_default = false;
};

// The schema table of `opcode` (NONE for ops that take none, and for ops tinyfit does not know).
schema::BuiltinOptions options_type_of(int32_t opcode);
// The fields of an option table tinyfit knows; null for the others.
const TableSpec* spec_of(schema::BuiltinOptions type);

}  // namespace tinyfit::tflite::codec
