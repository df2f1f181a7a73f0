// tinyfit's own description of a TFLite model: what the reader produces, the interpreter runs and
// the writer emits. Plain values, no flatbuffer types, so every stage can be tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tflite/builtin_op.hpp"
#include "tflite/tensor.hpp"

namespace tinyfit::tflite {

enum class Padding : uint8_t { Same = 0, Valid = 1 };  // schema Padding values
// schema ActivationFunctionType values
enum class Activation : uint8_t { None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4, SignBit = 5 };

// The builtin options tinyfit understands, flattened into one struct (each op reads its fields;
// the rest keep their defaults). Field names follow the schema's option tables.
struct OpOptions {
  Padding padding = Padding::Same;
  int stride_w = 1, stride_h = 1;
  int dilation_w = 1, dilation_h = 1;
  int filter_w = 1, filter_h = 1;           // pools
  int depth_multiplier = 1;                 // DEPTHWISE_CONV_2D
  Activation activation = Activation::None;
  bool keep_dims = false;                   // MEAN (ReducerOptions), FULLY_CONNECTED keep_num_dims
  bool asymmetric_quantize_inputs = false;  // hybrid FC / conv
  int axis = 0;                             // CONCATENATION, PACK
  int values_count = 0;                     // PACK
  std::vector<int32_t> new_shape;           // RESHAPE options form
  std::vector<int32_t> squeeze_dims;        // SQUEEZE
  int begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  float beta = 1.0f;                        // SOFTMAX
  DType out_type = DType::Int32;            // SHAPE
};

struct TensorDef {
  std::string name;  // the writer drops names unless asked to keep them
  DType type = DType::Float32;
  std::vector<int32_t> shape;
  Quantization quant;
  int buffer = 0;    // index into ModelDef::buffers; 0 = no data (the empty sentinel)
};

struct OperatorDef {
  int32_t opcode = 0;  // BuiltinOp value (kept as int so unknown codes survive to a clear error)
  int version = 1;     // operator-code version written to / read from the file
  std::vector<int> inputs, outputs;  // tensor indices; -1 = optional input absent
  OpOptions options;
};

struct ModelDef {
  std::vector<std::vector<uint8_t>> buffers{std::vector<uint8_t>{}};  // buffers[0]: empty sentinel
  std::vector<TensorDef> tensors;
  std::vector<OperatorDef> operators;  // in execution order (one subgraph)
  std::vector<int> inputs, outputs;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> metadata;  // name -> bytes
  std::string description;
};

}  // namespace tinyfit::tflite
