// Writes a ModelDef as a TFLite flatbuffer that the official runtime (and tinyfit's reader) loads,
// holding only what a runtime needs, so that small models stay small.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "tflite/model.hpp"

namespace tinyfit::tflite {

struct WriteOptions {
  bool keep_names = false;        // tensor names (debugging aids; nothing at run time reads them)
  bool zlib = false;              // compress the whole file with zlib, level 9 (the `.tflite.zlib` form)
  bool keep_description = false;  // ModelDef::description ("MLIR Converted." in converter output)
  // Metadata entries that converters add for their own bookkeeping ("min_runtime_version",
  // "CONVERSION_METADATA"): dropped unless asked for. Every other ModelDef::metadata entry (e.g.
  // tinyfit's own "tinyfit" feature parameters) is always written.
  bool keep_converter_metadata = false;
  // Size options; the defaults write what converters write. buffer_alignment: alignment of buffer
  // data in the file, the schema's force_align 16 by default; 4 (the least a flatbuffer vector
  // gets) suffices for float / int32 data, and a buffer read as 8-byte elements is always aligned
  // to 8. both_code_fields false: codes < 127 go in deprecated_builtin_code only (runtimes read the
  // larger of the two fields, pre-2.4 ones only the byte).
  size_t buffer_alignment = 16;
  bool both_code_fields = true;
  // The hand-laid layout of writer_tight.hpp (smallest; names and description are never written,
  // buffer_alignment is not used). For models of a few hundred bytes.
  bool tight = false;
};

// Throws Error if the ModelDef fails check_model (so no file a runtime would reject is produced).
//
// Layout choices, all for size: identical buffers are stored once (and every data-less tensor
// points at the empty buffer 0), operator codes are deduplicated by (code, version), identical
// shapes / index lists / quantization parameters are shared, default-valued fields and option tables
// whose fields are all defaults are omitted. Buffer data is 16-byte aligned in the file and operator
// codes carry both builtin_code and deprecated_builtin_code = min(code, 127), as modern converters
// do, unless WriteOptions asks for the smaller layout.
std::vector<uint8_t> write_model(const ModelDef& model, const WriteOptions& options = {});

// write_model, then an atomic write of the file (a crash never leaves a partial model).
void write_model_file(const ModelDef& model, const std::filesystem::path& path, const WriteOptions& options = {});

}  // namespace tinyfit::tflite
