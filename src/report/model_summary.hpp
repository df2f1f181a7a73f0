// What a .tflite file is made of, for the report's layer table and size breakdown: one row per
// operator (output shape, parameters, multiply-accumulates, constant bytes it brings) and the file's
// bytes split by purpose. Computed from tinyfit's reader, so it describes the file as written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyfit::tflite {
struct ModelDef;
}

namespace tinyfit::report {

struct LayerRow {
  std::string op;                    // "CONV_2D", ...
  std::vector<int32_t> output_shape;
  std::string output_type;           // "int8", "float32", ...
  int64_t parameters = 0;            // elements of the weights and bias it owns
  int64_t macs = 0;                  // multiply-accumulates per inference (0: not a MAC op)
  size_t bytes = 0;                  // constant data first used by this operator
};

// Flatbuffer bytes by purpose. weights + biases + other_constants = every constant buffer;
// quantization = the distinct scale (float32) and zero-point (int64) vectors of the tensors; metadata = payload
// of the metadata buffers (tinyfit's feature parameters, converter versions); graph = the rest
// (tensor and operator tables, shapes, names, flatbuffer offsets and padding).
struct SizeBreakdown {
  size_t weights = 0, biases = 0, other_constants = 0, quantization = 0, metadata = 0, graph = 0;
  size_t flatbuffer = 0;   // sum of the above
  size_t file = 0;         // bytes of the file on disk (zlib stream when compressed)
  bool compressed = false;
};

struct ModelSummary {
  std::vector<LayerRow> layers;
  SizeBreakdown size;
  int64_t parameters = 0, macs = 0;
  std::vector<int32_t> input_shape;
  std::string input_type;
};

// Throws Error naming `file` when it is missing or not a readable TFLite model (raw or zlib).
ModelSummary summarize_model_file(const std::filesystem::path& file);
ModelSummary summarize_model(const tflite::ModelDef& model, size_t flatbuffer_bytes);

}  // namespace tinyfit::report
