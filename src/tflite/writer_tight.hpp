// The "tight" TFLite layout (WriteOptions::tight): the flatbuffer laid out by hand instead of by
// flatbuffers::FlatBufferBuilder, for models of a few hundred bytes where the container is most of
// the file. Internal to tinyfit_tflite; write_model dispatches to it.
//
// Everything it writes is a plain flatbuffer that the schema's verifier accepts; the savings come
// from what a builder does not do:
//  - every object with the same bytes is stored once and referenced many times (a flatbuffer may be
//    a DAG), tables included, and a scalar vector may start inside another one, or overlap the end
//    of the one before it, when their bytes agree (shape and index lists share most of their words);
//  - a vtable is stored where its bytes already occur, in the vector pool or inside a longer
//    vtable, before one is appended;
//  - tables hold only non-default fields, 4-byte fields before 1-byte ones, and are padded to 4 only;
//  - operator codes are numbered by use count, so the most used one gets the default index 0;
//  - no names, no description, no converter metadata, buffer data 4-byte aligned (8 for 8-byte
//    elements), operator codes in deprecated_builtin_code alone (the runtime reads the larger of the
//    two fields) unless the code is >= 127.
// Only the option tables of FULLY_CONNECTED, RESHAPE and CONV_2D are supported (what the forecasters use);
// any other operator must have all-default options, else Error.
#pragma once

#include <cstdint>
#include <vector>

#include "tflite/model.hpp"
#include "tflite/writer.hpp"

namespace tinyfit::tflite {

std::vector<uint8_t> write_model_tight(const ModelDef& model, const WriteOptions& options);

}  // namespace tinyfit::tflite
