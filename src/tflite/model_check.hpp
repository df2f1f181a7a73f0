// Structural checks of a ModelDef, shared by the reader (files may be hostile), the writer (never
// emit a file a runtime would reject) and anyone building a ModelDef by hand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tflite/model.hpp"

namespace tinyfit::tflite {

// Bounds that keep later stages (arena planning, element loops) far from integer overflow.
inline constexpr size_t kMaxTensorRank = 8;
inline constexpr int64_t kMaxTensorBytes = int64_t{1} << 30;

// Elements of `shape`, or -1 if a dimension is negative or the product exceeds kMaxTensorBytes.
int64_t checked_num_elements(const std::vector<int32_t>& shape);

// Throws Error("<source_name>: ...") on the first problem: buffers[0] not empty; a tensor with an
// unknown type, rank > kMaxTensorRank, a negative dimension, more than kMaxTensorBytes, a buffer
// index out of range, data whose size is not elements × dtype size, or inconsistent quantization
// (scale/zero_point counts differ, non-finite scale, zero point outside int32, per-channel count not
// matching the dimension at `axis`); an operator with a negative opcode, version < 1, an input outside
// [-1, tensors) or an output outside [0, tensors); model inputs/outputs outside [0, tensors).
void check_model(const ModelDef& model, const std::string& source_name);

}  // namespace tinyfit::tflite
